// The customer capability: its command handler and its REST face.
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomerCommandHandler } from './customer-commands';
import { CustomersController } from './customers.controller';

@Module({
  imports: [CqrsModule],
  controllers: [CustomersController],
  providers: [CustomerCommandHandler],
})
export class CustomersModule {}
