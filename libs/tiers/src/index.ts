// The tier slice's public face: rule sets and their events, tier as of a date
// and its history (pure), the what-if simulation, the application service
// and the module.
export { DEFAULT_RULE_SET, tierAsOf } from './tier-rules';
export type { DatedAmount, TierAnswer, TierFacts, TierRule, TierRuleSet } from './tier-rules';
export { DEFAULT_SCHEDULE, memoryless, ruleSetOn, standingFromStep, stepOn, tierHistory, tierOn, tierOnFast, tierSteps } from './tier-history';
export type { RuleSchedule, ScheduledRuleSet, TierChange, TierStanding, TierStep } from './tier-history';
export { DATED_FACT_TYPES, datedFactOf, isDatedFact } from './dated-facts';
export type { DatedFact } from './dated-facts';
export { ruleScheduleOf, ruleSetEventRows, TIER_PERIODS, TierPeriodsProjector, tierPeriodsMigrations } from './tier-periods/tier-periods.projector';
export type { RuleSetEventRow } from './tier-periods/tier-periods.projector';
export { tierChangesUntil, tierMembersSql, tierStandingOn, tierStandingsOn } from './tier-periods/tier-periods.query';
export type { TierStandingRow } from './tier-periods/tier-periods.query';
export { decodeTierRuleSetEvent, TIER_RULES_STREAM } from './tier-rule-set';
export type { TierRuleSetEvent } from './tier-rule-set';
export { checkActivationDate, decide, ruleSetProblem } from './business-logic';
export type { TierRuleSetCommand } from './business-logic';
export { ExecuteTierRuleSetCommand, loadRuleSchedule, loadTierRuleSets } from './tier-rule-set-commands';
export { tierRuleSetsView } from './tier-rule-set-view';
export { CUSTOMER_FACTS, TierSimulation } from './simulation';
export type { CustomerFactsSource, CustomerTierFacts, SimulationResult } from './simulation';
export { ruleSetOf, simulateRuleSet, TierRuleSetsService } from './tier-rule-sets.service';
export type { PublishInput, SimulateInput } from './tier-rule-sets.service';
export { PublishTierRuleSetDto } from './tier-rule-sets.dto';
export { TiersModule } from './tiers.module';
