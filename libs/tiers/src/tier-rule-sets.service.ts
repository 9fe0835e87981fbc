// The tier rule sets' application layer, called by every transport: publish
// (a draft until activated), list, what-if simulations over the whole
// history, and activation from a date. The rules are the decider's.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import { allow, APP_CONFIG, AppConfig, formatAmount, notFound, refused, RequestContext, shopDate } from '@crm/shared';
import { checkActivationDate, ruleSetProblem } from './business-logic';
import { CUSTOMER_FACTS, CustomerFactsSource, TierSimulation } from './simulation';
import { ExecuteTierRuleSetCommand, loadTierRuleSets, PublishedRuleSet } from './tier-rule-set-commands';
import { ruleSetOn, RuleSchedule } from './tier-history';
import { TierRuleSet } from './tier-rules';

export interface PublishInput {
  id: string;
  name: string;
  tiers: Array<{ code: string; threshold: string; minPurchases?: number }>;
  basis?: { kind: 'lifetime' | 'rollingMonths'; months?: number };
  refundsCount?: boolean;
  downgrade?: { retentionMonths?: number; atAnniversary?: boolean; stepwise?: boolean };
}

export interface SimulateInput {
  asOf?: string;
  effectiveFrom?: string;
  moversLimit?: number;
}

/** The rule set a publish request describes, in its canonical shape (what the event stores). */
export function ruleSetOf(input: PublishInput): TierRuleSet {
  const d = input.downgrade;
  return {
    id: input.id,
    name: input.name,
    tiers: input.tiers.map((t) => ({ code: t.code, threshold: t.threshold, ...(t.minPurchases ? { minPurchases: t.minPurchases } : {}) })),
    basis: input.basis?.kind === 'rollingMonths' ? { kind: 'rollingMonths', months: input.basis.months ?? 0 } : { kind: 'lifetime' },
    refundsCount: input.refundsCount ?? true,
    ...(d?.retentionMonths || d?.stepwise || d?.atAnniversary
      ? { downgrade: { retentionMonths: d.retentionMonths ?? 0, ...(d.atAnniversary ? { atAnniversary: true } : {}), stepwise: d.stepwise ?? false } }
      : {}),
  };
}

const scheduleOut = (schedule: RuleSchedule) =>
  schedule.map((s) => ({
    ruleSetId: s.ruleSet.id,
    effectiveFrom: s.effectiveFrom === '' ? null : s.effectiveFrom,
    activatedAt: s.activation?.activatedAt ?? null,
    position: s.activation?.position ?? null,
  }));

@Injectable()
export class TierRuleSetsService {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CUSTOMER_FACTS) private readonly facts: CustomerFactsSource,
  ) {}

  private today() {
    return shopDate(new Date(), this.config.shopTimezone);
  }

  async publish(input: PublishInput, ctx: RequestContext): Promise<{ ruleSetId: string; result: CommandResult }> {
    allow(ctx, 'ruleSets.publish');
    const ruleSet = ruleSetOf(input);
    const result = await this.commands.execute(new ExecuteTierRuleSetCommand({ type: 'PublishTierRuleSet', ruleSet }, ctx));
    return { ruleSetId: ruleSet.id, result };
  }

  async activate(ruleSetId: string, effectiveFrom: string | undefined, ctx: RequestContext): Promise<{ ruleSetId: string; effectiveFrom: string; result: CommandResult }> {
    allow(ctx, 'ruleSets.activate');
    const from = effectiveFrom ?? this.today();
    const result = await this.commands.execute(new ExecuteTierRuleSetCommand({ type: 'ActivateTierRuleSet', ruleSetId, effectiveFrom: from }, ctx));
    return { ruleSetId, effectiveFrom: from, result };
  }

  async list(ctx: RequestContext) {
    allow(ctx, 'ruleSets.read');
    const view = await loadTierRuleSets(this.store);
    const today = this.today();
    return {
      version: view.version,
      inForce: ruleSetOn(view.schedule, today).ruleSet.id,
      schedule: scheduleOut(view.schedule),
      items: view.ruleSets.map((r) => describe(r, view.schedule, today)),
    };
  }

  async get(ctx: RequestContext, ruleSetId: string) {
    allow(ctx, 'ruleSets.read');
    const view = await loadTierRuleSets(this.store);
    const found = view.ruleSets.find((r) => r.ruleSet.id === ruleSetId);
    if (!found) throw notFound('RuleSetNotFound', `rule set ${ruleSetId} is not published`, { ruleSetId });
    return describe(found, view.schedule, this.today());
  }

  async simulate(ctx: RequestContext, ruleSetId: string, input: SimulateInput) {
    allow(ctx, 'ruleSets.simulate');
    const view = await loadTierRuleSets(this.store);
    const candidate = view.ruleSets.find((r) => r.ruleSet.id === ruleSetId);
    if (!candidate) throw notFound('RuleSetNotFound', `rule set ${ruleSetId} is not published`, { ruleSetId });
    return simulateRuleSet(this.store, this.facts, this.config, candidate.ruleSet, input);
  }

  /** The same replay for a draft that is not published: trials leave nothing in the list of rule sets. */
  async simulateDraft(ctx: RequestContext, draft: PublishInput, input: SimulateInput) {
    allow(ctx, 'ruleSets.simulate');
    return simulateRuleSet(this.store, this.facts, this.config, ruleSetOf(draft), input);
  }
}

/**
 * The what-if replay of a candidate rule set over every customer's history,
 * against the schedule in force: for a published rule set (REST, GraphQL)
 * and for one read from a file (`crm replay`). Writes nothing.
 */
export async function simulateRuleSet(
  store: EventStore,
  facts: CustomerFactsSource,
  config: Pick<AppConfig, 'shopCurrency' | 'shopTimezone'>,
  ruleSet: TierRuleSet,
  input: SimulateInput,
) {
  const problem = ruleSetProblem(ruleSet, config.shopCurrency);
  if (problem) throw refused('InvalidRuleSet', problem);
  const { schedule } = await loadTierRuleSets(store);
  const asOf = input.asOf ?? shopDate(new Date(), config.shopTimezone);
  const last = schedule[schedule.length - 1];
  if (input.effectiveFrom !== undefined) {
    checkActivationDate(input.effectiveFrom, last.activation ? { effectiveFrom: last.effectiveFrom, ruleSetId: last.ruleSet.id } : undefined, {
      shopCurrency: config.shopCurrency,
    });
  }
  const whatIf: RuleSchedule = input.effectiveFrom === undefined ? [{ ruleSet, effectiveFrom: '' }] : [...schedule, { ruleSet, effectiveFrom: input.effectiveFrom }];
  const simulation = new TierSimulation(schedule, whatIf, asOf, config.shopCurrency, input.moversLimit ?? 100);
  await facts.scan(asOf, (batch) => simulation.add(batch));
  const answer = simulation.answer();
  return {
    ruleSetId: ruleSet.id,
    comparedWith: 'the rule sets in force',
    effectiveFrom: input.effectiveFrom ?? null,
    ...answer,
    movers: answer.movers.map(({ basisMinor, basisBeforeMinor, ...m }) => ({
      ...m,
      basis: formatAmount(basisMinor, config.shopCurrency),
      basisBefore: formatAmount(basisBeforeMinor, config.shopCurrency),
    })),
  };
}

function describe(entry: PublishedRuleSet, schedule: RuleSchedule, today: string) {
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
