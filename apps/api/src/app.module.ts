// Wiring of the API process: configuration, storage, and the slices.
import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@crm/database';
import { EventStoreModule } from '@crm/event-store';
import { AppConfig, ConfigModule } from '@crm/shared';
import { HealthController } from './health/health.controller';
import { allMigrations } from './migrations';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(allMigrations), EventStoreModule],
      controllers: [HealthController],
    };
  }
}
