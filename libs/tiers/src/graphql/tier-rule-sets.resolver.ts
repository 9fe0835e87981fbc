// Tier rule sets in GraphQL: the schedule, what-if simulations, publishing
// and activation. Rule sets travel as JSON shaped like the REST bodies, and
// are checked by the same DTOs (the ValidationPipe reads the parameter type).
import { Args, Float, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { WaitForProjections } from '@crm/projections';
import { invalid, RequestContext } from '@crm/shared';
import { dateArg, GqlCtx, JSONScalar, positionArg, WriteResult, writeResult } from '@crm/shared/http';
import { PublishTierRuleSetDto, RULE_SET_ID } from '../tier-rule-sets.dto';
import { TierRuleSetsService } from '../tier-rule-sets.service';
import { TierRuleSetsType, TierSimulationType } from './tier-rule-set.types';

function ruleSetIdArg(id: string): string {
  if (!RULE_SET_ID.test(id)) throw invalid('InvalidRuleSetId', 'ruleSetId must be a rule set id');
  return id;
}

/** The matrix as GraphQL lists it: one cell a (from, to) pair. */
const withCells = <A extends { matrix: Record<string, Record<string, number>> }>(answer: A) => ({
  ...answer,
  matrix: Object.entries(answer.matrix).flatMap(([from, row]) => Object.entries(row).map(([to, customers]) => ({ from, to, customers }))),
});

@Resolver()
export class TierRuleSetsResolver {
  constructor(
    private readonly ruleSets: TierRuleSetsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Query(() => JSONScalar, { description: 'published rule sets, the schedule of activations, and the one in force today', deprecationReason: 'use ruleSets (typed)' })
  tierRuleSets(@GqlCtx() ctx: RequestContext) {
    return this.ruleSets$(ctx);
  }

  @Query(() => TierRuleSetsType, { name: 'ruleSets', description: 'published rule sets, the schedule of activations, and the one in force today' })
  async ruleSets$(@GqlCtx() ctx: RequestContext) {
    const { version, ...view } = await this.ruleSets.list(ctx);
    return { ...view, version };
  }

  @Query(() => JSONScalar, {
    description: 'what-if replay of a published rule set over the whole history: migration matrix and movers; writes nothing',
    deprecationReason: 'use ruleSetSimulation (typed)',
  })
  async simulation(
    @GqlCtx() ctx: RequestContext,
    @Args('ruleSetId', { type: () => String }) ruleSetId: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('effectiveFrom', { type: () => String, nullable: true }) effectiveFrom?: string,
    @Args('movers', { type: () => Int, nullable: true }) movers?: number,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    return this.simulate(ctx, ruleSetId, asOf, effectiveFrom, movers, waitFor);
  }

  @Query(() => TierSimulationType, { description: 'what-if replay of a published rule set over the whole history: migration matrix and movers; writes nothing' })
  async ruleSetSimulation(
    @GqlCtx() ctx: RequestContext,
    @Args('ruleSetId', { type: () => String }) ruleSetId: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('effectiveFrom', { type: () => String, nullable: true }) effectiveFrom?: string,
    @Args('movers', { type: () => Int, nullable: true }) movers?: number,
    @Args('waitFor', { type: () => Float, nullable: true, description: 'a write position to wait for (at most 5 s): the simulation reads the customer read model' })
    waitFor?: number,
  ) {
    const answer = await this.simulate(ctx, ruleSetId, asOf, effectiveFrom, movers, waitFor);
    return withCells(answer);
  }

  @Query(() => TierSimulationType, { description: 'what-if replay of a draft rule set that is not published (the body of publishTierRuleSet): nothing is written' })
  async draftRuleSetSimulation(
    @GqlCtx() ctx: RequestContext,
    @Args('ruleSet', { type: () => JSONScalar }) ruleSet: PublishTierRuleSetDto,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('effectiveFrom', { type: () => String, nullable: true }) effectiveFrom?: string,
    @Args('movers', { type: () => Int, nullable: true }) movers?: number,
  ) {
    if (movers !== undefined && movers !== null && (movers < 0 || movers > 10_000)) throw invalid('InvalidMovers', 'movers must be 0-10000');
    const answer = await this.ruleSets.simulateDraft(ctx, ruleSet, {
      asOf: dateArg(asOf),
      effectiveFrom: dateArg(effectiveFrom, 'effectiveFrom'),
      moversLimit: movers ?? undefined,
    });
    return withCells(answer);
  }

  private async simulate(ctx: RequestContext, ruleSetId: string, asOf?: string, effectiveFrom?: string, movers?: number, waitFor?: number) {
    if (movers !== undefined && movers !== null && (movers < 0 || movers > 10_000)) throw invalid('InvalidMovers', 'movers must be 0-10000');
    await this.projections.waitFor(positionArg(waitFor));
    return this.ruleSets.simulate(ctx, ruleSetIdArg(ruleSetId), { asOf: dateArg(asOf), effectiveFrom: dateArg(effectiveFrom, 'effectiveFrom'), moversLimit: movers ?? undefined });
  }

  @Mutation(() => WriteResult, { description: 'publish a rule set (the body of POST /tier-rule-sets); in force only once activated' })
  async publishTierRuleSet(
    @GqlCtx() ctx: RequestContext,
    @Args('input', { type: () => JSONScalar }) input: PublishTierRuleSetDto,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    const { ruleSetId, result } = await this.ruleSets.publish(input, ctx);
    return writeResult(ruleSetId, result);
  }

  @Mutation(() => WriteResult, { description: 'put a rule set in force from effectiveFrom (default today; never before the last activation)' })
  async activateTierRuleSet(
    @GqlCtx() ctx: RequestContext,
    @Args('ruleSetId', { type: () => String }) ruleSetId: string,
    @Args('effectiveFrom', { type: () => String, nullable: true }) effectiveFrom?: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    const { result } = await this.ruleSets.activate(ruleSetIdArg(ruleSetId), dateArg(effectiveFrom, 'effectiveFrom'), ctx);
    return writeResult(ruleSetId, result);
  }
}
