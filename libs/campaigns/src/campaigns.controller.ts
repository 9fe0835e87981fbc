// The campaign REST API: validate, call CampaignsService, map the answer.
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Matches } from 'class-validator';
import { csvField } from '@crm/customer-views';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, ReadQuery, WriteResultDto } from '@crm/shared/http';
import { BacktestDto, CreateCampaignDto, ListCampaignsQuery, RecipientsQuery, ResultsQuery } from './campaigns.dto';
import { CAMPAIGN_ID, CampaignsService } from './campaigns.service';

class CampaignParam {
  @Matches(CAMPAIGN_ID, { message: 'id must be a campaign id' }) id!: string;
}

const CAMPAIGNS = 'campaigns';

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'a draft (200 and unchanged: the same draft exists under the id)' })
  async create(@Body() body: CreateCampaignDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { campaignId, result } = await this.campaigns.create(body, ctx);
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/campaigns/${campaignId}`);
    return answerWrite(res, result, { campaignId });
  }

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: 'campaigns, newest first, with their launch counts' })
  async list(@Query() query: ListCampaignsQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, [CAMPAIGNS]);
    return this.campaigns.list(ctx, query);
  }

  @Get(':id')
  @ApiRead()
  @ApiOkResponse({ description: 'one campaign: its draft, status and launch counts (read from its stream)' })
  async get(@Param() params: CampaignParam, @Query() _query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { etag, ...view } = await this.campaigns.get(ctx, params.id);
    res.setHeader('ETag', `"${etag}"`);
    return view;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto, description: 'a draft cancelled (409 once launched)' })
  async cancel(@Param() params: CampaignParam, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.campaigns.cancel(params.id, ctx), { campaignId: params.id });
  }

  @Post(':id/backtest')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ description: 'had it been sent at a past instant: the audience, exclusions by reason, holdout and who bought within the window; nothing is written' })
  async backtest(@Param() params: CampaignParam, @Body() body: BacktestDto, @Query() query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.campaigns.backtest(ctx, params.id, body);
  }

  @Post(':id/launch')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({
    description:
      'the audience contacted (and held out) through the contact rules; the campaign with its counts. Re-running continues a launch that stopped and doubles nothing. ' +
      'With `Prefer: respond-async` it answers 202 once the launch has started, Location the campaign, whose `progress` shows the counts so far',
  })
  async launch(@Param() params: CampaignParam, @Ctx() ctx: RequestContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const background = /(^|[\s,;])respond-async([\s,;]|$)/i.test(String(req.headers.prefer ?? ''));
    const { campaign, unchanged } = await this.campaigns.launch(ctx, params.id, { background });
    const { etag: _etag, ...view } = campaign;
    if (background && view.status === 'launching') {
      res.status(202).setHeader('Location', `/api/v1/campaigns/${params.id}`);
      res.setHeader('Preference-Applied', 'respond-async');
    }
    return { ...view, unchanged };
  }

  @Get(':id/results')
  @ApiRead()
  @ApiOkResponse({ description: 'audience, exclusions, contacted against holdout: responders, rates, lift and incremental net spend, by stage at the send' })
  async results(@Param() params: CampaignParam, @Query() query: ResultsQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.campaigns.results(ctx, params.id, query.asOf);
  }

  @Get(':id/recipients')
  @ApiRead()
  @ApiOkResponse({ description: 'recipients with the channel address (opened for roles that read customers); Accept: text/csv streams them all' })
  async recipients(@Param() params: CampaignParam, @Query() query: RecipientsQuery, @Ctx() ctx: RequestContext, @Req() req: Request, @Res() res: Response) {
    await this.projections.waitFor(query.waitFor, res, [CAMPAIGNS]);
    if (query.format !== 'csv' && !(req.headers.accept ?? '').includes('text/csv')) {
      res.json(await this.campaigns.recipients(ctx, params.id, query));
      return;
    }
    let page = await this.campaigns.recipients(ctx, params.id, { outcome: query.outcome, limit: 5000 });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="campaign-${params.id}-${query.outcome ?? 'contacted'}.csv"`);
    res.write('\uFEFFcustomerId,customerRef,channel,address,stage,occurredAt\r\n');
    for (;;) {
      for (const r of page.items) {
        const line = [r.customerId, csvField(r.customerRef, true), r.channel, csvField(r.address ?? '', true), r.stage, r.occurredAt].join(',');
        if (!res.write(`${line}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
      }
      if (!page.nextCursor) break;
      page = await this.campaigns.recipients(ctx, params.id, { outcome: query.outcome, cursor: page.nextCursor, limit: 5000 });
    }
    res.end();
  }
}
