// The timeline capability: its query and REST read (the projector is run by ProjectionsModule).
import { Module } from '@nestjs/common';
import { EventStoreModule } from '@crm/event-store/nest';
import { CustomerViewsModule } from '@crm/customer-views';
import { TimelineQuery } from './timeline-query/timeline.query';
import { TimelineEntryTypesResolver, TimelineResolver } from './graphql/timeline.resolver';
import { TimelineSubscriptionResolver } from './graphql/timeline-subscription.resolver';
import { TimelineController } from './timeline.controller';

@Module({
  imports: [EventStoreModule, CustomerViewsModule],
  controllers: [TimelineController],
  providers: [TimelineQuery, TimelineResolver, TimelineEntryTypesResolver, TimelineSubscriptionResolver],
  exports: [TimelineQuery],
})
export class TimelineModule {}
