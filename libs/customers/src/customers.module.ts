// The customer capability: its command handler and its REST faces (writes,
// where a customer stands, whole-base analytics), and the customers' dated
// facts for what-if tier simulations.
import { Module } from '@nestjs/common';
import { EventStoreModule } from '@crm/event-store';
import { CqrsModule } from '@nestjs/cqrs';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { CUSTOMER_FACTS, CustomerFactsSource } from '@crm/tiers';
import { RfmBase } from './analytics/rfm.query';
import { AnalyticsController } from './analytics/analytics.controller';
import { scanCustomerFacts } from './customer-list/customer-list.query';
import { CustomerCommandBatchHandler, CustomerCommandHandler } from './customer-commands';
import { CustomerStandingController } from './customer-standing.controller';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { CustomerKeys } from './privacy/customer-keys';
import { CustomersResolver, LifecycleResolver, TierResolver } from './graphql/customers.resolver';
import { AnalyticsResolver } from './graphql/analytics.resolver';
import { AnalyticsService } from './analytics/analytics.service';

@Module({
  imports: [CqrsModule, EventStoreModule],
  controllers: [CustomersController, CustomerStandingController, AnalyticsController],
  providers: [
    CustomerCommandHandler,
    CustomerCommandBatchHandler,
    CustomersService,
    AnalyticsService,
    CustomerKeys,
    CustomersResolver,
    LifecycleResolver,
    TierResolver,
    AnalyticsResolver,
    { provide: RfmBase, inject: [SQL_CLIENT], useFactory: (sql: SqlClient) => new RfmBase(sql) },
    { provide: CUSTOMER_FACTS, inject: [SQL_CLIENT], useFactory: (sql: SqlClient): CustomerFactsSource => ({ scan: (asOf, onBatch) => scanCustomerFacts(sql, asOf, onBatch) }) },
  ],
  exports: [CUSTOMER_FACTS, CustomersService, AnalyticsService, CustomerKeys],
})
export class CustomersModule {}
