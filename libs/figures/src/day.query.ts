// One day at a glance, for the console's home page: who registered, what was
// bought and refunded that day, and how many customers hold each tier on it
// (the tier read model's step covering the day).
import type { SqlClient } from '@crm/database';

export interface DayFacts {
  newCustomers: number;
  purchases: number;
  salesMinor: number;
  refunds: number;
  refundedMinor: number;
  byTier: Array<{ tier: string; customers: number }>;
}

export async function dayFacts(sql: SqlClient, day: string): Promise<DayFacts> {
  const [[counts], tiers] = await Promise.all([
    sql.query<{ registered: number; purchases: number; sales: string | number; refunds: number; refunded: string | number }>(
      `SELECT (SELECT count(*)::int FROM rm_customers WHERE registered_on = $1::date) AS registered,
              p.n AS purchases, p.s AS sales, r.n AS refunds, r.s AS refunded
         FROM (SELECT count(*)::int AS n, coalesce(sum(amount_minor), 0) AS s FROM rm_customer_purchases WHERE occurred_on = $1::date) p,
              (SELECT count(*)::int AS n, coalesce(sum(amount_minor), 0) AS s FROM rm_customer_refunds WHERE occurred_on = $1::date) r`,
      [day],
    ),
    sql.query<{ tier: string; customers: number }>(
      `SELECT coalesce(tier, 'NONE') AS tier, count(*)::int AS customers FROM rm_tier_periods WHERE valid_from <= $1::date AND valid_to > $1::date GROUP BY 1 ORDER BY 1`,
      [day],
    ),
  ]);
  return {
    newCustomers: counts.registered,
    purchases: counts.purchases,
    salesMinor: Number(counts.sales),
    refunds: counts.refunds,
    refundedMinor: Number(counts.refunded),
    byTier: tiers,
  };
}
