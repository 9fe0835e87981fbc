// Whole-base figures and lists (a read-side slice): RFM segments and the RFM
// base of one customer, stickiness, the care due lists, and every customer's
// dated facts for what-if tier simulations; REST and GraphQL faces.
import { Module } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { CUSTOMER_FACTS, CustomerFactsSource } from '@crm/tiers';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsResolver } from './analytics.resolver';
import { AnalyticsService } from './analytics.service';
import { scanCustomerFacts } from './customer-facts.query';
import { RfmBase } from './rfm.query';

@Module({})
export class FiguresModule {
  static readonly on = perPlatform((platform) => ({
    module: FiguresModule,
    imports: [platform],
    controllers: [AnalyticsController],
    providers: [
      AnalyticsService,
      AnalyticsResolver,
      { provide: RfmBase, inject: [SQL_CLIENT], useFactory: (sql: SqlClient) => new RfmBase(sql) },
      { provide: CUSTOMER_FACTS, inject: [SQL_CLIENT], useFactory: (sql: SqlClient): CustomerFactsSource => ({ scan: (asOf, onBatch) => scanCustomerFacts(sql, asOf, onBatch) }) },
    ],
    exports: [CUSTOMER_FACTS, AnalyticsService, RfmBase],
  }));
}
