// Wiring of a projection worker: configuration, storage and the projectors,
// no HTTP API. Workers and API processes share one PostgreSQL; each batch
// moves its checkpoints under a row lock, so processes projecting the same
// read model never apply a batch twice.
import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@crm/database';
import { EventStoreModule } from '@crm/event-store/nest';
import { ProjectionsModule } from '@crm/projections';
import { AppConfig } from '@crm/shared';
import { ConfigModule } from '@crm/shared/http';
import { WebhooksModule } from '@crm/webhooks';
import { allMigrations } from '@crm/wiring';
import { runtimeProjectors } from '@crm/wiring';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(allMigrations), EventStoreModule, ProjectionsModule.forRoot(runtimeProjectors, 'leased'), WebhooksModule],
    };
  }
}
