// The customer's read side: the list read model's query, where one customer
// stands as of any date (tier, lifecycle, RFM), and their REST and GraphQL
// read faces. It reads what the customer slice writes and never writes.
import { Module } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { CustomersModule } from '@crm/customers';
import { FiguresModule } from '@crm/figures';
import { CustomerReadsController } from './customer-reads.controller';
import { CustomerStandingController } from './customer-standing.controller';
import { CustomerViewsService } from './customer-views.service';
import { CustomerViewsResolver, LifecycleResolver, TierResolver } from './graphql/customer-views.resolver';

@Module({})
export class CustomerViewsModule {
  static readonly on = perPlatform((platform) => ({
    module: CustomerViewsModule,
    imports: [platform, CustomersModule.on(platform), FiguresModule.on(platform)],
    controllers: [CustomerReadsController, CustomerStandingController],
    providers: [CustomerViewsService, CustomerViewsResolver, LifecycleResolver, TierResolver],
    exports: [CustomerViewsService, CustomersModule.on(platform)],
  }));
}
