// Runs the projectors on catch-up subscriptions over the store's global
// order, batch by batch, committing rows and checkpoints together.
import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import type { Migration, SqlClient, SqlExecutor } from '@crm/database';
import { sqlLiteral } from '@crm/database';
import { CatchUpSubscription, EventStore, Partition, partitionOf, partitionSql, RecordedEvent } from '@crm/event-store';
import { isStorageUnavailable, knownEventType } from '@crm/shared';
import { metrics } from '@crm/shared/metrics';
import { settleCheckpoints } from './partition-layout';
import { Projector, RebuildNeededError } from './projector';
import { rebuildProjection, RebuildProgress } from './rebuild';
import { isParked, park, parkedStreams } from './dead-letters';

export const projectionMigrations: Migration[] = [
  {
    id: '0003_projection_checkpoints',
    sql: `
CREATE TABLE crm_projection_checkpoints (
  name       text PRIMARY KEY,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
];

/** Thrown to make the subscription skip its own checkpoint update after a reset. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
  constructor(
    readonly projector: string,
    readonly position: number,
  ) {
    super(`checkpoint of ${projector} moved to ${position}`);
  }
}

/** A projector's batch threw: which projector, so that it alone is held back. */
export class ProjectorFailedError extends Error {
  override readonly name = 'ProjectorFailedError';
  constructor(
    readonly projector: string,
    readonly reason: unknown,
  ) {
    super(`${projector}: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

export interface ProjectionFailure {
  /** The batch it cannot get past: events after this position. */
  after: number;
  error: string;
  attempts: number;
  since: string;
}

export interface ProjectionStatus {
  name: string;
  position: number;
  /** Events in the log after the checkpoint (0: caught up), counted up to a cap (then `lagAtLeast`). */
  lag: number;
  /** The lag was counted up to its cap: there are at least that many (a far-behind projection costs /health no more than a near one). */
  lagAtLeast?: true;
  /** Age of the oldest event not applied yet, in seconds (0: caught up). */
  lagSeconds: number;
  /** failed: its batch failed `failAfter` times in a row; it keeps retrying (backing off) and resumes when the cause is gone. */
  state: 'running' | 'failed' | 'stopped';
  failure?: ProjectionFailure;
  /** Re-projected side by side (a tier rule set was activated): how far it has got; reads answer from the tables in place meanwhile. */
  rebuilding?: RebuildProgress & { why: string; since: string };
  /** Events of types this build does not know, skipped (since this process started). */
  unknownEvents?: UnknownEvents;
  /** Streams parked for this projector (dead letters): it cannot apply them and goes on with the others. */
  parkedStreams?: number;
}

/** What a projection skipped because this build does not know the event's type. */
export interface UnknownEvents {
  count: number;
  byType: Record<string, number>;
  last: { position: number; streamId: string; type: string };
}

export interface RunnerOptions {
  batchSize?: number;
  pollIntervalMs?: number;
  /** Failures in a row after which a projector is shown as failed (default 5). */
  failAfter?: number;
  /** Longest wait between retries of a failing batch (default 30 s). */
  maxRetryDelayMs?: number;
}

/** PostgreSQL channels between the processes of one deployment (LISTEN/NOTIFY). */
export const APPENDED_CHANNEL = 'crm_appended';
export const PROGRESS_CHANNEL = 'crm_progress';

/** Appends announced to other processes at most this often (ms). */
const ANNOUNCE_GAP_MS = 5;

/** While the store is unreachable, how often to ask whether it answers again (ms). */
const STORAGE_PROBE_MS = 1_000;

/** A wait that found its position not covered re-checks at least this often, should a notification be lost (a reconnect). */
const WAIT_RECHECK_MS = 1_000;

/** Told after each batch a projector committed (metrics, benchmarks). */
export type BatchListener = (projector: string, events: readonly RecordedEvent[], checkpoint: number) => void;

/** Projectors (of one partition) that stand at the same checkpoint share one subscription and one transaction a batch. */
interface Group {
  projectors: Projector[];
  subscription: CatchUpSubscription;
}

/** Events after checkpoint $1 in the order readers read (commit order, as readAll). */
const AFTER = `(transaction_id, global_position) > (coalesce((SELECT transaction_id FROM crm_events WHERE global_position = $1), '0'::xid8), $1::bigint)`;

/** Locks the group's checkpoints (in name order, as a rebuild's swap takes them): sent with BEGIN, in its round trip. */
const lockCheckpoints = (names: readonly string[]) =>
  `SELECT name, position FROM crm_projection_checkpoints WHERE name IN (${names.map(sqlLiteral).join(', ')}) ORDER BY name FOR UPDATE`;

/** Moves the checkpoints and tells other processes (NOTIFY is delivered when, and only if, this commits): sent with COMMIT, in its round trip. */
function moveCheckpoints(names: readonly string[], checkpoint: number): string {
  if (!Number.isSafeInteger(checkpoint)) throw new Error(`not a position: ${checkpoint}`);
  return `WITH moved AS (
  INSERT INTO crm_projection_checkpoints (name, position) SELECT unnest(ARRAY[${names.map(sqlLiteral).join(', ')}]::text[]), ${checkpoint}
  ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now() RETURNING 1)
SELECT pg_notify(${sqlLiteral(PROGRESS_CHANNEL)}, ${sqlLiteral(`${checkpoint} ${names.join(',')}`)}) FROM (SELECT count(*) FROM moved) AS done`;
}

/** How far /health and /metrics count a projection's lag: beyond it, "at least". */
const LAG_COUNT_CAP = 10_000;

const baseOf = (projector: Projector) => projector.base ?? projector.name;

/** Thrown to roll back a trial of a batch (finding the event a projector fails on). */
const TRIAL = Symbol('trial');

const partitionKey = (projector: Projector) => (projector.partition ? `${projector.partition.index}/${projector.partition.count}` : '');

/**
 * Projectors at the same checkpoint (the usual case) are fed by one catch-up
 * subscription: one read of the log and one transaction a batch for all of
 * them, each projector's checkpoint moved in it. A projector whose stored
 * checkpoint moved elsewhere (a rebuild swapped in) leaves its group and
 * continues on a subscription of its own.
 */
export class ProjectionRunner {
  private groups: Group[] = [];
  private readonly retired: CatchUpSubscription[] = [];
  private readonly listeners = new Set<BatchListener>();
  /** Woken after any checkpoint moved, here or (announced) in another process: the waits of ?waitFor= look again. */
  private readonly progressed = new Set<() => void>();
  private stopListening: (() => Promise<void>) | undefined;
  private announcing: { quiet?: NodeJS.Timeout; again: boolean } | undefined;
  private probing: NodeJS.Timeout | undefined;
  private readonly failures = new Map<string, ProjectionFailure>();
  private readonly unknown = new Map<string, UnknownEvents>();
  private closed = false;
  private readonly rebuilds = new Map<string, RebuildProgress & { why: string; since: string }>();
  /** Streams parked per projector (base name), as last read: refreshed inside each batch's transaction while any is parked. */
  private readonly parked = new Map<string, Map<string, number>>();
  private readonly logger = new Logger('projections');
  private readonly presenceName = `${hostname()}:${process.pid}`;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly projectors: readonly Projector[],
    private readonly options: RunnerOptions = {},
  ) {}

  async start(): Promise<void> {
    await this.startSome(this.projectorNames);
  }

  /**
   * Starts projectors this process does not run yet (leases were taken):
   * those at the same stored checkpoint share one subscription, as at start().
   */
  async startSome(names: readonly string[]): Promise<void> {
    await this.settle();
    const together = new Map<string, { after: number; projectors: Projector[] }>();
    for (const projector of this.projectors.filter((p) => names.includes(p.name) && this.liveCheckpoint(p.name) === undefined)) {
      const after = await this.checkpointOf(projector.name);
      const key = `${after}|${partitionKey(projector)}`;
      together.set(key, { after, projectors: [...(together.get(key)?.projectors ?? []), projector] });
    }
    for (const base of new Set(this.projectors.filter((p) => names.includes(p.name)).map(baseOf))) this.setParked(base, await parkedStreams(this.sql, base));
    // Taken afresh here: what another process said of its failure no longer holds (it is said again if it fails here).
    await this.sql.query('DELETE FROM crm_projection_failures WHERE name = ANY ($1::text[])', [[...names]]);
    for (const { after, projectors } of together.values()) this.startGroup(projectors, after);
  }

  /**
   * The checkpoints match the partitions configured (partition-layout.ts);
   * checked at every start, since a rebuild may have laid them out anew.
   */
  settle(): Promise<void> {
    return settleCheckpoints(this.sql, this.projectors, this.logger);
  }

  /** Stops one projector after its batch in flight (its lease was lost or handed over). */
  async stopOne(name: string): Promise<void> {
    // Its failures here are history once another process runs it.
    this.failures.delete(name);
    const group = this.groups.find((g) => g.projectors.some((p) => p.name === name));
    if (!group) return;
    group.projectors = group.projectors.filter((p) => p.name !== name);
    if (group.projectors.length > 0) return;
    this.groups = this.groups.filter((g) => g !== group);
    await group.subscription.stop();
  }

  /** The projectors this process runs now. */
  get running(): string[] {
    return this.groups.flatMap((g) => g.projectors.map((p) => p.name));
  }

  private startGroup(projectors: Projector[], after: number): void {
    const group = { projectors } as Group;
    group.subscription = new CatchUpSubscription(this.store, {
      after,
      partition: projectors[0].partition,
      batchSize: this.options.batchSize ?? 500,
      // Appends wake it at once (here, or announced by other processes); the poll is a safety net.
      pollIntervalMs: this.options.pollIntervalMs ?? 250,
      maxRetryDelayMs: this.options.maxRetryDelayMs,
      handle: async (batch, checkpoint, from) => {
        const started = performance.now();
        const events = batch.filter((e) => knownEventType(e.streamId, e.type));
        if (this.mayPark(group)) await this.parkPoison(group.projectors[0], events);
        await this.applyBatch(group, events, checkpoint, from);
        if (events.length < batch.length) this.countUnknown(group, batch);
        for (const p of group.projectors) {
          metrics.projectionBatchDuration.observe({ projection: p.name }, (performance.now() - started) / 1000);
          metrics.projectionBatchEvents.inc({ projection: p.name }, events.length);
        }
        for (const p of group.projectors) if (this.failures.delete(p.name)) this.shareFailure(p.name, undefined);
      },
      moved: () => this.signalProgress(),
      onError: (error) => this.onBatchError(group, error),
    });
    this.groups.push(group);
  }

  /** Unknown types are skipped, not failed on: a newer version wrote them (a rolling upgrade). Counted once the batch committed. */
  private countUnknown(group: Group, batch: readonly RecordedEvent[]): void {
    for (const e of batch) {
      if (knownEventType(e.streamId, e.type)) continue;
      for (const p of group.projectors) {
        const seen = this.unknown.get(p.name) ?? { count: 0, byType: {}, last: { position: 0, streamId: '', type: '' } };
        seen.count++;
        seen.byType[e.type] = (seen.byType[e.type] ?? 0) + 1;
        seen.last = { position: e.position, streamId: e.streamId, type: e.type };
        this.unknown.set(p.name, seen);
        metrics.projectionUnknownEvents.inc({ projection: p.name, type: e.type });
      }
      this.logger.warn(`skipped event ${e.position} of unknown type ${e.type} in ${e.streamId} (written by a newer version?)`);
    }
  }

  /**
   * A failing projector leaves its group at once (the others go on without
   * it) and is retried on its own, backing off; after `failAfter` failures in
   * a row it is shown as failed on /health, until a batch goes through.
   */
  private onBatchError(group: Group, error: unknown): void {
    if (error instanceof CheckpointMovedError) return;
    if (isStorageUnavailable(error instanceof ProjectorFailedError ? error.reason : error)) this.probeStorage();
    const culprit = error instanceof ProjectorFailedError ? group.projectors.find((p) => p.name === error.projector) : undefined;
    if (culprit && error instanceof ProjectorFailedError && error.reason instanceof RebuildNeededError) {
      if (group.projectors.length > 1) {
        group.projectors = group.projectors.filter((p) => p !== culprit);
        this.startGroup([culprit], group.subscription.checkpoint);
      }
      this.rebuildAside(culprit, error.reason.why);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const names = culprit ? [culprit.name] : group.projectors.map((p) => p.name);
    for (const name of names) {
      metrics.projectionBatchFailures.inc({ projection: name });
      const known = this.failures.get(name);
      this.failures.set(name, { after: group.subscription.checkpoint, error: message, attempts: (known?.attempts ?? 0) + 1, since: known?.since ?? new Date().toISOString() });
    }
    const failed = (this.failures.get(names[0])?.attempts ?? 0) >= (this.options.failAfter ?? 5);
    if (failed) for (const name of names) this.shareFailure(name, this.failures.get(name));
    (failed ? this.logger.error : this.logger.warn).call(this.logger, `${names.join(', ')}: batch after position ${group.subscription.checkpoint} failed (${message}); retrying`);
    if (culprit && group.projectors.length > 1) {
      group.projectors = group.projectors.filter((p) => p !== culprit);
      this.startGroup([culprit], group.subscription.checkpoint);
    }
  }

  private setParked(base: string, streams: Map<string, number>): void {
    this.parked.set(base, streams);
    metrics.projectionParkedStreams.set({ projection: base }, streams.size);
  }

  /** A by-stream projector alone in its group that has failed `failAfter` times in a row on this batch: time to find its poison. */
  private mayPark(group: Group): boolean {
    const [projector] = group.projectors;
    if (group.projectors.length !== 1 || !(projector.byStream || projector.base)) return false;
    return (this.failures.get(projector.name)?.attempts ?? 0) >= (this.options.failAfter ?? 5);
  }

  /** The events a projector applies: those of streams not parked for it (re-read in the batch's transaction while any is). */
  private async unparked(projector: Projector, events: readonly RecordedEvent[], tx: SqlExecutor): Promise<readonly RecordedEvent[]> {
    const base = baseOf(projector);
    if ((this.parked.get(base)?.size ?? 0) === 0) return events;
    const parked = await parkedStreams(tx, base);
    this.setParked(base, parked);
    return events.filter((e) => !isParked(parked, e));
  }

  /**
   * Finds the first event the projector cannot apply (trials of ever shorter
   * prefixes of the batch, each rolled back) and parks its stream. A failure
   * that does not come back in a trial (the database went away) parks nothing.
   */
  private async parkPoison(projector: Projector, batch: readonly RecordedEvent[]): Promise<void> {
    const parked = this.parked.get(baseOf(projector)) ?? new Map<string, number>();
    const events = batch.filter((e) => !isParked(parked, e));
    const trialOf = async (part: readonly RecordedEvent[]): Promise<unknown> => {
      try {
        const prepared = projector.prepare ? await projector.prepare(part) : undefined;
        await this.sql.transaction(async (tx) => {
          await projector.apply(part, tx, prepared);
          throw TRIAL;
        });
      } catch (error) {
        if (error !== TRIAL) return error ?? new Error('failed');
      }
      return undefined;
    };
    const failure = (n: number) => trialOf(events.slice(0, n));
    const whole = await failure(events.length);
    if (whole === undefined || isStorageUnavailable(whole)) return;
    let [fine, fails] = [0, events.length];
    while (fails - fine > 1) {
      const mid = Math.floor((fine + fails) / 2);
      if ((await failure(mid)) === undefined) fine = mid;
      else fails = mid;
    }
    const poison = events[fails - 1];
    const message = whole instanceof Error ? whole.message : String(whole);
    // The rest of the batch must go through without that stream: a cause outside the events (a full disk, a
    // broken migration) would fail them all, and parking would only hide it. That keeps failing, as before.
    const rest = events.filter((e) => e.streamId !== poison.streamId || e.position < poison.position);
    if (rest.length > 0 && (await trialOf(rest)) !== undefined) {
      this.logger.error(`${projector.name}: the batch fails without stream ${poison.streamId} too: not parked (the cause is not one event)`);
      return;
    }
    await park(this.sql, baseOf(projector), poison, message);
    this.setParked(baseOf(projector), parked.set(poison.streamId, poison.position));
    this.logger.error(
      `${projector.name}: parked stream ${poison.streamId} at event ${poison.position} (${poison.type}): ${message}; the other streams go on (crm dead-letters list)`,
    );
  }

  /**
   * Rows and checkpoints in one transaction. The stored checkpoints are read
   * FOR UPDATE first (in name order, as a rebuild's swap takes them): a
   * projector whose checkpoint is not where this subscription stands (a
   * rebuild was swapped in, or another process projects too) gets nothing
   * applied and moves to a subscription from its stored checkpoint. That
   * fence is what keeps a batch from ever being applied twice.
   */
  private async applyBatch(group: Group, events: RecordedEvent[], checkpoint: number, from: number): Promise<void> {
    const names = group.projectors.map((p) => p.name);
    const prepared = new Map<string, unknown>();
    for (const projector of group.projectors) {
      if (!projector.prepare) continue;
      try {
        prepared.set(projector.name, await projector.prepare(events));
      } catch (error) {
        // Pinned on the projector whose preparation failed: it leaves the group, the others go on.
        throw new ProjectorFailedError(projector.name, error);
      }
    }
    // A read-model batch need not wait for its WAL flush: lost in a crash, it is lost with its checkpoint and applied again.
    const moved = await this.sql.transaction(
      async (tx) => {
        const stored = new Map((tx.opened as { name: string; position: string | number }[]).map((r) => [r.name, Number(r.position)]));
        const away = group.projectors.filter((p) => (stored.get(p.name) ?? (from === 0 ? 0 : undefined)) !== from);
        const inStep = group.projectors.filter((p) => !away.includes(p));
        for (const projector of inStep) {
          try {
            await projector.apply(await this.unparked(projector, events, tx), tx, prepared.get(projector.name));
          } catch (error) {
            throw new ProjectorFailedError(projector.name, error);
          }
        }
        if (inStep.length > 0)
          tx.commitWith(
            moveCheckpoints(
              inStep.map((p) => p.name),
              checkpoint,
            ),
          );
        return away.map((p) => ({ projector: p, position: stored.get(p.name) }));
      },
      { asyncCommit: true, opening: lockCheckpoints(names) },
    );
    for (const projector of group.projectors) {
      if (moved.some((m) => m.projector === projector)) continue;
      for (const listener of this.listeners) listener(projector.name, events, checkpoint);
    }
    if (moved.length === 0) return;
    for (const { projector, position } of moved) {
      group.projectors = group.projectors.filter((p) => p !== projector);
      if (position === undefined) {
        // Its checkpoint row is gone: a rebuild laid the checkpoints out in other partitions. Starting over from 0 would apply twice.
        this.logger.error(`${projector.name}: its checkpoint was replaced by a rebuild into other partitions; stopped here (restart with the same PROJECTION_PARTITIONS)`);
        continue;
      }
      this.logger.log(`${projector.name}: checkpoint moved to ${position} by another writer; continuing from there`);
      this.startGroup([projector], position);
    }
    // The group's checkpoint moves on with the projectors that stayed; those that left continue elsewhere.
    if (group.projectors.length > 0) return;
    // None stayed: retire the subscription without moving its checkpoint (stop() is awaited by runner.stop()).
    this.groups = this.groups.filter((g) => g !== group);
    this.retired.push(group.subscription);
    void group.subscription.stop();
    throw new CheckpointMovedError(moved[0].projector.name, moved[0].position ?? 0);
  }

  /**
   * Rebuilds a projector side by side while its live tables keep answering;
   * the swap moves its checkpoint, and it goes on from there at once (its
   * subscription, held at the batch that asked for the rebuild, is replaced).
   * A rebuild that fails is asked for again by the next attempt of that batch.
   */
  private rebuildAside(projector: Projector, why: string): void {
    if (this.rebuilds.has(projector.name)) return;
    const since = new Date().toISOString();
    this.rebuilds.set(projector.name, { phase: 'projecting', events: 0, position: 0, target: 0, why, since });
    this.logger.log(`${projector.name}: rebuilding side by side (${why})`);
    void rebuildProjection(this.store, this.sql, projector, { onProgress: (progress) => this.rebuilds.set(projector.name, { ...progress, why, since }) })
      .then(async (result) => {
        this.logger.log(`${projector.name}: rebuilt and swapped in at position ${result.position} (${result.events} events, ${result.seconds} s)`);
        this.rebuilds.delete(projector.name);
        if (this.closed) return;
        const running = this.running.includes(projector.name);
        await this.stopOne(projector.name);
        if (running) await this.startSome([projector.name]);
        this.signalProgress();
        for (const listener of this.listeners) listener(projector.name, [], result.position);
      })
      .catch((error: unknown) => {
        this.rebuilds.delete(projector.name);
        this.logger.error(`${projector.name}: rebuild failed (${(error as Error).message}); asked for again by the next attempt`);
      });
  }

  /**
   * The store could not be reached: ask it every second whether it answers
   * again, and then retry every subscription at once instead of at the end
   * of its backoff (which grows up to PROJECTION_RETRY_MAX_MS).
   */
  private probeStorage(): void {
    if (this.probing || this.closed) return;
    this.probing = setInterval(() => {
      this.sql.ping().then(
        () => {
          clearInterval(this.probing);
          this.probing = undefined;
          for (const group of this.groups) group.subscription.retryNow();
        },
        () => undefined,
      );
    }, STORAGE_PROBE_MS);
    this.probing.unref();
  }

  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The projectors failing in this process (a lease holder hands them to another worker). */
  get failingHere(): string[] {
    return [...this.failures].filter(([, f]) => f.attempts >= (this.options.failAfter ?? 5)).map(([name]) => name);
  }

  /** Told to every process through the database, so that /health anywhere reports a projector failing in any worker. */
  private shareFailure(name: string, failure: ProjectionFailure | undefined): void {
    const done = failure
      ? this.sql.query(
          `INSERT INTO crm_projection_failures (name, owner, error, since) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, error = excluded.error, since = excluded.since, updated_at = now()`,
          [name, this.presenceName, failure.error.slice(0, 2_000), failure.since],
        )
      : this.sql.query('DELETE FROM crm_projection_failures WHERE name = $1', [name]);
    done.catch(() => undefined);
  }

  /** Projectors failing in any process, as they last told (within the last minutes). */
  async failingAnywhere(): Promise<Array<{ name: string; owner: string; error: string; since: string }>> {
    const rows = await this.sql.query<{ name: string; owner: string; error: string; since: Date | string }>(
      `SELECT name, owner, error, since FROM crm_projection_failures WHERE updated_at > now() - interval '5 minutes' ORDER BY name`,
    );
    return rows.map((r) => ({ name: r.name, owner: r.owner, error: r.error, since: new Date(r.since).toISOString() }));
  }

  get projectorNames(): string[] {
    return this.projectors.map((p) => p.name);
  }

  async checkpointOf(name: string): Promise<number> {
    const [row] = await this.sql.query<{ position: string | number }>('SELECT position FROM crm_projection_checkpoints WHERE name = $1', [name]);
    return row ? Number(row.position) : 0;
  }

  /**
   * Where a projector stands as a whole: the lowest checkpoint among its
   * partitions that have one (a partition without events yet holds nothing back).
   */
  async checkpointOfProjector(base: string): Promise<number> {
    const units = this.projectors.filter((p) => (p.base ?? p.name) === base).map((p) => p.name);
    const [row] = await this.sql.query<{ position: string | null }>('SELECT min(position)::text AS position FROM crm_projection_checkpoints WHERE name = ANY ($1::text[])', [
      units,
    ]);
    return Number(row?.position ?? 0);
  }

  private liveCheckpoint(name: string): number | undefined {
    return this.groups.find((g) => g.projectors.some((p) => p.name === name))?.subscription.checkpoint;
  }

  /** `countUpTo`: the lag is counted up to this many events (default 10,000). */
  async status(options: { countUpTo?: number } = {}): Promise<ProjectionStatus[]> {
    const cap = Math.max(1, options.countUpTo ?? LAG_COUNT_CAP);
    const result: ProjectionStatus[] = [];
    // A retry or a skip elsewhere (crm dead-letters) unparks without a batch here: read again while any is parked.
    for (const [base, streams] of this.parked) if (streams.size > 0) this.setParked(base, await parkedStreams(this.sql, base));
    for (const projector of this.projectors) {
      const position = await this.checkpointOf(projector.name);
      // Events past the checkpoint (a partition's own): an index range count up to the cap, cheap however far behind.
      const [behind] = await this.sql.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM crm_events WHERE ${AFTER} ${this.ofPartition(projector.partition)} LIMIT $2) AS past`,
        [position, cap],
      );
      const failure = this.failures.get(projector.name);
      const failed = failure !== undefined && failure.attempts >= (this.options.failAfter ?? 5);
      const state = this.liveCheckpoint(projector.name) === undefined ? 'stopped' : failed ? 'failed' : 'running';
      const lag = Number(behind?.n ?? 0);
      const lagSeconds = lag > 0 ? await this.ageAfter(position, projector.partition) : 0;
      const rebuilding = this.rebuilds.get(projector.name);
      const capped = lag >= cap ? { lagAtLeast: true as const } : {};
      const unknownEvents = this.unknown.get(projector.name);
      const parked = projector.byStream || projector.base ? (this.parked.get(baseOf(projector))?.size ?? 0) : 0;
      result.push({
        name: projector.name,
        position,
        lag,
        ...capped,
        lagSeconds,
        state,
        ...(failed ? { failure } : {}),
        ...(rebuilding ? { rebuilding } : {}),
        ...(unknownEvents ? { unknownEvents } : {}),
        ...(parked > 0 ? { parkedStreams: parked } : {}),
      });
    }
    return result;
  }

  private ofPartition(partition: Partition | undefined): string {
    return partition ? `AND ${partitionSql('stream_id', partition.count)} = ${Number(partition.index)}` : '';
  }

  /** Seconds since the first event after `position` (of the partition) was recorded. */
  private async ageAfter(position: number, partition: Partition | undefined): Promise<number> {
    const [row] = await this.sql.query<{ age: string | number }>(
      `SELECT extract(epoch FROM now() - recorded_at) AS age FROM crm_events WHERE ${AFTER} ${this.ofPartition(partition)} ORDER BY transaction_id, global_position LIMIT 1`,
      [position],
    );
    return row ? Math.max(0, Math.round(Number(row.age) * 1000) / 1000) : 0;
  }

  /** Whether a projector (as a whole: every partition) has processed `position` now, without waiting. */
  async covers(base: string, position: number): Promise<boolean> {
    const units = this.projectors.filter((p) => (p.base ?? p.name) === base);
    if (units.length === 0) return false;
    for (const unit of units) {
      const checkpoint = this.liveCheckpoint(unit.name) ?? (await this.checkpointOf(unit.name));
      if (!(await this.store.isCoveredBy(position, checkpoint))) return false;
    }
    return true;
  }

  /**
   * Resolves true once every projector of the read models named (all without
   * `readModels`; each partition the event falls in) has processed
   * `position`, false after `timeoutMs`. It looks when a
   * checkpoint moves (a batch committed here, or one announced by another
   * process), not on a timer.
   */
  async waitFor(position: number, timeoutMs = 5_000, readModels?: readonly string[]): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const read = readModels ? this.projectors.filter((p) => readModels.includes(p.base ?? p.name)) : this.projectors;
    // A read that answers from the event streams alone sees every acknowledged write already.
    if (read.length === 0) return true;
    const streamId = read.some((p) => p.partition) ? await this.store.streamIdAt(position) : undefined;
    const concerned = read.filter((p) => !p.partition || streamId === undefined || partitionOf(streamId, p.partition.count) === p.partition.index);
    // Listening before looking: a batch that commits between the look and the sleep still wakes it.
    let moved = false;
    let wake: (() => void) | undefined;
    const onProgress = () => {
      moved = true;
      wake?.();
    };
    this.progressed.add(onProgress);
    try {
      for (;;) {
        moved = false;
        if (await this.coverAll(concerned, position)) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        if (moved) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, WAIT_RECHECK_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      this.progressed.delete(onProgress);
    }
  }

  private async coverAll(projectors: readonly Projector[], position: number): Promise<boolean> {
    for (const projector of projectors) {
      const checkpoint = this.liveCheckpoint(projector.name) ?? (await this.checkpointOf(projector.name));
      if (!(await this.store.isCoveredBy(position, checkpoint))) return false;
    }
    return true;
  }

  private signalProgress(): void {
    for (const wake of this.progressed) wake();
  }

  /**
   * Joins the other processes of the deployment (PostgreSQL): a batch they
   * commit wakes the waits here and reaches the batch listeners of projectors
   * this process does not run; an append they announce wakes the
   * subscriptions here; with `announceAppends` (a process that writes but
   * does not project: the API beside workers, the CLI) the appends made here
   * are announced to them.
   */
  async joinProcesses(options: { announceAppends: boolean }): Promise<void> {
    if (this.sql.kind !== 'postgres' || this.stopListening) return;
    this.stopListening = await this.sql.listen([APPENDED_CHANNEL, PROGRESS_CHANNEL], (channel, payload) => {
      if (channel !== PROGRESS_CHANNEL) for (const group of this.groups) group.subscription.poke();
      if (channel !== APPENDED_CHANNEL) this.announced(payload);
    });
    if (options.announceAppends) {
      this.announcing = { again: false };
      const unlisten = this.store.onAppended(() => this.announceAppend());
      const stop = this.stopListening;
      this.stopListening = async () => {
        unlisten();
        await stop();
      };
    }
  }

  /**
   * A batch committed elsewhere ("<checkpoint> <name>,<name>"; empty after a
   * reconnect). Projectors run here were announced by their own subscription
   * already (this process hears its own NOTIFYs too).
   */
  private announced(payload: string): void {
    const [at, list] = payload.split(' ');
    const checkpoint = Number(at);
    const elsewhere = list && Number.isSafeInteger(checkpoint) ? list.split(',').filter((name) => this.liveCheckpoint(name) === undefined) : undefined;
    if (elsewhere?.length === 0) return;
    this.signalProgress();
    for (const name of elsewhere ?? []) for (const listener of this.listeners) listener(name, [], checkpoint);
  }

  /**
   * At most one NOTIFY every ANNOUNCE_GAP_MS: appends made meanwhile are
   * covered by one at the end of the gap, so that a busy writer does not
   * wake the projectors (and commit a transaction) for every event.
   */
  private announceAppend(): void {
    const state = this.announcing;
    if (!state || this.closed) return;
    if (state.quiet) {
      state.again = true;
      return;
    }
    state.again = false;
    state.quiet = setTimeout(() => {
      state.quiet = undefined;
      if (state.again) this.announceAppend();
    }, ANNOUNCE_GAP_MS);
    state.quiet.unref();
    // A NOTIFY commits as a transaction of its own (one implicit block, nothing left open on an error): it need not wait for its WAL flush.
    void this.sql.exec(`SET LOCAL synchronous_commit = off; NOTIFY ${APPENDED_CHANNEL}`).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.announcing?.quiet);
    clearInterval(this.probing);
    await this.stopListening?.();
    const all = [...this.groups.map((g) => g.subscription), ...this.retired];
    this.groups = [];
    this.retired.length = 0;
    await Promise.all(all.map((s) => s.stop()));
  }
}
