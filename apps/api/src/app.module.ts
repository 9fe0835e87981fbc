// Wiring of the API process: configuration, storage, and the slices.
import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccountsModule, AuthenticationGuard, RateLimitGuard, rateLimits, UNAUTHENTICATED_PRINCIPAL } from '@crm/accounts';
import { CqrsModule } from '@nestjs/cqrs';
import { ComplaintsModule } from '@crm/complaints';
import { CustomersModule } from '@crm/customers';
import { CustomerViewsModule } from '@crm/customer-views';
import { ImportsModule } from '@crm/imports';
import { TiersModule } from '@crm/tiers';
import { FiguresModule } from '@crm/figures';
import { TimelineModule } from '@crm/timeline';
import { WebhooksModule } from '@crm/webhooks';
import { SegmentsModule } from '@crm/segments';
import { CampaignsModule } from '@crm/campaigns';
import { AppConfig, Principal } from '@crm/shared';
import { HealthController } from './health/health.controller';
import { DeadLettersController } from './health/dead-letters.controller';
import { IdempotencyInterceptor } from './http/idempotency';
import { graphqlModule } from './graphql/graphql-setup';
import { PlatformModule, runtimeProjectors } from '@crm/wiring';

@Module({})
export class AppModule {
  /** `benchmarkPrincipal`: only for the benchmark that measures what authentication costs (never from configuration). */
  static forRoot(config: AppConfig, benchmarkPrincipal?: Principal): DynamicModule {
    const platform = PlatformModule.forRoot(config, { projectors: runtimeProjectors, mode: config.projections === 'inline' ? 'all' : 'none' });
    return {
      module: AppModule,
      imports: [
        platform,
        CqrsModule.forRoot(),
        CustomersModule.on(platform),
        CustomerViewsModule.on(platform),
        ImportsModule.on(platform),
        // The figures before the segments: GET /segments/rfm is theirs, and the first route that matches answers.
        FiguresModule.on(platform),
        SegmentsModule.on(platform),
        CampaignsModule.on(platform),
        TiersModule.forRoot(platform, FiguresModule.on(platform)),
        ComplaintsModule.on(platform),
        TimelineModule.on(platform),
        WebhooksModule.on(platform),
        AccountsModule.forRoot(platform, { firstAdminOnStart: true }),
        ThrottlerModule.forRoot(rateLimits(config)),
        graphqlModule(platform),
      ],
      controllers: [HealthController, DeadLettersController],
      providers: [
        // In this order: who is asking, then how often they may ask, then the request runs.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        ...(benchmarkPrincipal ? [{ provide: UNAUTHENTICATED_PRINCIPAL, useValue: benchmarkPrincipal }] : []),
      ],
    };
  }
}
