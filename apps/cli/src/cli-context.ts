// The application layer for CLI commands that write: a Nest application
// context (no HTTP) with the same modules and command handlers as the API,
// and the projections not running (the service projects).
import { INestApplicationContext, Module, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from '@crm/accounts';
import { CustomersModule } from '@crm/customers';
import { CustomerViewsModule } from '@crm/customer-views';
import { DatabaseModule, withLocalSecrets } from '@crm/database';
import { EventStoreModule } from '@crm/event-store/nest';
import { ProjectionsModule } from '@crm/projections';
import { AppConfig } from '@crm/shared';
import { ConfigModule } from '@crm/shared/http';
import { allMigrations } from '@crm/wiring';
import { allProjectors } from '@crm/wiring';

@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(allMigrations),
        EventStoreModule,
        CqrsModule.forRoot(),
        ProjectionsModule.forRoot(allProjectors, 'none'),
        CustomersModule,
        CustomerViewsModule,
        AccountsModule.forRoot({ firstAdminOnStart: false }),
      ],
    };
  }
}

export async function openCliContext(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(withLocalSecrets(config)), { logger: ['error'], abortOnError: false });
  await app.init();
  return app;
}
