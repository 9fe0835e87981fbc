// The filtered customer list as of a date, keyset-paginated on the customer
// id ({ items, nextCursor }), so page 1,000 costs what page 1 costs. Tier and
// lifecycle are computed per customer from the dated facts with the same pure
// functions as everywhere else; filters on the tier and the lifecycle pick
// the customers in SQL over the dated facts (and the functions check them).
import type { SqlClient } from '@crm/database';
import { Lifecycle, lifecycleAsOf } from '@crm/lifecycle';
import { formatAmount, minusMonths, parseAmount, refused, UUID_PATTERN } from '@crm/shared';
import { CustomerTierFacts, DatedAmount, memoryless, RuleSchedule, ruleSetOn, TierAnswer, tierOnFast } from '@crm/tiers';
import { netSpendAsOf } from '../customer-view';
import type { CustomerRow } from './customer-list.projector';

export interface CustomerListFilter {
  asOf: string;
  tier?: string;
  lifecycle?: Lifecycle;
  tag?: string;
  region?: string;
  /** part of the name, any case */
  name?: string;
  cursor?: string;
  limit: number;
  windowMonths: number;
  schedule: RuleSchedule;
}

export interface CustomerListItem {
  id: string;
  customerRef: string | null;
  name: string | null;
  region: { province: string | null; city: string | null };
  tags: string[];
  tier: string | null;
  lifecycle: Lifecycle;
  netSpend: string;
  purchaseCount: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
}

type Row = Pick<CustomerRow, 'customer_id' | 'customer_ref' | 'name' | 'province' | 'city' | 'tags'>;

const SCAN_PAGE = 500;

export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID_PATTERN.test(id)) throw refused('InvalidCursor', 'cursor is not one this API gave out');
  return id;
}

/** An instant as the API shows it (toISOString's form), made by the database: a page parses no dates. */
const ISO_INSTANT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** What the list read and computed for a customer: its facts, tier and lifecycle on the list's date and window. */
export interface ListedFacts {
  facts: { purchases: DatedAmount[]; refunds: DatedAmount[] };
  tier: TierAnswer;
  lifecycle: Lifecycle;
  windowMonths: number;
}

