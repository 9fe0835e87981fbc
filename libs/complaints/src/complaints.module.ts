// The complaint capability: its command handler and its REST faces (writes, service history).
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ComplaintCommandHandler } from './complaint-commands';
import { ComplaintsController } from './complaints.controller';
import { ServiceHistoryController } from './service-history/service-history.controller';

@Module({
  imports: [CqrsModule],
  controllers: [ServiceHistoryController, ComplaintsController],
  providers: [ComplaintCommandHandler],
})
export class ComplaintsModule {}
