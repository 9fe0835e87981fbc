// Liveness, readiness and the summary (HealthCheck), and the metrics in the
// Prometheus format; open like sign-in (they hold no personal data), the
// metrics behind METRICS_TOKEN when it is set.
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { problem } from '@crm/shared/http';
import { HealthCheck } from '@crm/projections';
import { Public } from '@crm/accounts';
import { METRICS_REFUSAL, metricsAllowed, metricsText } from '@crm/shared/metrics';

const METRICS_REFUSED = problem(401, METRICS_REFUSAL.code, METRICS_REFUSAL.detail);

@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheck,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (!metricsAllowed(authorization, this.config.metricsToken)) {
      res.status(401).type('application/problem+json').set('WWW-Authenticate', 'Bearer').send(JSON.stringify(METRICS_REFUSED));
      return;
    }
    const { contentType, body } = await metricsText();
    res.status(200).type(contentType).send(body);
  }
}