export async function listCustomers(
  sql: SqlClient,
  filter: CustomerListFilter,
  currency: string,
): Promise<{ items: CustomerListItem[]; nextCursor: string | null; facts: Map<string, ListedFacts> }> {
  const items: CustomerListItem[] = [];
  const listed = new Map<string, ListedFacts>();
  let after = filter.cursor ? decodeCursor(filter.cursor) : '00000000-0000-0000-0000-000000000000';
  const params = new Params([after, filter.asOf, filter.tag ?? null, filter.region ?? null, filter.name ? `%${likeEscaped(filter.name)}%` : null]);
  const lifecycle = filter.lifecycle === undefined ? undefined : lifecycleFilter(filter.lifecycle, filter.asOf, filter.windowMonths, params);
  const tier = filter.tier === undefined ? undefined : tierFilter(filter.tier, filter.schedule, filter.asOf, currency, params);
  // A tier kept beyond its basis (retention, anniversaries) is only narrowed in SQL, so the page reads ahead.
  const scanPage = tier && !tier.exact ? SCAN_PAGE : filter.limit + 1;
  for (;;) {
    params.values[0] = after;
    const rows = await sql.query<Row>(
      `SELECT c.customer_id, c.customer_ref, c.name, c.province, c.city, c.tags FROM rm_customers c ${lifecycle?.join ?? ''} ${tier?.join ?? ''}
        WHERE c.customer_id > $1 AND c.joined_on <= $2::date
          AND ($3::text IS NULL OR c.tags @> ARRAY[$3::text])
          AND ($4::text IS NULL OR c.province = $4::text OR c.city = $4::text)
          AND ($5::text IS NULL OR c.name ILIKE $5::text)
          ${lifecycle ? `AND ${lifecycle.where}` : ''} ${tier ? `AND ${tier.where}` : ''}
        ORDER BY c.customer_id LIMIT ${scanPage}`,
      params.values,
    );
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.customer_id);
    const purchases = await sql.query<{ customer_id: string; occurred_on: unknown; occurred_at: string; amount_minor: string | number }>(
      `SELECT customer_id, occurred_on::text AS occurred_on, ${ISO_INSTANT('occurred_at')} AS occurred_at, amount_minor FROM rm_customer_purchases
        WHERE customer_id = ANY ($1::uuid[]) AND occurred_on <= $2::date ORDER BY rm_customer_purchases.occurred_at`,
      [ids, filter.asOf],
    );
    const refunds = await sql.query<{ customer_id: string; occurred_on: unknown; amount_minor: string | number }>(
      'SELECT customer_id, occurred_on::text AS occurred_on, amount_minor FROM rm_customer_refunds WHERE customer_id = ANY ($1::uuid[]) AND occurred_on <= $2::date',
      [ids, filter.asOf],
    );
    // Purchases come in time order; only the first and last instants are shown, so only they are converted.
    const byCustomer = new Map<string, { purchases: DatedAmount[]; refunds: DatedAmount[]; firstAt?: string; lastAt?: string }>();
    for (const id of ids) byCustomer.set(id, { purchases: [], refunds: [] });
    for (const p of purchases) {
      const facts = byCustomer.get(p.customer_id);
      if (!facts) continue;
      facts.purchases.push({ date: day(p.occurred_on), amountMinor: Number(p.amount_minor) });
      facts.firstAt ??= p.occurred_at;
      facts.lastAt = p.occurred_at;
    }
    for (const r of refunds) byCustomer.get(r.customer_id)?.refunds.push({ date: day(r.occurred_on), amountMinor: Number(r.amount_minor) });

    for (const row of rows) {
      after = row.customer_id;
      const { firstAt, lastAt, ...facts } = byCustomer.get(row.customer_id) ?? { purchases: [], refunds: [] };
      const tier = tierOnFast(facts, filter.schedule, filter.asOf, currency);
      const lifecycle = lifecycleAsOf(
        facts.purchases.map((p) => p.date),
        filter.asOf,
        filter.windowMonths,
      );
      if (filter.tier !== undefined && tier.tier !== filter.tier) continue;
      if (filter.lifecycle !== undefined && lifecycle !== filter.lifecycle) continue;
      listed.set(row.customer_id, { facts, tier, lifecycle, windowMonths: filter.windowMonths });
      items.push({
        id: row.customer_id,
        customerRef: row.customer_ref,
        name: row.name,
        region: { province: row.province, city: row.city },
        tags: row.tags,
        tier: tier.tier,
        lifecycle,
        netSpend: formatAmount(netSpendAsOf(facts, filter.asOf), currency),
        purchaseCount: facts.purchases.length,
        firstPurchaseAt: firstAt ?? null,
        lastPurchaseAt: lastAt ?? null,
      });
      if (items.length > filter.limit) break;
    }
    if (items.length > filter.limit || rows.length < scanPage) break;
  }
  const more = items.length > filter.limit;
  const page = items.slice(0, filter.limit);
  return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1].id) : null, facts: listed };
}

/**
 * The lifecycle as of D in SQL, the same rule as lifecycleAsOf over a
 * customer's purchases dated on or before D: first and last date and the
 * purchases in the window, from the purchases' primary key (customer first).
 * The window bounds are computed here with the shop calendar's month rule.
 */
function lifecycleFilter(status: Lifecycle, asOf: string, windowMonths: number, params: Params): { join: string; where: string } {
  const [ws, m2, m4] = [1, 2, 4].map((n) => params.add(minusMonths(asOf, n * windowMonths)));
  const join = `CROSS JOIN LATERAL (SELECT min(p.occurred_on) AS f, max(p.occurred_on) AS l, count(*) FILTER (WHERE p.occurred_on > ${ws}::date) AS w,
                         ${ws}::date AS ws, ${m2}::date AS m2, ${m4}::date AS m4
                  FROM rm_customer_purchases p WHERE p.customer_id = c.customer_id AND p.occurred_on <= $2::date) a`;
  const where: Record<Lifecycle, string> = {
    PROSPECT: 'a.l IS NULL',
    NEW_ONCE: 'a.f > a.ws AND a.w = 1',
    NEW_REPEAT: 'a.f > a.ws AND a.w > 1',
    OLD_ONCE: 'a.f <= a.ws AND a.w = 1',
    OLD_REPEAT: 'a.f <= a.ws AND a.w > 1',
    SILENT: 'a.w = 0 AND a.l > a.m2',
    SLEEPING: 'a.w = 0 AND a.l <= a.m2 AND a.l > a.m4',
    LOST: 'a.w = 0 AND a.l <= a.m4',
  };
  return { join, where: where[status] };
}

