// The filtered customer list as of a date, keyset-paginated on the customer
// id ({ items, nextCursor }), so page 1,000 costs what page 1 costs, or on a
// sort key (ref, net spend or last purchase as of the date) and the id. The tier
// (and its filter) is the tier read model's; the lifecycle is computed per
// customer from the dated facts with the pure rule, and its filter is SQL
// generated from the same rule.
import type { SqlClient } from '@crm/database';
import { Lifecycle, lifecycleAsOf, lifecycleBounds, lifecycleSql } from '@crm/lifecycle';
import { formatAmount, isCalendarDate, isKey, refused, UUID_PATTERN } from '@crm/shared';
import { DatedAmount, tierMembersSql, tierStandingsOn, TierStandingRow } from '@crm/tiers';
import { totalsHoldOn } from '@crm/figures';
import { netSpendAsOf } from '../customer-view';
import type { CustomerRow } from './customer-list.projector';
import { holdsSegmentTag, segmentTagsOf, withSegmentTags } from './segment-tags';

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
  /** the order of the list: by id (default), or a column, `-` first for descending */
  sort?: ListSort;
}

export const LIST_SORTS = ['ref', '-ref', 'netSpend', '-netSpend', 'lastPurchase', '-lastPurchase'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

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

/** A sorted list's cursor: the sort, the last row's key and id (a cursor of one sort is refused by another). */
const sortedCursor = (sort: ListSort, key: string, id: string) => Buffer.from(JSON.stringify([sort, key, id]), 'utf8').toString('base64url');

function decodeSortedCursor(cursor: string, sort: ListSort): { key: string; id: string } {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 3 || parts[0] !== sort || typeof parts[1] !== 'string' || !SORT_KEYS[sort].valid(parts[1]) || !UUID_PATTERN.test(String(parts[2])))
    throw refused('InvalidCursor', `cursor is not one this API gave out for sort ${sort}`);
  return { key: parts[1], id: parts[2] as string };
}

interface SortKey {
  sql: (totals: boolean) => string;
  type: string;
  /** whether a cursor's key is one a page of this sort gave out (and safe to bind) */
  valid: (key: string) => boolean;
}

/**
 * Each sort's key in SQL (as of $2; `totals`: nothing is dated after it, so
 * the running totals are the figures as of it), its type and the form of a
 * key in a cursor. A customer who never bought sorts as spending 0 and as
 * last buying on 0001-01-01 (last in a newest-first list).
 */
const SORT_KEYS: Record<ListSort, SortKey> = Object.fromEntries(
  LIST_SORTS.map((sort) => {
    const column = sort.replace(/^-/, '');
    const key =
      column === 'ref'
        ? { sql: () => `coalesce(c.customer_ref, '') COLLATE "C"`, type: 'text', valid: (key: string) => key === '' || isKey(key) }
        : column === 'netSpend'
          ? {
              sql: (totals: boolean) =>
                totals
                  ? 'c.net_spend_minor'
                  : `(coalesce((SELECT sum(amount_minor) FROM rm_customer_purchases p WHERE p.customer_id = c.customer_id AND p.occurred_on <= $2::date), 0)
                    - coalesce((SELECT sum(amount_minor) FROM rm_customer_refunds r WHERE r.customer_id = c.customer_id AND r.occurred_on <= $2::date), 0))::bigint`,
              type: 'bigint',
              valid: (key: string) => /^-?\d{1,18}$/.test(key),
            }
          : {
              sql: (totals: boolean) =>
                `coalesce(${totals ? 'c.last_purchase_on' : '(SELECT max(occurred_on) FROM rm_customer_purchases p WHERE p.customer_id = c.customer_id AND p.occurred_on <= $2::date)'}, '0001-01-01'::date)`,
              type: 'date',
              valid: (key: string) => key === '0001-01-01' || isCalendarDate(key),
            };
    return [sort, key];
  }),
) as Record<ListSort, SortKey>;

