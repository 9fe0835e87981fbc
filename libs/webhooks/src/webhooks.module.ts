// The webhook slice: the API, and the deliverer in every process that
// projects (the API inline, the workers); the lease lets one send at a time.
import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { PROJECTION_MODE, ProjectionMode } from '@crm/projections';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { WebhookDeliverer } from './webhook-deliverer';
import { sealStoredSecrets } from './webhook-secrets';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({})
export class WebhooksModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly on = perPlatform((platform) => ({
    module: WebhooksModule,
    imports: [platform],
    controllers: [WebhooksController],
    providers: [WebhooksService],
    exports: [WebhooksService],
  }));

  private deliverer: WebhookDeliverer | undefined;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_MODE) private readonly mode: ProjectionMode,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Secrets stored in clear by an earlier version are sealed on the first start after the upgrade.
    if (this.config.masterKey) {
      const sealed = await sealStoredSecrets(this.sql, this.config.masterKey);
      if (sealed > 0) new Logger('webhooks').log(`sealed ${sealed} webhook secret(s) stored in clear`);
    }
    if (this.mode === 'none') return;
    this.deliverer = new WebhookDeliverer(this.sql, this.config);
    this.deliverer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliverer?.stop();
  }
}
