// Liveness, readiness and the summary (HealthCheck), and the metrics in the
// Prometheus format; open like sign-in: they hold no personal data.
import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck } from '@crm/projections';
import { Public } from '@crm/accounts';
import { metricsText } from '@crm/shared/metrics';

@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthCheck) {}

  @Get('health')
  async summary(@Res({ passthrough: true }) res: Response) {
    const { status, body } = await this.health.summary();
    res.status(status);
    return body;
  }

  /** The process answers. */
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const { status, body } = await this.health.ready();
    res.status(status);
    return body;
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await metricsText();
    res.status(200).type(contentType).send(body);
  }
}