/** The filter as SQL over rm_customers c: the source (the tier's members when filtered by tier), joins and conditions. */
function filterSql(filter: CustomerListFilter, params: Params): { source: string; key: string; join: string; where: string } {
  const lifecycle = filter.lifecycle === undefined ? undefined : lifecycleFilter(filter.lifecycle, filter.asOf, filter.windowMonths, params);
  // A tier filter drives the scan from the tier's members (an index in id order); else every customer in id order.
  const tier = filter.tier === undefined ? undefined : tierMembersSql('$2', params.add(filter.tier), '$1');
  const where = `c.joined_on <= $2::date
          AND ($3::text IS NULL OR c.tags @> ARRAY[$3::text] OR ${holdsSegmentTag('c.customer_id', '$3::text', '$2')})
          AND ($4::text IS NULL OR c.province = $4::text OR c.city = $4::text)
          AND ($5::text IS NULL OR c.name ILIKE $5::text)
          ${lifecycle ? `AND ${lifecycle.where}` : ''}`;
  return {
    source: tier ? `${tier} JOIN rm_customers c ON c.customer_id = t.customer_id` : 'rm_customers c',
    key: tier ? 't.customer_id' : 'c.customer_id',
    join: lifecycle?.join ?? '',
    where,
  };
}

const firstParams = (filter: CustomerListFilter) =>
  new Params(['00000000-0000-0000-0000-000000000000', filter.asOf, filter.tag ?? null, filter.region ?? null, filter.name ? `%${likeEscaped(filter.name)}%` : null]);

/** How many customers the filter holds as of its date (every page together). */
export async function countCustomers(sql: SqlClient, filter: Omit<CustomerListFilter, 'cursor' | 'limit' | 'sort'>): Promise<number> {
  const whole = { ...filter, limit: 0 };
  const params = firstParams(whole);
  const { source, key, join, where } = filterSql(whole, params);
  const [row] = await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${source} ${join} WHERE ${key} > $1 AND ${where}`, params.values);
  return Number(row.n);
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
  const params = firstParams(filter);
  const { source, key, join, where } = filterSql(filter, params);
  const sort = filter.sort;
  const scanPage = filter.limit + 1;
  const lastKeys = new Map<string, string>();
  // Keyset on the id, or on (sort key, id) in the sort's direction; the key computed once a row (OFFSET 0 keeps it so).
  let after = sort
    ? filter.cursor
      ? decodeSortedCursor(filter.cursor, sort)
      : undefined
    : { key: '', id: filter.cursor ? decodeCursor(filter.cursor) : (params.values[0] as string) };
  const sorted = sort && { ...SORT_KEYS[sort], at: params.values.length, down: sort.startsWith('-') };
  const keyed = sorted ? `CROSS JOIN LATERAL (SELECT ${sorted.sql(sort === 'ref' || sort === '-ref' || (await totalsHoldOn(sql, filter.asOf)))} AS k OFFSET 0) s` : '';
  for (;;) {
    let keyset = `${key} > $1`;
    if (!sorted) params.values[0] = after?.id;
    else if (after) {
      // ($1 stays the least id: every customer is after it.)
      params.values.splice(sorted.at, 2, after.key, after.id);
      keyset += ` AND (s.k, c.customer_id) ${sorted.down ? '<' : '>'} ($${sorted.at + 1}::${sorted.type}, $${sorted.at + 2}::uuid)`;
    }
    const order = sorted ? `s.k ${sorted.down ? 'DESC' : 'ASC'}, c.customer_id ${sorted.down ? 'DESC' : 'ASC'}` : key;
    const rows = await sql.query<Row & { sort_key?: string }>(
      `SELECT c.customer_id, c.customer_ref, c.name, c.province, c.city, c.tags, c.consent${sorted ? ', s.k::text AS sort_key' : ''} FROM ${source} ${join} ${keyed}
        WHERE ${keyset} AND ${where}
        ORDER BY ${order} LIMIT ${scanPage}`,
      params.values,
    );
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.customer_id);
    const derivedTags = await segmentTagsOf(sql, ids, filter.asOf);
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
      after = { key: row.sort_key ?? '', id: row.customer_id };
      lastKeys.set(row.customer_id, after.key);
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
        tags: withSegmentTags(row.tags, derivedTags.get(row.customer_id)),
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
  const last = page[page.length - 1];
  const nextCursor = !more ? null : sort ? sortedCursor(sort, lastKeys.get(last.id) ?? '', last.id) : encodeCursor(last.id);
  return { items: page, nextCursor, facts: listed };
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
