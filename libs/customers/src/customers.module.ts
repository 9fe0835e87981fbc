// The customer capability's write side: its command handlers, the commands
// service and its REST and GraphQL write faces, and the data keys that seal
// personal data (exported for the read side that opens them).
import { Module } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomerCommandBatchHandler, CustomerCommandHandler } from './customer-commands';
import { CustomersController } from './customers.controller';
import { CustomerCommandsService } from './customer-commands.service';
import { CustomerKeys } from './privacy/customer-keys';
import { CustomerMutationsResolver } from './graphql/customer-mutations.resolver';

@Module({})
export class CustomersModule {
  static readonly on = perPlatform((platform) => ({
    module: CustomersModule,
    imports: [platform, CqrsModule],
    controllers: [CustomersController],
    providers: [CustomerCommandHandler, CustomerCommandBatchHandler, CustomerCommandsService, CustomerKeys, CustomerMutationsResolver],
    exports: [CustomerCommandsService, CustomerKeys],
  }));
}
