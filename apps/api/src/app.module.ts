// Wiring of the API process: configuration, storage, and the slices.
import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ComplaintsModule } from '@crm/complaints';
import { CustomersModule } from '@crm/customers';
import { ProjectionsModule } from '@crm/projections';
import { TiersModule } from '@crm/tiers';
import { TimelineModule } from '@crm/timeline';
import { DatabaseModule } from '@crm/database';
import { EventStoreModule } from '@crm/event-store';
import { AppConfig } from '@crm/shared';
import { ConfigModule } from '@crm/shared/http';
import { HealthController } from './health/health.controller';
import { IdempotencyInterceptor } from './http/idempotency';
import { allMigrations } from './migrations';
import { allProjectors } from './projectors';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(allMigrations),
        EventStoreModule,
        CqrsModule.forRoot(),
        ProjectionsModule.forRoot(allProjectors),
        CustomersModule,
        TiersModule.forRoot(CustomersModule),
        ComplaintsModule,
        TimelineModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
    };
  }
}
