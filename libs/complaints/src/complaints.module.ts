// The complaint capability: its command handler and its REST faces (writes, service history).
import { Module } from '@nestjs/common';
import { EventStoreModule } from '@crm/event-store/nest';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomerViewsModule } from '@crm/customer-views';
import { ComplaintsService } from './complaints.service';
import { ComplaintCommandHandler } from './complaint-commands';
import { ComplaintsController } from './complaints.controller';
import { ServiceHistoryController } from './service-history/service-history.controller';
import { ComplaintsResolver, CustomerComplaintsResolver } from './graphql/complaints.resolver';

@Module({
  imports: [CqrsModule, EventStoreModule, CustomerViewsModule],
  controllers: [ServiceHistoryController, ComplaintsController],
  providers: [ComplaintCommandHandler, ComplaintsService, ComplaintsResolver, CustomerComplaintsResolver],
  exports: [ComplaintsService],
})
export class ComplaintsModule {}
