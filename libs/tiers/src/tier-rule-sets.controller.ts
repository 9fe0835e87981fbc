// The tier rule set REST API: publish (a draft until activated), list,
// what-if simulations over the whole history, and activation from a date.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Matches } from 'class-validator';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { answerWrite, ApiRead, ApiWrite, APP_CONFIG, AppConfig, Ctx, formatAmount, notFound, refused, RequestContext, shopDate, WriteResultDto } from '@crm/shared';
import { ruleSetProblem } from './business-logic';
import { CUSTOMER_FACTS, CustomerFactsSource, TierSimulation } from './simulation';
import { ActivateTierRuleSetDto, PublishTierRuleSetDto, RULE_SET_ID, SimulateTierRuleSetDto } from './tier-rule-sets.dto';
import { ExecuteTierRuleSetCommand, loadTierRuleSets, PublishedRuleSet } from './tier-rule-set-commands';
import { ruleSetOn, RuleSchedule } from './tier-history';
import { TierRuleSet } from './tier-rules';

class RuleSetParam {
  @Matches(RULE_SET_ID, { message: 'id must be a rule set id' }) id!: string;
}

@ApiTags('tier rule sets')
@Controller('tier-rule-sets')
export class TierRuleSetsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CUSTOMER_FACTS) private readonly facts: CustomerFactsSource,
  ) {}

  private today() {
    return shopDate(new Date(), this.config.shopTimezone);
  }

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'published as a draft: in force only once activated' })
  async publish(@Body() body: PublishTierRuleSetDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    if (body.basis?.kind === 'rollingMonths' && body.basis.months === undefined) throw refused('InvalidRuleSet', 'a rollingMonths basis needs months');
    const ruleSet: TierRuleSet = {
      id: body.id,
      name: body.name,
      tiers: body.tiers.map((t) => ({ code: t.code, threshold: t.threshold, ...(t.minPurchases ? { minPurchases: t.minPurchases } : {}) })),
      basis: body.basis?.kind === 'rollingMonths' ? { kind: 'rollingMonths', months: body.basis.months as number } : { kind: 'lifetime' },
      refundsCount: body.refundsCount ?? true,
      ...(body.downgrade?.retentionMonths || body.downgrade?.stepwise || body.downgrade?.atAnniversary
        ? {
            downgrade: {
              retentionMonths: body.downgrade.retentionMonths ?? 0,
              ...(body.downgrade.atAnniversary ? { atAnniversary: true } : {}),
              stepwise: body.downgrade.stepwise ?? false,
            },
          }
        : {}),
    };
    const result = await this.commands.execute(new ExecuteTierRuleSetCommand({ type: 'PublishTierRuleSet', ruleSet }, ctx));
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/tier-rule-sets/${ruleSet.id}`);
    return answerWrite(res, result, { ruleSetId: ruleSet.id });
  }

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: 'published rule sets with their activations, the schedule, and the one in force today' })
  async list(@Res({ passthrough: true }) res: Response) {
    const view = await loadTierRuleSets(this.store);
    res.setHeader('ETag', `"${view.version}"`);
    const today = this.today();
    return {
      inForce: ruleSetOn(view.schedule, today).ruleSet.id,
      schedule: scheduleOut(view.schedule),
      items: view.ruleSets.map((r) => this.describe(r, view.schedule, today)),
    };
  }

  @Get(':id')
  @ApiRead()
  async get(@Param() params: RuleSetParam) {
    const view = await loadTierRuleSets(this.store);
    const found = view.ruleSets.find((r) => r.ruleSet.id === params.id);
    if (!found) throw notFound('RuleSetNotFound', `rule set ${params.id} is not published`, { ruleSetId: params.id });
    return this.describe(found, view.schedule, this.today());
  }

  @Post(':id/simulations')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ description: 'the migration matrix (from -> to -> customers) and the movers; nothing is written' })
  async simulate(@Param() params: RuleSetParam, @Body() body: SimulateTierRuleSetDto) {
    const view = await loadTierRuleSets(this.store);
    const candidate = view.ruleSets.find((r) => r.ruleSet.id === params.id);
    if (!candidate) throw notFound('RuleSetNotFound', `rule set ${params.id} is not published`, { ruleSetId: params.id });
    const problem = ruleSetProblem(candidate.ruleSet, this.config.shopCurrency);
    if (problem) throw refused('InvalidRuleSet', problem);
    const asOf = body.asOf ?? this.today();
    const last = view.schedule[view.schedule.length - 1];
    if (body.effectiveFrom !== undefined && body.effectiveFrom < last.effectiveFrom) {
      throw refused('ActivationOutOfOrder', `the last activation takes effect on ${last.effectiveFrom}; a new one cannot take effect before it`);
    }
    const whatIf: RuleSchedule =
      body.effectiveFrom === undefined ? [{ ruleSet: candidate.ruleSet, effectiveFrom: '' }] : [...view.schedule, { ruleSet: candidate.ruleSet, effectiveFrom: body.effectiveFrom }];
    const simulation = new TierSimulation(view.schedule, whatIf, asOf, this.config.shopCurrency, body.moversLimit ?? 100);
    await this.facts.scan(asOf, (batch) => simulation.add(batch));
    const answer = simulation.answer();
    return {
      ruleSetId: params.id,
      comparedWith: 'the rule sets in force',
      effectiveFrom: body.effectiveFrom ?? null,
      ...answer,
      movers: answer.movers.map(({ basisMinor, ...m }) => ({ ...m, basis: formatAmount(basisMinor, this.config.shopCurrency) })),
    };
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto, description: 'in force from effectiveFrom; If-Match takes the version of GET /tier-rule-sets' })
  async activate(@Param() params: RuleSetParam, @Body() body: ActivateTierRuleSetDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const effectiveFrom = body.effectiveFrom ?? this.today();
    const result = await this.commands.execute(new ExecuteTierRuleSetCommand({ type: 'ActivateTierRuleSet', ruleSetId: params.id, effectiveFrom }, ctx));
    return answerWrite(res, result, { ruleSetId: params.id, effectiveFrom });
  }

  private describe(entry: PublishedRuleSet, schedule: RuleSchedule, today: string) {
    const inForce = ruleSetOn(schedule, today).ruleSet.id === entry.ruleSet.id;
    const scheduled = schedule.some((s) => s.ruleSet.id === entry.ruleSet.id && s.effectiveFrom > today);
    return {
      ...entry.ruleSet,
      status: inForce ? 'in-force' : scheduled ? 'scheduled' : entry.activations.length > 0 || entry.ruleSet.id === 'default' ? 'superseded' : 'draft',
      publishedAt: entry.publishedAt,
      publishedBy: entry.publishedBy,
      activations: entry.activations,
    };
  }
}

const scheduleOut = (schedule: RuleSchedule) =>
  schedule.map((s) => ({ ruleSetId: s.ruleSet.id, effectiveFrom: s.effectiveFrom === '' ? null : s.effectiveFrom, activatedAt: s.activation?.activatedAt ?? null, position: s.activation?.position ?? null }));
