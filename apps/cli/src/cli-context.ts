// The application layer for CLI commands that write: a Nest application
// context (no HTTP) with the same modules and command handlers as the API,
// and the projections not running (the service projects).
import { INestApplicationContext, Module, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from '@crm/accounts';
import { CustomersModule } from '@crm/customers';
import { CustomerViewsModule } from '@crm/customer-views';
import { withLocalSecrets } from '@crm/database';
import { AppConfig } from '@crm/shared';
import { allProjectors, PlatformModule } from '@crm/wiring';

@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    const platform = PlatformModule.forRoot(config, { projectors: allProjectors, mode: 'none' });
    return {
      module: CliModule,
      imports: [platform, CqrsModule.forRoot(), CustomersModule.on(platform), CustomerViewsModule.on(platform), AccountsModule.forRoot(platform, { firstAdminOnStart: false })],
    };
  }
}

export async function openCliContext(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(withLocalSecrets(config)), { logger: ['error'], abortOnError: false });
  await app.init();
  return app;
}
