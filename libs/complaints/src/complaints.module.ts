// The complaint capability: its command handler and its REST face.
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ComplaintCommandHandler } from './complaint-commands';
import { ComplaintsController } from './complaints.controller';

@Module({
  imports: [CqrsModule],
  controllers: [ComplaintsController],
  providers: [ComplaintCommandHandler],
})
export class ComplaintsModule {}
