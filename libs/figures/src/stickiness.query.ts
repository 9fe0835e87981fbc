// Stickiness metrics as of D over the period (D - W months, D] (docs/domain.md
// "Stickiness metrics", "Period metrics"), from the customer read model and
// the tier read model, set-based: the period's rows, never the whole base.
// Rates answer numerator and denominator beside the ratio, so every figure
// can be checked by hand.
import type { SqlClient } from '@crm/database';
import { lifecycleAsOf } from '@crm/lifecycle';
import { addDays, divideMinor, formatAmount, minusMonths, UNIT_PRICE_SCALE } from '@crm/shared';

export { divideMinor };

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

export interface StickinessOptions {
  asOf: string;
  windowMonths: number;
  retentionDays: number;
  responseDays: number;
  currency: string;
}

export async function stickiness(sql: SqlClient, o: StickinessOptions) {
  const from = minusMonths(o.asOf, o.windowMonths); // exclusive
  // Independent reads of the period's rows, side by side on the pool's connections.
  const [byTier, byRegion, refundedMinor, retention, winBack, byCategory] = await Promise.all([
    buyersByTier(sql, from, o.asOf),
    regionSales(sql, from, o.asOf),
    refundsIn(sql, from, o.asOf),
    retained(sql, from, o),
    contactResponses(sql, from, o),
    categorySales(sql, from, o.asOf),
  ]);
  const buyers = byTier.reduce((n, t) => n + t.customers, 0);
  const repeaters = byTier.reduce((n, t) => n + t.repeaters, 0);
  const sales = byTier.reduce((n, t) => n + t.salesMinor, 0);
  const netSpendMinor = sales - refundedMinor;
  const money = (minor: number) => formatAmount(minor, o.currency);
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
    retention: { withinDays: o.retentionDays, ...retention },
    // withinDays: each campaign's own response window when the contacts are campaigns' (from).
    wakeUp: { status: 'SLEEPING', withinDays: o.responseDays, from: winBack.source, ...winBack.SLEEPING },
    reactivation: { status: 'LOST', withinDays: o.responseDays, from: winBack.source, ...winBack.LOST },
    composition: {
      byTier: byTier.map((t) => ({ tier: t.tier, customers: t.customers, sales: money(t.salesMinor) })),
      byRegion: byRegion.map((r) => ({ region: r.key, customers: r.customers, sales: money(r.salesMinor) })),
      byCategory: byCategory.map((r) => ({ category: r.key, sales: money(r.salesMinor) })),
    },
  };
}

/** Hash tables of a period's buyers (half a million at a million customers) stay in memory (4MB, the default, spills them). */
const WORK_MEM = '128MB';

/**
 * One statement with room for its hash tables. `sorted`: its groups of a
 * customer (half a million) are made by sorting rather than hashing: the
 * period's rows sort in a quarter of the time a hash aggregate of that many
 * uuid keys takes here, and the sort also gives the window its order.
 */
function roomy<R>(sql: SqlClient, text: string, params: unknown[], options: { sorted?: boolean } = {}): Promise<R[]> {
  return sql.transaction(async (tx) => {
    await tx.exec(`SET LOCAL work_mem = '${WORK_MEM}'${options.sorted ? '; SET LOCAL enable_hashagg = off' : ''}`);
    return tx.query<R>(text, params);
  });
}

/**
 * Who bought in the period, how often and for how much (the period's
 * purchases from their index alone), by the tier each holds on D (the tier
 * read model's step covering D). A purchase in the period means the customer
 * had joined by D (joined is the earlier of registration and the first
 * purchase).
 */
async function buyersByTier(sql: SqlClient, from: string, asOf: string) {
  const rows = await roomy<{ tier: string; customers: string | number; repeaters: string | number; sales: string | number }>(
    sql,
    `WITH buyers AS (
       SELECT customer_id, count(*) AS purchases, sum(amount_minor) AS spent FROM rm_customer_purchases
        WHERE occurred_on > $1::date AND occurred_on <= $2::date GROUP BY customer_id)
     SELECT coalesce(tp.tier, 'NONE') AS tier, count(*) AS customers, count(*) FILTER (WHERE b.purchases >= 2) AS repeaters, sum(b.spent) AS sales
       FROM buyers b LEFT JOIN rm_tier_periods tp ON tp.customer_id = b.customer_id AND tp.valid_from <= $2::date AND tp.valid_to > $2::date
      GROUP BY 1`,
    [from, asOf],
    { sorted: true },
  );
  return rows
    .map((t) => ({ tier: t.tier, customers: Number(t.customers), repeaters: Number(t.repeaters), salesMinor: Number(t.sales) }))
    .sort((x, y) => (x.tier < y.tier ? -1 : 1));
}

