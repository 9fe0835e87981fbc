// Liveness and readiness: the storage in use, whether it answers, and how
// far each projection has got (position and lag in events).
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { PROJECTION_RUNNER, ProjectionRunner } from '@crm/projections';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const eventStore = await this.store.health();
    const up = eventStore.state === 'up';
    const projections = up ? await this.runner.status().catch(() => []) : [];
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'unavailable', adapter: this.store.adapter, eventStore, projections };
  }
}
