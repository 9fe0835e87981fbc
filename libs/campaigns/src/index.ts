// The campaigns slice's public face: the read model's projector (and migrations), the service and the module.
export { campaignMigrations, CampaignsProjector } from './campaigns.projector';
export { CampaignsService } from './campaigns.service';
export { CampaignsModule } from './campaigns.module';
export { inHoldout } from './holdout';
