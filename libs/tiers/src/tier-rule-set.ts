// The tier rule sets stream: rule sets are published (immutable once
// published) and activated with an effective date. The schedule it folds to
// says which rule set was in force on any date, so every past tier answer
// can be explained and a new one replayed before it is switched on.
import type { RecordedEvent } from '@crm/event-store';
import { decodeKnown, TIER_RULE_SET_EVENT_TYPES } from '@crm/shared';
import { DEFAULT_RULE_SET, TierRuleSet } from './tier-rules';

export const TIER_RULES_STREAM = 'tier-rule-sets';

export type TierRuleSetEvent =
  { type: 'TierRuleSetPublished'; data: { ruleSet: TierRuleSet } } | { type: 'TierRuleSetActivated'; data: { ruleSetId: string; effectiveFrom: string } };

export interface TierRuleSets {
  /** Published rule sets by id; the built-in default is always there. A Map: ids come from callers ("constructor" too). */
  ruleSets: ReadonlyMap<string, TierRuleSet>;
  /** In activation order; effective dates never decrease. */
  activations: Array<{ ruleSetId: string; effectiveFrom: string }>;
}

export const initialTierRuleSets = (): TierRuleSets => ({ ruleSets: new Map([[DEFAULT_RULE_SET.id, DEFAULT_RULE_SET]]), activations: [] });

export function evolve(state: TierRuleSets, event: TierRuleSetEvent): TierRuleSets {
  switch (event.type) {
    case 'TierRuleSetPublished':
      return { ...state, ruleSets: new Map(state.ruleSets).set(event.data.ruleSet.id, event.data.ruleSet) };
    case 'TierRuleSetActivated':
      return { ...state, activations: [...state.activations, { ruleSetId: event.data.ruleSetId, effectiveFrom: event.data.effectiveFrom }] };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** The seam from a stored event to a rule set event. */
export function decodeTierRuleSetEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): TierRuleSetEvent {
  return decodeKnown<TierRuleSetEvent>(TIER_RULE_SET_EVENT_TYPES, 'the tier rule sets', recorded);
}
