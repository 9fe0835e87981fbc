// The filtered customer list as of a date, keyset-paginated on the customer
// id ({ items, nextCursor }), so page 1,000 costs what page 1 costs. The tier
// (and its filter) is the tier read model's; the lifecycle is computed per
// customer from the dated facts with the pure rule, and its filter is SQL
// generated from the same rule.
import type { SqlClient } from '@crm/database';
import { Lifecycle, lifecycleAsOf, lifecycleBounds, lifecycleSql } from '@crm/lifecycle';
import { formatAmount, refused, UUID_PATTERN } from '@crm/shared';
import { DatedAmount, tierMembersSql, tierStandingsOn, TierStandingRow } from '@crm/tiers';
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
}

/** The list's filter as the edges give it: every part optional (today, 50, 3 months by default). */
export type ListInput = Partial<CustomerListFilter>;

export interface CustomerListItem {
  id: string;
  customerRef: string | null;
  name: string | null;
  region: { province: string | null; city: string | null };
  tags: string[];
  /** Consent per channel as last given or withdrawn (absent: never asked). */
  consent: Record<string, boolean>;
  tier: string | null;
  lifecycle: Lifecycle;
  netSpend: string;
  purchaseCount: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
}

type Row = Pick<CustomerRow, 'customer_id' | 'customer_ref' | 'name' | 'province' | 'city' | 'tags' | 'consent'>;

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
  tier: TierStandingRow;
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
  // A tier filter drives the scan from the tier's members (an index in id order); else every customer in id order.
  const tier = filter.tier === undefined ? undefined : tierMembersSql('$2', params.add(filter.tier), '$1');
  const source = tier ? `${tier} JOIN rm_customers c ON c.customer_id = t.customer_id` : 'rm_customers c';
  const key = tier ? 't.customer_id' : 'c.customer_id';
  const scanPage = filter.limit + 1;
  for (;;) {
    params.values[0] = after;
    const rows = await sql.query<Row>(
      `SELECT c.customer_id, c.customer_ref, c.name, c.province, c.city, c.tags, c.consent FROM ${source} ${lifecycle?.join ?? ''}
        WHERE ${key} > $1 AND c.joined_on <= $2::date
          AND ($3::text IS NULL OR c.tags @> ARRAY[$3::text])
          AND ($4::text IS NULL OR c.province = $4::text OR c.city = $4::text)
          AND ($5::text IS NULL OR c.name ILIKE $5::text)
          ${lifecycle ? `AND ${lifecycle.where}` : ''}
        ORDER BY ${key} LIMIT ${scanPage}`,
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
    const tiers = await tierStandingsOn(sql, ids, filter.asOf);

    for (const row of rows) {
      after = row.customer_id;
      const { firstAt, lastAt, ...facts } = byCustomer.get(row.customer_id) ?? { purchases: [], refunds: [] };
      const tier = tiers.get(row.customer_id);
      const lifecycle = lifecycleAsOf(
        facts.purchases.map((p) => p.date),
        filter.asOf,
        filter.windowMonths,
      );
      // Read models stand at their own positions: a customer the tier read model does not know yet is left out of a tier filter.
      if (filter.tier !== undefined && tier?.tier !== filter.tier) continue;
      if (filter.lifecycle !== undefined && lifecycle !== filter.lifecycle) continue;
      if (tier) listed.set(row.customer_id, { facts, tier, lifecycle, windowMonths: filter.windowMonths });
      items.push({
        id: row.customer_id,
        customerRef: row.customer_ref,
        name: row.name,
        region: { province: row.province, city: row.city },
        tags: row.tags,
        consent: row.consent ?? {},
        tier: tier?.tier ?? null,
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
 * The lifecycle filter in SQL, generated from the one rule (lifecycleSql):
 * a customer's first and last purchase on or before D and their purchases in
 * the window, from the purchases' primary key (customer first).
 */
function lifecycleFilter(status: Lifecycle, asOf: string, windowMonths: number, params: Params): { join: string; where: string } {
  const bounds = lifecycleBounds(asOf, windowMonths);
  const join = `CROSS JOIN LATERAL (SELECT min(p.occurred_on) AS f, max(p.occurred_on) AS l, count(*) FILTER (WHERE p.occurred_on > ${params.add(bounds.window)}::date) AS w
                  FROM rm_customer_purchases p WHERE p.customer_id = c.customer_id AND p.occurred_on <= $2::date) a`;
  return { join, where: lifecycleSql(status, { first: 'a.f', last: 'a.l', inWindow: 'a.w' }, (b) => params.add(bounds[b])) };
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
