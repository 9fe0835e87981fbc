// Wiring of a projection worker: configuration, storage and the projectors,
// no HTTP API. Workers and API processes share one PostgreSQL; each batch
// moves its checkpoints under a row lock, so processes projecting the same
// read model never apply a batch twice.
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@crm/shared';
import { WebhooksModule } from '@crm/webhooks';
import { PlatformModule, runtimeProjectors } from '@crm/wiring';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [WebhooksModule.on(PlatformModule.forRoot(config, { projectors: runtimeProjectors, mode: 'leased' }))],
    };
  }
}
