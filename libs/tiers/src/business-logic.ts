// Decisions on the tier rule sets stream: publish a well-formed rule set
// once, activate a published one from a date not before the last activation.
import { conflict, invalid, minusMonths, notFound, parseAmount, refused, sameJson } from '@crm/shared';

/** D plus k months, day clamped (the mirror of minusMonths). */
const addMonthsClamped = (date: string, months: number) => minusMonths(date, -months);
import { TierRuleSetEvent, TierRuleSets } from './tier-rule-set';
import { TierRuleSet } from './tier-rules';

export type TierRuleSetCommand = { type: 'PublishTierRuleSet'; ruleSet: TierRuleSet } | { type: 'ActivateTierRuleSet'; ruleSetId: string; effectiveFrom: string };

export interface TierRulesContext {
  shopCurrency: string;
  /** Today in the shop's calendar and how many years ahead an activation may take effect. */
  today?: string;
  horizonYears?: number;
}

const CODE = /^[A-Z][A-Z0-9_]{0,31}$/;

/** Why a rule set cannot be used, or undefined when it is sound. */
export function ruleSetProblem(ruleSet: TierRuleSet, currency: string): string | undefined {
  if (ruleSet.tiers.length === 0) return 'a rule set needs at least one tier';
  if (ruleSet.basis.kind === 'rollingMonths' && !(Number.isInteger(ruleSet.basis.months) && ruleSet.basis.months >= 1)) return 'a rollingMonths basis needs months (1-120)';
  const codes = ruleSet.tiers.map((t) => t.code);
  if (new Set(codes).size !== codes.length) return 'tier codes must be unique';
  const bad = codes.find((c) => !CODE.test(c));
  if (bad !== undefined) return `tier code ${bad} must be upper case letters, digits and _ (e.g. VIP)`;
  let thresholds: number[];
  try {
    thresholds = ruleSet.tiers.map((t) => parseAmount(t.threshold, currency));
  } catch {
    return `thresholds must be decimal amounts in ${currency}`;
  }
  if (thresholds[0] !== 0 || (ruleSet.tiers[0].minPurchases ?? 0) > 0) return 'the first tier is the floor every purchaser reaches: threshold 0, no purchase count';
  for (let i = 1; i < thresholds.length; i++) {
    if (thresholds[i] <= thresholds[i - 1]) return 'thresholds must rise strictly from tier to tier';
  }
  if (ruleSet.downgrade?.atAnniversary && ruleSet.downgrade.retentionMonths) return 'choose a retention period or anniversaries for downgrades, not both';
  if (ruleSet.downgrade?.stepwise && !ruleSet.downgrade.retentionMonths && !ruleSet.downgrade.atAnniversary) {
    return 'stepwise downgrades need a retention period or anniversaries (one tier per period)';
  }
  return undefined;
}

/** Key order is not meaning (jsonb reorders keys). */
const sameRuleSet = (a: TierRuleSet, b: TierRuleSet) => sameJson(a, b);

export function decide(command: TierRuleSetCommand, state: TierRuleSets, context: TierRulesContext): TierRuleSetEvent[] {
  switch (command.type) {
    case 'PublishTierRuleSet': {
      const existing = state.ruleSets.get(command.ruleSet.id);
      if (existing) {
        if (sameRuleSet(existing, command.ruleSet)) return [];
        throw conflict('RuleSetIdInUse', `rule set ${command.ruleSet.id} is already published with other rules; published rule sets do not change, publish a new id`, {
          ruleSetId: command.ruleSet.id,
        });
      }
      const problem = ruleSetProblem(command.ruleSet, context.shopCurrency);
      if (problem) throw refused('InvalidRuleSet', problem, { ruleSetId: command.ruleSet.id });
      return [{ type: 'TierRuleSetPublished', data: { ruleSet: command.ruleSet } }];
    }
    case 'ActivateTierRuleSet': {
      if (!state.ruleSets.has(command.ruleSetId)) throw notFound('RuleSetNotFound', `rule set ${command.ruleSetId} is not published`, { ruleSetId: command.ruleSetId });
      const last = state.activations[state.activations.length - 1];
      if (last && last.ruleSetId === command.ruleSetId && last.effectiveFrom === command.effectiveFrom) return [];
      checkActivationDate(command.effectiveFrom, last, context);
      return [{ type: 'TierRuleSetActivated', data: { ruleSetId: command.ruleSetId, effectiveFrom: command.effectiveFrom } }];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

/**
 * When a new activation may take effect: never before the last one (the
 * schedule only moves forward), and at most `horizonYears` ahead (a date in
 * 9999 would block every later activation for good).
 */
export function checkActivationDate(effectiveFrom: string, last: { effectiveFrom: string; ruleSetId: string } | undefined, context: TierRulesContext): void {
  if (context.today !== undefined && context.horizonYears !== undefined) {
    const latest = addMonthsClamped(context.today, 12 * context.horizonYears);
    if (effectiveFrom > latest) {
      throw invalid('ActivationTooFarAhead', `effectiveFrom ${effectiveFrom} is more than ${context.horizonYears} years ahead (the latest is ${latest})`, { latest });
    }
  }
  if (last && effectiveFrom < last.effectiveFrom) {
    throw refused('ActivationOutOfOrder', `the last activation takes effect on ${last.effectiveFrom}; a new one cannot take effect before it`, {
      lastEffectiveFrom: last.effectiveFrom,
      lastRuleSetId: last.ruleSetId,
    });
  }
}

/** A repeated publish or activation is answered by the event that did it first. */
export const sameAsEarlier = (command: TierRuleSetCommand) => (event: TierRuleSetEvent) =>
  command.type === 'PublishTierRuleSet'
    ? event.type === 'TierRuleSetPublished' && event.data.ruleSet.id === command.ruleSet.id
    : event.type === 'TierRuleSetActivated' && event.data.ruleSetId === command.ruleSetId && event.data.effectiveFrom === command.effectiveFrom;
