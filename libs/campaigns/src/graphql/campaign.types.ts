// GraphQL types of campaigns, named as the REST answers name them; the
// exclusion counts and the by-stage split travel as JSON (keyed by reason, by stage).
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { RateType } from '@crm/figures';
import { JSONScalar } from '@crm/shared/http';

@ObjectType('CampaignAudience')
export class CampaignAudienceType {
  @Field(() => Int) segmentVersion!: number;
  @Field(() => Int) audience!: number;
  @Field(() => Int) contacted!: number;
  @Field(() => Int) heldOut!: number;
  @Field(() => JSONScalar, { description: 'by reason: ConsentMissing, MarketingCapReached, ContactPolicy, CustomerErased' }) excluded!: unknown;
}

@ObjectType('CampaignLaunchProgress', { description: 'a launch this service is running: the counts so far (or where it stopped on an error)' })
export class CampaignLaunchProgressType extends CampaignAudienceType {
  @Field(() => Boolean) running!: boolean;
  @Field(() => String, { nullable: true, description: 'why it stopped: launch again to continue' }) error!: string | null;
}

@ObjectType('Campaign')
export class CampaignType {
  @Field(() => String) campaignId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) segmentId!: string;
  @Field(() => String) channel!: string;
  @Field(() => String) offer!: string;
  @Field(() => String) sendAt!: string;
  @Field(() => Int) responseWindowDays!: number;
  @Field(() => Int) holdoutPercent!: number;
  @Field(() => Boolean) yearlyPromotion!: boolean;
  @Field(() => String, { description: 'draft, cancelled, launching or launched' }) status!: string;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true }) createdBy!: string | null;
  @Field(() => String, { nullable: true }) sendDate!: string | null;
  @Field(() => String, { nullable: true }) launchedAt!: string | null;
  @Field(() => CampaignAudienceType, { nullable: true }) launch!: CampaignAudienceType | null;
  @Field(() => CampaignLaunchProgressType, { nullable: true, description: 'while launching in this service' }) progress!: CampaignLaunchProgressType | null;
}

@ObjectType('CampaignListItem')
export class CampaignListItemType {
  @Field(() => String) campaignId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) segmentId!: string;
  @Field(() => String) channel!: string;
  @Field(() => String) status!: string;
  @Field(() => String) sendAt!: string;
  @Field(() => String) createdAt!: string;
  @Field(() => CampaignAudienceType, { nullable: true }) launch!: CampaignAudienceType | null;
}

@ObjectType('CampaignPage')
export class CampaignPageType {
  @Field(() => [CampaignListItemType]) items!: CampaignListItemType[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
}

@ObjectType('CampaignSide')
export class CampaignSideType {
  @Field(() => Int) customers!: number;
  @Field(() => Int) responders!: number;
  @Field(() => RateType) responseRate!: RateType;
  @Field(() => String) netSpend!: string;
}

@ObjectType('CampaignWindow')
export class CampaignWindowType {
  @Field(() => String) from!: string;
  @Field(() => String) through!: string;
  @Field(() => Int) days!: number;
}

@ObjectType('CampaignResults', { description: 'contacted against holdout; a backtest answers the same for a send in the past' })
export class CampaignResultsType {
  @Field(() => String) campaignId!: string;
  @Field(() => String) sendAt!: string;
  @Field(() => String) sendDate!: string;
  @Field(() => CampaignWindowType) window!: CampaignWindowType;
  @Field(() => CampaignAudienceType, { nullable: true }) audience!: CampaignAudienceType | null;
  @Field(() => CampaignSideType) contacted!: CampaignSideType;
  @Field(() => CampaignSideType) holdout!: CampaignSideType;
  @Field(() => Float, { nullable: true, description: 'contacted rate minus holdout rate, in percentage points' }) liftPercentagePoints!: number | null;
  @Field(() => String, { nullable: true }) incrementalNetSpend!: string | null;
  @Field(() => JSONScalar, { description: 'the same by the stage at the send: ACTIVE, SILENT, SLEEPING, LOST' }) byStage!: unknown;
  @Field(() => RateType) wakeUpRate!: RateType;
  @Field(() => RateType) reactivationRate!: RateType;
}

@ObjectType('CampaignRecipient')
export class CampaignRecipientType {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true }) customerRef!: string | null;
  @Field(() => String, { description: 'contacted or held_out' }) outcome!: string;
  @Field(() => String) stage!: string;
  @Field(() => String) channel!: string;
  @Field(() => String, { nullable: true, description: "the channel's address; null when not opened for the caller (or none: wechat, erased)" }) address!: string | null;
  @Field(() => String) occurredAt!: string;
}

@ObjectType('CampaignRecipients')
export class CampaignRecipientsType {
  @Field(() => String) campaignId!: string;
  @Field(() => [CampaignRecipientType]) items!: CampaignRecipientType[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
}
