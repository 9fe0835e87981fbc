// Health as every process answers it (the API's /health routes, a worker's
// health server): the storage in use and whether it answers, and how far
// each projection has got (position, lag in events and seconds, a failure
// with its position and error when one cannot go on).
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { ProjectionRunner } from './projection-runner';
import { PROJECTION_MODE, PROJECTION_RUNNER, ProjectionMode } from './wait-for';

export interface HealthAnswer {
  status: 200 | 503;
  body: Record<string, unknown>;
}

@Injectable()
export class HealthCheck implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_MODE) private readonly mode: ProjectionMode,
  ) {}

  private async check() {
    const eventStore = await this.store.health();
    const up = eventStore.state === 'up';
    // Counted far enough to tell whether a projection is past the readiness bound, and no further.
    const projections = up ? await this.runner.status({ countUpTo: Math.max(10_000, this.config.readyMaxLagEvents + 1) }).catch(() => []) : [];
    const failed = projections.filter((p) => p.state === 'failed').map((p) => p.name);
    // Failing in another process (a worker): reported here too, so that no process says "ok" while a read model stands still.
    const failing = up ? (await this.runner.failingAnywhere().catch(() => [])).filter((f) => !failed.includes(f.name)) : [];
    const bound = this.config.readyMaxLagEvents;
    const behind = bound > 0 ? projections.filter((p) => p.lag > bound).map((p) => p.name) : [];
    // Parked streams (dead letters) leave the other customers exact: degraded, and not ready only past the configured count.
    const parked = projections.reduce((n, p) => n + (p.parkedStreams ?? 0), 0);
    const tooManyParked = parked > this.config.readyMaxParkedStreams;
    const status = !up ? 'unavailable' : failed.length > 0 || failing.length > 0 || parked > 0 ? 'degraded' : 'ok';
    const extra = { ...(parked > 0 ? { parkedStreams: parked } : {}), ...(failing.length > 0 ? { failingElsewhere: failing } : {}) };
    return {
      up,
      failed,
      behind,
      tooManyParked,
      body: { status, adapter: this.store.adapter, projecting: this.mode, eventStore, projections, ...extra },
    };
  }

  private latest: Checked | undefined;
  private refreshing: Promise<Checked> | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Readiness answers from the last check, made again in the background every second: a probe costs no query at any size. */
  onModuleInit(): void {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One check at a time: a probe arriving meanwhile shares it. */
  private refresh(): Promise<Checked> {
    this.refreshing ??= this.check()
      .then((checked) => (this.latest = checked))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The summary, checked now: 200 while the storage answers (status "degraded" when a projection failed), 503 when it does not. */
  async summary(): Promise<HealthAnswer> {
    const { up, body } = await this.refresh();
    return { status: up ? 200 : 503, body };
  }

  /**
   * Ready for traffic, as of the last check (at most a second old): the storage answers, no projection has failed, none
   * is further behind than READY_MAX_LAG_EVENTS, no more streams parked than READY_MAX_PARKED_STREAMS.
   */
  async ready(): Promise<HealthAnswer> {
    const { up, failed, behind, tooManyParked, body } = this.latest ?? (await this.refresh());
    const ready = up && failed.length === 0 && behind.length === 0 && !tooManyParked;
    return { status: ready ? 200 : 503, body: behind.length > 0 ? { ...body, behind } : body };
  }
}

/** How often readiness is checked in the background (ms). */
const REFRESH_MS = 1_000;

type Checked = Awaited<ReturnType<HealthCheck['check']>>;
