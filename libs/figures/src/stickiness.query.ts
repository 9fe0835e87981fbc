// Stickiness metrics as of D over the period (D - W months, D] (DOMAIN.md
// "Stickiness metrics", "Period metrics"), from the customer read model.
// Rates answer numerator and denominator beside the ratio, so every figure
// can be checked by hand.
import type { SqlClient } from '@crm/database';
import { lifecycleAsOf } from '@crm/lifecycle';
import { addDays, formatAmount, minusMonths, UNIT_PRICE_SCALE } from '@crm/shared';
import { tierStandingsOn } from '@crm/tiers';
import { scanCustomerFacts } from './customer-facts.query';

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator rounded to 4 decimals; null when the denominator is 0. */
  rate: number | null;
}

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
});

/** Integer division of minor units rounded half away from zero (money never goes through floats). */
export function divideMinor(total: number, by: number): number {
  if (by === 0) return 0;
  const sign = Math.sign(total) * Math.sign(by);
  const a = Math.abs(total);
  const b = Math.abs(by);
  const q = Math.floor(a / b);
  return sign * (2 * (a - q * b) >= b ? q + 1 : q);
}

export interface StickinessOptions {
  asOf: string;
  windowMonths: number;
  retentionDays: number;
  responseDays: number;
  currency: string;
}

export async function stickiness(sql: SqlClient, o: StickinessOptions) {
  const from = minusMonths(o.asOf, o.windowMonths); // exclusive
  let buyers = 0;
  let repeaters = 0;
  let sales = 0;
  const byTier = new Map<string, { customers: number; salesMinor: number }>();
  await scanCustomerFacts(sql, o.asOf, async (batch) => {
    // Sales by tier: the tier each buyer holds on D, from the tier read model.
    const tiers = await tierStandingsOn(
      sql,
      batch.map((c) => c.customerId),
      o.asOf,
    );
    for (const c of batch) {
      const inPeriod = c.purchases.filter((p) => p.date > from);
      if (inPeriod.length === 0) continue;
      buyers++;
      if (inPeriod.length >= 2) repeaters++;
      const spent = inPeriod.reduce((s, p) => s + p.amountMinor, 0);
      sales += spent;
      const tier = tiers.get(c.customerId)?.tier ?? 'NONE';
      const t = byTier.get(tier) ?? { customers: 0, salesMinor: 0 };
      t.customers++;
      t.salesMinor += spent;
      byTier.set(tier, t);
    }
  });
  const [refunds] = await sql.query<{ s: string | number | null }>(
    'SELECT sum(amount_minor) AS s FROM rm_customer_refunds WHERE occurred_on > $1::date AND occurred_on <= $2::date',
    [from, o.asOf],
  );
  const refundedMinor = Number(refunds?.s ?? 0);
  const netSpendMinor = sales - refundedMinor;

  const [retention] = await sql.query<{ cohort: string | number; retained: string | number }>(
    `WITH days AS (SELECT DISTINCT customer_id, occurred_on FROM rm_customer_purchases WHERE occurred_on > $1::date AND occurred_on <= $2::date)
     SELECT count(*) AS cohort,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM rm_customer_purchases q WHERE q.customer_id = days.customer_id
                                             AND q.occurred_on > days.occurred_on AND q.occurred_on <= days.occurred_on + $3::int)) AS retained
       FROM days`,
    [from, addDays(o.asOf, -o.retentionDays), o.retentionDays],
  );

  const winBack = await contactResponses(sql, from, o);
  const money = (minor: number) => formatAmount(minor, o.currency);
  const composition = await salesComposition(sql, from, o.asOf);
  return {
    asOf: o.asOf,
    windowMonths: o.windowMonths,
    period: { after: from, through: o.asOf },
    currency: o.currency,
    activeCustomers: buyers,
    repeatPurchaseRate: rate(repeaters, buyers),
    sales: money(sales),
    refunds: money(refundedMinor),
    netSpend: money(netSpendMinor),
    activeArpu: money(divideMinor(netSpendMinor, buyers)),
    retention: { withinDays: o.retentionDays, ...rate(Number(retention?.retained ?? 0), Number(retention?.cohort ?? 0)) },
    wakeUp: { status: 'SLEEPING', withinDays: o.responseDays, ...winBack.SLEEPING },
    reactivation: { status: 'LOST', withinDays: o.responseDays, ...winBack.LOST },
    composition: {
      byTier: [...byTier.entries()].sort().map(([tier, t]) => ({ tier, customers: t.customers, sales: money(t.salesMinor) })),
      byRegion: composition.byRegion.map((r) => ({ region: r.key, customers: r.customers, sales: money(r.salesMinor) })),
      byCategory: composition.byCategory.map((r) => ({ category: r.key, sales: money(r.salesMinor) })),
    },
  };
}