/** Query parameters in order: add() answers the placeholder of the value. */
/** A LIKE pattern's own characters taken literally (the default escape is the backslash). */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

class Params {
  constructor(readonly values: unknown[]) {}
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The tier as of D in SQL, the same rule as tierAsOf under the rule set in
 * force on D: the basis (net spend, or spend, in the basis window) and the
 * purchase count reach the tier and no tier above it. Exact when no rule set
 * of the schedule keeps a tier beyond its basis; otherwise a tier is never
 * below what the basis reaches (upgrades are at once), so SQL keeps the
 * customers whose basis reaches no tier above, and tierOnFast decides.
 */
function tierFilter(code: string, schedule: RuleSchedule, asOf: string, currency: string, params: Params): { join: string; where: string; exact: boolean } {
  const { ruleSet } = ruleSetOn(schedule, asOf);
  const rank = ruleSet.tiers.findIndex((t) => t.code === code);
  const from = params.add(ruleSet.basis.kind === 'rollingMonths' ? minusMonths(asOf, ruleSet.basis.months) : '-infinity');
  const refunds =
    ruleSet.refundsCount === false
      ? '0'
      : `(SELECT coalesce(sum(r.amount_minor), 0) FROM rm_customer_refunds r WHERE r.customer_id = c.customer_id AND r.occurred_on <= $2::date AND r.occurred_on > ${from}::date)`;
  const join = `CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(p.amount_minor) FILTER (WHERE p.occurred_on > ${from}::date), 0) - ${refunds} AS b
                  FROM rm_customer_purchases p WHERE p.customer_id = c.customer_id AND p.occurred_on <= $2::date) t`;
  const reaches = (i: number) =>
    `(t.b >= ${params.add(parseAmount(ruleSet.tiers[i].threshold, currency))}::bigint AND t.n >= ${params.add(ruleSet.tiers[i].minPurchases ?? 0)}::bigint)`;
  const exact = memoryless(schedule);
  if (rank < 0) return { join, where: 'false', exact };
  const conditions = ['t.n > 0', ...ruleSet.tiers.slice(rank + 1).map((_, i) => `NOT ${reaches(rank + 1 + i)}`)];
  if (exact && rank > 0) conditions.push(reaches(rank));
  return { join, where: `(${conditions.join(' AND ')})`, exact };
}

/**
 * Every customer registered by `asOf` with their facts dated on or before it,
 * in keyset batches: the source of what-if simulations and exports.
 */
export async function scanCustomerFacts(sql: SqlClient, asOf: string, onBatch: (batch: CustomerTierFacts[]) => Promise<void> | void, batchSize = 2_000): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql.query<{ customer_id: string; customer_ref: string | null }>(
      `SELECT customer_id, customer_ref FROM rm_customers WHERE customer_id > $1 AND joined_on <= $2::date ORDER BY customer_id LIMIT ${batchSize}`,
      [after, asOf],
    );
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.customer_id);
    const last = ids[ids.length - 1];
    const facts = new Map<string, CustomerTierFacts>(rows.map((r) => [r.customer_id, { customerId: r.customer_id, customerRef: r.customer_ref, purchases: [], refunds: [] }]));
    const dated = await sql.query<{ customer_id: string; kind: string; occurred_on: string; amount_minor: string | number }>(
      `SELECT customer_id, 'p' AS kind, occurred_on::text AS occurred_on, amount_minor FROM rm_customer_purchases WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date
       UNION ALL
       SELECT customer_id, 'r', occurred_on::text, amount_minor FROM rm_customer_refunds WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date`,
      [after, last, asOf],
    );
    for (const d of dated) {
      const c = facts.get(d.customer_id);
      if (!c) continue;
      (d.kind === 'p' ? (c.purchases as DatedAmount[]) : (c.refunds as DatedAmount[])).push({ date: day(d.occurred_on), amountMinor: Number(d.amount_minor) });
    }
    await onBatch([...facts.values()]);
    if (rows.length < batchSize) return;
    after = last;
  }
}
