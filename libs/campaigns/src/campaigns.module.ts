// The campaigns capability: drafts and launches as events, their command
// handler and the REST face (the read model's projector is run by ProjectionsModule).
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomersModule } from '@crm/customers';
import { SegmentsModule } from '@crm/segments';
import { perPlatform } from '@crm/shared/http';
import { CampaignCommandHandler } from './campaign-commands';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { CampaignsResolver } from './graphql/campaigns.resolver';

@Module({})
export class CampaignsModule {
  static readonly on = perPlatform((platform) => ({
    module: CampaignsModule,
    imports: [platform, CqrsModule, SegmentsModule.on(platform), CustomersModule.on(platform)],
    controllers: [CampaignsController],
    providers: [CampaignCommandHandler, CampaignsService, CampaignsResolver],
    exports: [CampaignsService],
  }));
}