/**
 * Of the customers who were SLEEPING (or LOST) when a marketing contact
 * reached them in the period, the share who bought after that contact
 * within `responseDays` (each customer counted once).
 */
async function contactResponses(sql: SqlClient, from: string, o: StickinessOptions): Promise<Record<'SLEEPING' | 'LOST', Rate>> {
  const contacts = await sql.query<{ customer_id: string; occurred_at: Date | string; occurred_on: string }>(
    `SELECT customer_id, occurred_at, occurred_on::text AS occurred_on FROM rm_customer_contacts
      WHERE kind = 'marketing' AND occurred_on > $1::date AND occurred_on <= $2::date ORDER BY customer_id, occurred_at`,
    [from, o.asOf],
  );
  const targeted = { SLEEPING: new Set<string>(), LOST: new Set<string>() };
  const woken = { SLEEPING: new Set<string>(), LOST: new Set<string>() };
  if (contacts.length > 0) {
    const ids = [...new Set(contacts.map((c) => c.customer_id))];
    const purchases = await sql.query<{ customer_id: string; occurred_at: Date | string; occurred_on: string }>(
      'SELECT customer_id, occurred_at, occurred_on::text AS occurred_on FROM rm_customer_purchases WHERE customer_id = ANY ($1::uuid[]) AND occurred_on <= $2::date',
      [ids, o.asOf],
    );
    const byCustomer = new Map<string, Array<{ at: number; on: string }>>();
    for (const p of purchases) {
      const list = byCustomer.get(p.customer_id) ?? [];
      list.push({ at: new Date(p.occurred_at).getTime(), on: String(p.occurred_on).slice(0, 10) });
      byCustomer.set(p.customer_id, list);
    }
    for (const c of contacts) {
      const at = new Date(c.occurred_at).getTime();
      const on = String(c.occurred_on).slice(0, 10);
      const bought = byCustomer.get(c.customer_id) ?? [];
      // The status the contact found: purchases before it, as of its date.
      const status = lifecycleAsOf(
        bought.filter((p) => p.at < at).map((p) => p.on),
        on,
        o.windowMonths,
      );
      if (status !== 'SLEEPING' && status !== 'LOST') continue;
      targeted[status].add(c.customer_id);
      const until = addDays(on, o.responseDays);
      if (bought.some((p) => p.at > at && p.on <= until)) woken[status].add(c.customer_id);
    }
  }
  return { SLEEPING: rate(woken.SLEEPING.size, targeted.SLEEPING.size), LOST: rate(woken.LOST.size, targeted.LOST.size) };
}

interface Share {
  key: string;
  customers: number;
  salesMinor: number;
}

async function salesComposition(sql: SqlClient, from: string, asOf: string): Promise<{ byRegion: Share[]; byCategory: Share[] }> {
  const regions = await sql.query<{ key: string; customers: string | number; s: string | number }>(
    `SELECT coalesce(c.province, '(unknown)') AS key, count(DISTINCT p.customer_id) AS customers, sum(p.amount_minor) AS s
       FROM rm_customer_purchases p JOIN rm_customers c USING (customer_id)
      WHERE p.occurred_on > $1::date AND p.occurred_on <= $2::date GROUP BY 1 ORDER BY 1`,
    [from, asOf],
  );
  // Item lines (quantity x unit price, in 1/10,000 of the minor unit, rounded half away from zero to the minor unit once per
  // category; rows projected before unitPriceScaled carry unitPriceMinor); a purchase without items counts whole under "(no items)".
  const categories = await sql.query<{ key: string; customers: string | number; s: string | number }>(
    `SELECT coalesce(i.value->>'category', '(uncategorized)') AS key, count(DISTINCT p.customer_id) AS customers,
            round(sum((i.value->>'quantity')::numeric * coalesce((i.value->>'unitPriceScaled')::numeric, (i.value->>'unitPriceMinor')::numeric * ${UNIT_PRICE_SCALE})) / ${UNIT_PRICE_SCALE}) AS s
       FROM rm_customer_purchases p CROSS JOIN LATERAL jsonb_array_elements(p.items) AS i(value)
      WHERE p.occurred_on > $1::date AND p.occurred_on <= $2::date GROUP BY 1
     UNION ALL
     SELECT '(no items)', count(DISTINCT customer_id), sum(amount_minor) FROM rm_customer_purchases
      WHERE occurred_on > $1::date AND occurred_on <= $2::date AND jsonb_array_length(items) = 0 HAVING count(*) > 0
     ORDER BY 1`,
    [from, asOf],
  );
  const out = (rows: typeof regions) => rows.map((r) => ({ key: r.key, customers: Number(r.customers), salesMinor: Number(r.s) }));
  return { byRegion: out(regions), byCategory: out(categories) };
}
