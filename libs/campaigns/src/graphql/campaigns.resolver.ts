// Campaigns in GraphQL: the same application layer as REST (CampaignsService).
import { Args, Float, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { WaitForProjections } from '@crm/projections';
import { invalid, RequestContext } from '@crm/shared';
import { dateArg, GqlCtx, positionArg, WriteResult, writeResult } from '@crm/shared/http';
import { CreateCampaignDto } from '../campaigns.dto';
import { CAMPAIGN_ID, CampaignsService } from '../campaigns.service';
import { CampaignPageType, CampaignRecipientsType, CampaignResultsType, CampaignType } from './campaign.types';

function campaignIdArg(id: string): string {
  if (!CAMPAIGN_ID.test(id)) throw invalid('InvalidCampaignId', 'campaignId must be a campaign id');
  return id;
}

function limitArg(limit: number | undefined | null, max: number): number | undefined {
  if (limit === undefined || limit === null) return undefined;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw invalid('InvalidLimit', `limit must be 1-${max}`);
  return limit;
}

function oneOf<T extends string>(value: string | undefined | null, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalid('InvalidArgument', `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

@Resolver()
export class CampaignsResolver {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Query(() => CampaignPageType, { name: 'campaigns', description: 'campaigns, newest first, with their launch counts' })
  async campaigns$(
    @GqlCtx() ctx: RequestContext,
    @Args('status', { type: () => String, nullable: true }) status?: string,
    @Args('cursor', { type: () => String, nullable: true }) cursor?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    await this.projections.waitFor(positionArg(waitFor), undefined, ['campaigns']);
    return this.campaigns.list(ctx, {
      status: oneOf(status, ['draft', 'cancelled', 'launching', 'launched'], 'status'),
      cursor: cursor ?? undefined,
      limit: limitArg(limit, 1000),
    });
  }

  @Query(() => CampaignType, { description: 'one campaign: its draft, status and launch counts' })
  campaign(@GqlCtx() ctx: RequestContext, @Args('campaignId', { type: () => String }) campaignId: string) {
    return this.campaigns.get(ctx, campaignIdArg(campaignId));
  }

  @Query(() => CampaignResultsType, { description: 'had it been sent at a past instant (default its sendAt): audience, exclusions, holdout, who bought; writes nothing' })
  campaignBacktest(
    @GqlCtx() ctx: RequestContext,
    @Args('campaignId', { type: () => String }) campaignId: string,
    @Args('sendAt', { type: () => String, nullable: true }) sendAt?: string,
  ) {
    return this.campaigns.backtest(ctx, campaignIdArg(campaignId), { sendAt: sendAt ?? undefined });
  }

  @Query(() => CampaignResultsType, { description: 'contacted against holdout as of a date: responders, rates, lift, incremental net spend, by stage' })
  async campaignResults(
    @GqlCtx() ctx: RequestContext,
    @Args('campaignId', { type: () => String }) campaignId: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    await this.projections.waitFor(positionArg(waitFor));
    return this.campaigns.results(ctx, campaignIdArg(campaignId), dateArg(asOf));
  }

  @Query(() => CampaignRecipientsType, { description: "recipients with the channel's address (opened for callers who may read customers)" })
  async campaignRecipients(
    @GqlCtx() ctx: RequestContext,
    @Args('campaignId', { type: () => String }) campaignId: string,
    @Args('outcome', { type: () => String, nullable: true, description: 'contacted (default) or held_out' }) outcome?: string,
    @Args('cursor', { type: () => String, nullable: true }) cursor?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    await this.projections.waitFor(positionArg(waitFor), undefined, ['campaigns']);
    const page = await this.campaigns.recipients(ctx, campaignIdArg(campaignId), {
      outcome: oneOf(outcome, ['contacted', 'held_out'] as const, 'outcome'),
      cursor: cursor ?? undefined,
      limit: limitArg(limit, 5000),
    });
    return { ...page, items: page.items.map((r) => ({ ...r, address: r.address ?? null })) };
  }

  @Mutation(() => WriteResult, { description: 'a campaign draft (the body of POST /campaigns)' })
  async draftCampaign(
    @GqlCtx() ctx: RequestContext,
    @Args('input', { type: () => CreateCampaignDto }) input: CreateCampaignDto,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    const { campaignId, result } = await this.campaigns.create(input, ctx);
    return writeResult(campaignId, result);
  }

  @Mutation(() => WriteResult, { description: 'cancel a draft' })
  async cancelCampaign(@GqlCtx() ctx: RequestContext, @Args('campaignId', { type: () => String }) campaignId: string): Promise<WriteResult> {
    return writeResult(campaignId, await this.campaigns.cancel(campaignIdArg(campaignId), ctx));
  }

  @Mutation(() => CampaignType, {
    description: 'launch: each member contacted or held out through the contact rules; a re-run continues a launch that stopped; in the background with `background: true`',
  })
  async launchCampaign(
    @GqlCtx() ctx: RequestContext,
    @Args('campaignId', { type: () => String }) campaignId: string,
    @Args('background', { type: () => Boolean, nullable: true, description: 'answer once started; the campaign shows its progress' }) background?: boolean,
  ) {
    return (await this.campaigns.launch(ctx, campaignIdArg(campaignId), { background: background === true })).campaign;
  }
}
