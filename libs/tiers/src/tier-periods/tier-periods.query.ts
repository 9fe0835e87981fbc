// Reads of the tier read model: one customer's tier as of a date, a page of
// customers' tiers, the changes up to a date, and the list filter. Each is one
// indexed read of rm_tier_periods (no event stream, no rule walked here).
import type { SqlExecutor } from '@crm/database';
import { standingFromStep, TierChange, TierStanding } from '../tier-history';
import type { TierRuleSet } from '../tier-rules';

export interface TierStandingRow extends TierStanding {
  /** The basis of the rule set in force on the date (lifetime, or a rolling window). */
  basisRule: TierRuleSet['basis'];
}

interface PeriodRow {
  customer_id: string;
  tier: string | null;
  basis_tier: string | null;
  rule_set_id: string;
  basis_rule: unknown;
  basis_minor: string | number;
  purchase_count: number;
  reason: string;
  since: string | null;
  downgrade_due: string | null;
}

const COLUMNS = `customer_id, tier, basis_tier, rule_set_id, basis_rule, basis_minor, purchase_count, reason, since::text AS since, downgrade_due::text AS downgrade_due`;
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function standingOf(row: PeriodRow, asOf: string): TierStandingRow {
  const standing = standingFromStep(
    {
      tier: row.tier,
      basisTier: row.basis_tier,
      ruleSetId: row.rule_set_id,
      basisMinor: Number(row.basis_minor),
      purchaseCount: Number(row.purchase_count),
      reason: row.reason,
      since: row.since,
      downgradeDue: row.downgrade_due,
    },
    asOf,
  );
  return { ...standing, basisRule: json(row.basis_rule) };
}

/** The tier of a customer as of a date; undefined when the read model does not know them on that date (unknown, or joined later). */
export async function tierStandingOn(sql: SqlExecutor, customerId: string, asOf: string): Promise<TierStandingRow | undefined> {
  const [row] = await sql.query<PeriodRow>(
    `SELECT ${COLUMNS} FROM rm_tier_periods WHERE customer_id = $1 AND valid_from <= $2::date ORDER BY valid_from DESC LIMIT 1`,
    [customerId, asOf],
    { name: 'tier-standing-on' },
  );
  return row ? standingOf(row, asOf) : undefined;
}

/** The tiers of several customers as of a date, in one read. */
export async function tierStandingsOn(sql: SqlExecutor, customerIds: readonly string[], asOf: string): Promise<Map<string, TierStandingRow>> {
  if (customerIds.length === 0) return new Map();
  const rows = await sql.query<PeriodRow>(`SELECT ${COLUMNS} FROM rm_tier_periods WHERE customer_id = ANY ($1::uuid[]) AND valid_from <= $2::date AND valid_to > $2::date`, [
    customerIds,
    asOf,
  ]);
  return new Map(rows.map((r) => [r.customer_id, standingOf(r, asOf)]));
}

/** Every change of a customer's tier up to a date (inclusive), oldest first; undefined when the read model does not know them on that date. */
export async function tierChangesUntil(sql: SqlExecutor, customerId: string, asOf: string): Promise<TierChange[] | undefined> {
  const rows = await sql.query<{ change: unknown }>(
    `SELECT change FROM rm_tier_periods WHERE customer_id = $1 AND valid_from <= $2::date ORDER BY valid_from`,
    [customerId, asOf],
    { name: 'tier-changes-until' },
  );
  if (rows.length === 0) return undefined;
  return rows.flatMap((r) => (r.change === null ? [] : [json<TierChange>(r.change)]));
}

/**
 * The customers whose step covering D has tier T, after a customer id, in id
 * order: a source for the list (alias `t`, column customer_id). Read from the
 * (tier, customer_id) index, so a page of a rare tier reads about a page of
 * rows instead of walking every customer until enough match.
 */
export function tierMembersSql(asOfParam: string, tierParam: string, afterParam: string): string {
  return `(SELECT customer_id FROM rm_tier_periods WHERE tier = ${tierParam}::text AND customer_id > ${afterParam}::uuid
             AND valid_from <= ${asOfParam}::date AND valid_to > ${asOfParam}::date) t`;
}
