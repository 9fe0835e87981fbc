// The customer capability: its command handler, its application services
// (commands and views) and its REST and GraphQL faces.
import { Module } from '@nestjs/common';
import { EventStoreModule } from '@crm/event-store/nest';
import { FiguresModule } from '@crm/figures';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomerCommandBatchHandler, CustomerCommandHandler } from './customer-commands';
import { CustomerStandingController } from './customer-standing.controller';
import { CustomersController } from './customers.controller';
import { CustomerCommandsService } from './customer-commands.service';
import { CustomerViewsService } from './customer-views.service';
import { CustomerKeys } from './privacy/customer-keys';
import { CustomersResolver, LifecycleResolver, TierResolver } from './graphql/customers.resolver';

@Module({
  imports: [CqrsModule, EventStoreModule, FiguresModule],
  controllers: [CustomersController, CustomerStandingController],
  providers: [CustomerCommandHandler, CustomerCommandBatchHandler, CustomerCommandsService, CustomerViewsService, CustomerKeys, CustomersResolver, LifecycleResolver, TierResolver],
  exports: [CustomerCommandsService, CustomerViewsService, CustomerKeys],
})
export class CustomersModule {}