/** Buyers and sales by the buyer's region. */
async function regionSales(sql: SqlClient, from: string, asOf: string): Promise<Share[]> {
  const regions = await roomy<{ key: string; customers: string | number; s: string | number }>(
    sql,
    `SELECT coalesce(c.province, '(unknown)') AS key, count(DISTINCT p.customer_id) AS customers, sum(p.amount_minor) AS s
       FROM rm_customer_purchases p JOIN rm_customers c USING (customer_id)
      WHERE p.occurred_on > $1::date AND p.occurred_on <= $2::date GROUP BY 1 ORDER BY 1`,
    [from, asOf],
  );
  return regions.map((r) => ({ key: r.key, customers: Number(r.customers), salesMinor: Number(r.s) }));
}

async function refundsIn(sql: SqlClient, from: string, asOf: string): Promise<number> {
  const [row] = await sql.query<{ s: string | number | null }>('SELECT sum(amount_minor) AS s FROM rm_customer_refunds WHERE occurred_on > $1::date AND occurred_on <= $2::date', [
    from,
    asOf,
  ]);
  return Number(row?.s ?? 0);
}

/**
 * Of the (customer, day) purchases in the period up to D - retentionDays, the
 * share followed by another purchase day of that customer within
 * retentionDays: the next purchase day (lead over the period's days, which
 * hold every candidate since d + retentionDays <= D) comes soon enough.
 */
async function retained(sql: SqlClient, from: string, o: StickinessOptions): Promise<Rate> {
  const [row] = await roomy<{ cohort: string | number; retained: string | number }>(
    sql,
    `WITH days AS (SELECT DISTINCT customer_id, occurred_on FROM rm_customer_purchases WHERE occurred_on > $1::date AND occurred_on <= $2::date),
          next AS (SELECT occurred_on, lead(occurred_on) OVER (PARTITION BY customer_id ORDER BY occurred_on) AS next_on FROM days)
     SELECT count(*) AS cohort, count(*) FILTER (WHERE next_on <= occurred_on + $4::int) AS retained FROM next WHERE occurred_on <= $3::date`,
    [from, o.asOf, addDays(o.asOf, -o.retentionDays), o.retentionDays],
    { sorted: true },
  );
  return rate(Number(row?.retained ?? 0), Number(row?.cohort ?? 0));
}

/**
 * Of the customers who were SLEEPING (or LOST) when a marketing contact
 * reached them in the period, the share who bought after that contact
 * within `responseDays` (each customer counted once).
 */
/**
 * Wake-up and reactivation: of the SLEEPING (LOST) customers contacted in the
 * period, those who bought after the contact within the response window.
 * When campaigns contacted customers in the period, their contacts are the
 * ones counted, each with its campaign's response window; otherwise every
 * marketing contact, with responseDays.
 */
async function contactResponses(sql: SqlClient, from: string, o: StickinessOptions): Promise<Record<'SLEEPING' | 'LOST', Rate> & { source: 'campaigns' | 'contacts' }> {
  type Contact = { customer_id: string; occurred_at: Date | string; occurred_on: string; days: number };
  const campaigns = await sql.query<Contact>(
    `SELECT r.customer_id, r.occurred_at, r.occurred_on::text AS occurred_on, c.response_window_days AS days
       FROM rm_campaign_recipients r JOIN rm_campaigns c USING (campaign_id)
      WHERE r.outcome = 'contacted' AND r.occurred_on > $1::date AND r.occurred_on <= $2::date ORDER BY r.customer_id, r.occurred_at`,
    [from, o.asOf],
  );
  const contacts =
    campaigns.length > 0
      ? campaigns
      : await sql.query<Contact>(
          `SELECT customer_id, occurred_at, occurred_on::text AS occurred_on, $3::int AS days FROM rm_customer_contacts
            WHERE kind = 'marketing' AND occurred_on > $1::date AND occurred_on <= $2::date ORDER BY customer_id, occurred_at`,
          [from, o.asOf, o.responseDays],
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
      const until = addDays(on, Number(c.days));
      if (bought.some((p) => p.at > at && p.on <= until)) woken[status].add(c.customer_id);
    }
  }
  return { SLEEPING: rate(woken.SLEEPING.size, targeted.SLEEPING.size), LOST: rate(woken.LOST.size, targeted.LOST.size), source: campaigns.length > 0 ? 'campaigns' : 'contacts' };
}

interface Share {
  key: string;
  customers: number;
  salesMinor: number;
}

async function categorySales(sql: SqlClient, from: string, asOf: string): Promise<Array<Pick<Share, 'key' | 'salesMinor'>>> {
  // Each purchase's sales per category kept by the customer list (item lines in 1/10,000 of the minor unit; a purchase without
  // items whole under "(no items)"), rounded half away from zero to the minor unit once per category.
  const categories = await roomy<{ key: string; s: string | number }>(
    sql,
    `SELECT category AS key, round(sum(scaled) / ${UNIT_PRICE_SCALE}) AS s FROM rm_purchase_categories
      WHERE occurred_on > $1::date AND occurred_on <= $2::date GROUP BY 1 ORDER BY 1`,
    [from, asOf],
  );
  return categories.map((r) => ({ key: r.key, salesMinor: Number(r.s) }));
}
