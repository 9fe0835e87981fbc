// Liveness and readiness: the storage in use and whether it answers.
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@crm/event-store';

@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const eventStore = await this.store.health();
    const up = eventStore.state === 'up';
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'unavailable', adapter: this.store.adapter, eventStore };
  }
}
