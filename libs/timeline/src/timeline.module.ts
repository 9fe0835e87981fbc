// The timeline capability: its query and REST read (the projector is run by ProjectionsModule).
import { Module } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { CustomerViewsModule } from '@crm/customer-views';
import { TimelineQuery } from './timeline-query/timeline.query';
import { TimelineEntryTypesResolver, TimelineResolver } from './graphql/timeline.resolver';
import { TimelineSubscriptionResolver } from './graphql/timeline-subscription.resolver';
import { TimelineController } from './timeline.controller';

@Module({})
export class TimelineModule {
  static readonly on = perPlatform((platform) => ({
    module: TimelineModule,
    imports: [platform, CustomerViewsModule.on(platform)],
    controllers: [TimelineController],
    providers: [TimelineQuery, TimelineResolver, TimelineEntryTypesResolver, TimelineSubscriptionResolver],
    exports: [TimelineQuery],
  }));
}
