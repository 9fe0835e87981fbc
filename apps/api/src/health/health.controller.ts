// Liveness, readiness and the summary: the storage in use, whether it
// answers, and how far each projection has got (position, lag in events,
// and a failure with its position and error when one cannot go on).
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { PROJECTION_RUNNER, ProjectionRunner } from '@crm/projections';
import { Public } from '@crm/accounts';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  private async check() {
    const eventStore = await this.store.health();
    const up = eventStore.state === 'up';
    const projections = up ? await this.runner.status().catch(() => []) : [];
    const failed = projections.filter((p) => p.state === 'failed').map((p) => p.name);
    return { up, failed, body: { status: !up ? 'unavailable' : failed.length > 0 ? 'degraded' : 'ok', adapter: this.store.adapter, eventStore, projections } };
  }

  /** The summary: 200 while the storage answers (status "degraded" when a projection failed), 503 when it does not. */
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const { up, body } = await this.check();
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }

  /** The process answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready for traffic: the storage answers and no projection has failed. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const { up, failed, body } = await this.check();
    res.status(up && failed.length === 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}
