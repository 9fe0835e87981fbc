// The tier rule set REST API: validate, call TierRuleSetsService, map the answer.
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WaitForProjections } from '@crm/projections';
import type { Response } from 'express';
import { Matches } from 'class-validator';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, ReadQuery, WriteResultDto } from '@crm/shared/http';
import { ActivateTierRuleSetDto, PublishTierRuleSetDto, RULE_SET_ID, SimulateDraftDto, SimulateTierRuleSetDto } from './tier-rule-sets.dto';
import { TierRuleSetsService } from './tier-rule-sets.service';

class RuleSetParam {
  @Matches(RULE_SET_ID, { message: 'id must be a rule set id' }) id!: string;
}

@ApiTags('tier rule sets')
@Controller('tier-rule-sets')
export class TierRuleSetsController {
  constructor(
    private readonly ruleSets: TierRuleSetsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'published as a draft: in force only once activated' })
  async publish(@Body() body: PublishTierRuleSetDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ruleSetId, result } = await this.ruleSets.publish(body, ctx);
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/tier-rule-sets/${ruleSetId}`);
    return answerWrite(res, result, { ruleSetId });
  }

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: 'published rule sets with their activations, the schedule, and the one in force today' })
  async list(@Query() _query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { version, ...view } = await this.ruleSets.list(ctx);
    res.setHeader('ETag', `"${version}"`);
    return view;
  }

  @Get(':id')
  @ApiRead()
  get(@Param() params: RuleSetParam, @Query() _query: ReadQuery, @Ctx() ctx: RequestContext) {
    return this.ruleSets.get(ctx, params.id);
  }

  @Post('simulations')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ description: 'the what-if replay of a draft rule set (not published): migration matrix and movers; nothing is written' })
  async simulateDraft(@Body() body: SimulateDraftDto, @Query() query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    const { ruleSet, ...options } = body;
    return this.ruleSets.simulateDraft(ctx, ruleSet, options);
  }

  @Post(':id/simulations')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ description: 'the migration matrix (from -> to -> customers) and the movers; nothing is written' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s): the simulation reads the customer read model' })
  async simulate(
    @Param() params: RuleSetParam,
    @Body() body: SimulateTierRuleSetDto,
    @Query() query: ReadQuery,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.projections.waitFor(query.waitFor, res);
    return this.ruleSets.simulate(ctx, params.id, body);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto, description: 'in force from effectiveFrom; If-Match takes the version of GET /tier-rule-sets' })
  async activate(@Param() params: RuleSetParam, @Body() body: ActivateTierRuleSetDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ruleSetId, effectiveFrom, result } = await this.ruleSets.activate(params.id, body.effectiveFrom, ctx);
    return answerWrite(res, result, { ruleSetId, effectiveFrom });
  }
}
