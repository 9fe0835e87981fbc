// The segments capability: definitions as events, their command handler, the
// preview and the REST face (the list's projector is run by ProjectionsModule).
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { perPlatform } from '@crm/shared/http';
import { SegmentCommandHandler } from './segment-commands';
import { CustomerSegmentsController, SegmentsController } from './segments.controller';
import { SegmentsService } from './segments.service';
import { SegmentsResolver } from './graphql/segments.resolver';

@Module({})
export class SegmentsModule {
  static readonly on = perPlatform((platform) => ({
    module: SegmentsModule,
    imports: [platform, CqrsModule],
    controllers: [SegmentsController, CustomerSegmentsController],
    providers: [SegmentCommandHandler, SegmentsService, SegmentsResolver],
    exports: [SegmentsService],
  }));
}
