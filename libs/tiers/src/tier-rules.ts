// Member tiers as of a date under a rule set: a pure function of the dated
// purchase and refund facts (docs/domain.md, "Member tiers").
// Rule sets are data, so a candidate can be replayed over the same history.
import { formatAmount, minusMonths, parseAmount } from '@crm/shared';

export interface TierRule {
  code: string;
  /** Spend basis needed, as a decimal string in the shop currency ("500.00"). */
  threshold: string;
  /** Purchases needed as well (default 0). */
  minPurchases?: number;
}

export interface TierRuleSet {
  id: string;
  name: string;
  /** Ascending by threshold; the first is the floor every purchaser reaches. */
  tiers: TierRule[];
  /** Lifetime net spend, or net spend over the last N months. */
  basis: { kind: 'lifetime' } | { kind: 'rollingMonths'; months: number };
  /** Whether refunds lower the basis (default true). */
  refundsCount?: boolean;
  /**
   * How a customer whose basis falls below their tier moves down (default:
   * at once, to the tier the basis supports). With `retentionMonths` the
   * downgrade takes effect only after the basis has stayed below for that
   * long; with `atAnniversary` a tier is kept until the anniversary of the
   * day it was reached and re-evaluated on each anniversary; `stepwise`
   * moves one tier per period or anniversary.
   */
  downgrade?: { retentionMonths?: number; atAnniversary?: boolean; stepwise?: boolean };
}

export const DEFAULT_RULE_SET: TierRuleSet = {
  id: 'default',
  name: 'Default: NORMAL, SENIOR >= 500, VIP >= 3000, SUPREME >= 8000 (lifetime net spend)',
  tiers: [
    { code: 'NORMAL', threshold: '0' },
    { code: 'SENIOR', threshold: '500' },
    { code: 'VIP', threshold: '3000' },
    { code: 'SUPREME', threshold: '8000' },
  ],
  basis: { kind: 'lifetime' },
  refundsCount: true,
};

export interface DatedAmount {
  /** Shop calendar date "YYYY-MM-DD". */
  date: string;
  amountMinor: number;
  /** The event that recorded it, when known: what a tier change names as its cause. */
  eventId?: string;
  position?: number;
  occurredAt?: string;
  type?: string;
}

export interface TierFacts {
  purchases: readonly DatedAmount[];
  refunds: readonly DatedAmount[];
}

export interface TierAnswer {
  tier: string | null;
  basisMinor: number;
  purchaseCount: number;
  ruleSetId: string;
  reason: string;
}

/** Stands for the as-of date in a reason kept by the tier read model (its steps span many dates). */
export const AS_OF_MARK = '{asOf}';

/** `said` is the date the reason names: the as-of date, or AS_OF_MARK for a reason kept for a span of dates. */
export function tierAsOf(facts: TierFacts, asOf: string, ruleSet: TierRuleSet, currency: string, said = asOf): TierAnswer {
  const purchases = facts.purchases.filter((p) => p.date <= asOf);
  if (purchases.length === 0) {
    return { tier: null, basisMinor: 0, purchaseCount: 0, ruleSetId: ruleSet.id, reason: `no purchase on or before ${said}` };
  }
  const from = ruleSet.basis.kind === 'rollingMonths' ? minusMonths(asOf, ruleSet.basis.months) : undefined;
  const counted = (d: DatedAmount) => d.date <= asOf && (from === undefined || d.date > from);
  const spend = facts.purchases.filter(counted).reduce((sum, p) => sum + p.amountMinor, 0);
  const refunded = ruleSet.refundsCount === false ? 0 : facts.refunds.filter(counted).reduce((sum, r) => sum + r.amountMinor, 0);
  const basisMinor = spend - refunded;
  const purchaseCount = purchases.length;

  let reached = ruleSet.tiers[0];
  for (const rule of ruleSet.tiers.slice(1)) {
    if (basisMinor >= parseAmount(rule.threshold, currency) && purchaseCount >= (rule.minPurchases ?? 0)) reached = rule;
  }
  const basisText = ruleSet.basis.kind === 'lifetime' ? 'lifetime net spend' : `net spend over the ${ruleSet.basis.months} months to ${said}`;
  return {
    tier: reached.code,
    basisMinor,
    purchaseCount,
    ruleSetId: ruleSet.id,
    reason: `${basisText} of ${formatAmount(basisMinor, currency)} ${currency} with ${purchaseCount} purchase${purchaseCount === 1 ? '' : 's'} reaches ${reached.code} (threshold ${formatAmount(parseAmount(reached.threshold, currency), currency)} ${currency})`,
  };
}
