// How the customer's standing reads show at the edges: a tier with its basis
// as a decimal string, a lifecycle with the window it was judged in. Pure.
import { Lifecycle, lifecycleAsOf } from '@crm/lifecycle';
import { formatAmount, minusMonths } from '@crm/shared';
import type { TierAnswer, TierFacts, TierRuleSet } from '@crm/tiers';

/** A tier as the edges show it: the basis a decimal string, the rule set's basis kind beside it. */
export function tierAnswer(customerId: string, asOf: string, t: TierAnswer, basisKind: TierRuleSet['basis'], currency: string) {
  return {
    customerId,
    asOf,
    tier: t.tier,
    basis: formatAmount(t.basisMinor, currency),
    basisKind,
    purchaseCount: t.purchaseCount,
    ruleSetId: t.ruleSetId,
    reason: t.reason,
    currency,
  };
}

export const purchaseDates = (facts: TierFacts, asOf: string) => facts.purchases.map((p) => p.date).filter((d) => d <= asOf);

/** Where a customer stands in the lifecycle on a date, and the window it was judged in (the status given when already known). */
export function lifecycleSummary(customerId: string, facts: TierFacts, asOf: string, windowMonths: number, known?: Lifecycle) {
  const dates = purchaseDates(facts, asOf);
  const windowStart = minusMonths(asOf, windowMonths);
  return {
    customerId,
    asOf,
    windowMonths,
    lifecycle: known ?? lifecycleAsOf(dates, asOf, windowMonths),
    window: { after: windowStart, through: asOf },
    purchasesInWindow: dates.filter((d) => d > windowStart).length,
    firstPurchaseOn: dates.length > 0 ? dates.reduce((a, b) => (a < b ? a : b)) : null,
    lastPurchaseOn: dates.length > 0 ? dates.reduce((a, b) => (a > b ? a : b)) : null,
  };
}
