// A definition tried before it is published: how many customers meet it on a
// date, a page of them, and against a published version who would enter and
// who would leave. Writes nothing. On a date nothing is dated after (today)
// the database counts it in one statement (segment-sql.ts); otherwise, and
// for RFM, one pass over the base's standings evaluates it here.
import type { SqlClient } from '@crm/database';
import { lifecycleAsOf } from '@crm/lifecycle';
import { formatAmount } from '@crm/shared';
import { fieldsOf, SegmentDefinition } from './segment-definition';
import { tierStandingsOn } from '@crm/tiers';
import { matches, Standing } from './segment-match';
import { nothingDatedAfter, scanStandings } from './standings/standings.query';
import { compilable, definitionSql, SqlParams } from './segment-sql';

export interface PreviewMember {
  customerId: string;
  tier: string | null;
  lifecycle: string;
  netSpend: string;
}

interface Listed {
  count: number;
  customers: PreviewMember[];
}

export interface SegmentPreview {
  asOf: string;
  count: number;
  members: PreviewMember[];
  compared?: { segmentId: string; version: number; count: number; entering: Listed; leaving: Listed };
}

interface PreviewOptions {
  asOf: string;
  limit: number;
  currency: string;
  compareTo?: { segmentId: string; version: number; definition: SegmentDefinition };
  /** How: in the database where it can (default), or by the scan (the reference the tests hold the first to). */
  evaluate?: 'auto' | 'scan';
}

export async function previewSegment(sql: SqlClient, draft: SegmentDefinition, options: PreviewOptions): Promise<SegmentPreview> {
  const definitions = options.compareTo ? [draft, options.compareTo.definition] : [draft];
  if (options.evaluate !== 'scan' && compilable(...definitions) && (await nothingDatedAfter(sql, options.asOf))) return previewInSql(sql, draft, options);
  return previewByScan(sql, draft, options);
}

/** Counted by the database: one pass over the customer list for the counts, a page of ids for each list, then the listed customers' details. */
async function previewInSql(sql: SqlClient, draft: SegmentDefinition, options: PreviewOptions): Promise<SegmentPreview> {
  const { asOf, limit, currency, compareTo } = options;
  const params = new SqlParams();
  const on = params.add(asOf, 'date');
  const now = definitionSql(draft, { asOf, on }, params);
  const before = compareTo ? definitionSql(compareTo.definition, { asOf, on }, params) : 'false';
  const page = params.add(limit, 'integer');
  const rows = await sql.query<{ list: string; customer_id: string | null; n: string | number }>(
    `WITH x AS MATERIALIZED (SELECT c.customer_id, ${now} AS now, ${before} AS before FROM rm_customers c ${params.joins()} WHERE c.joined_on <= ${on})
     SELECT 'count' AS list, NULL::uuid AS customer_id, count(*) FILTER (WHERE now) AS n FROM x
     UNION ALL SELECT 'compared', NULL, count(*) FILTER (WHERE before) FROM x
     UNION ALL SELECT 'entering', NULL, count(*) FILTER (WHERE now AND NOT before) FROM x
     UNION ALL SELECT 'leaving', NULL, count(*) FILTER (WHERE before AND NOT now) FROM x
     UNION ALL (SELECT 'found', customer_id, 0 FROM x WHERE now ORDER BY customer_id LIMIT ${page})
     UNION ALL (SELECT 'entering', customer_id, 0 FROM x WHERE now AND NOT before ORDER BY customer_id LIMIT ${page})
     UNION ALL (SELECT 'leaving', customer_id, 0 FROM x WHERE before AND NOT now ORDER BY customer_id LIMIT ${page})`,
    params.values,
  );
  const count = (list: string) => Number(rows.find((r) => r.customer_id === null && r.list === list)?.n ?? 0);
  const idsOf = (list: string) => rows.filter((r) => r.customer_id !== null && r.list === list).map((r) => r.customer_id as string);
  const details = await listedDetails(sql, [...new Set([...idsOf('found'), ...idsOf('entering'), ...idsOf('leaving')])], asOf, draft.windowMonths, currency);
  const listed = (list: string): Listed => ({ count: count(list), customers: idsOf(list).map((id) => details.get(id) as PreviewMember) });
  const found = listed('found');
  return {
    asOf,
    count: count('count'),
    members: found.customers,
    ...(compareTo
      ? { compared: { segmentId: compareTo.segmentId, version: compareTo.version, count: count('compared'), entering: listed('entering'), leaving: listed('leaving') } }
      : {}),
  };
}

/** Tier, lifecycle and net spend of the customers listed. */
async function listedDetails(sql: SqlClient, ids: readonly string[], asOf: string, windowMonths: number, currency: string): Promise<Map<string, PreviewMember>> {
  if (ids.length === 0) return new Map();
  const [customers, purchases, tiers] = await Promise.all([
    sql.query<{ customer_id: string; net_spend_minor: string | number }>('SELECT customer_id, net_spend_minor FROM rm_customers WHERE customer_id = ANY ($1::uuid[])', [ids]),
    sql.query<{ customer_id: string; occurred_on: string }>(
      'SELECT customer_id, occurred_on::text AS occurred_on FROM rm_customer_purchases WHERE customer_id = ANY ($1::uuid[]) AND occurred_on <= $2::date',
      [ids, asOf],
    ),
    tierStandingsOn(sql, ids, asOf),
  ]);
  const dates = new Map<string, string[]>();
  for (const p of purchases) dates.set(p.customer_id, [...(dates.get(p.customer_id) ?? []), String(p.occurred_on).slice(0, 10)]);
  return new Map(
    customers.map((c) => [
      c.customer_id,
      {
        customerId: c.customer_id,
        tier: tiers.get(c.customer_id)?.tier ?? null,
        lifecycle: lifecycleAsOf(dates.get(c.customer_id) ?? [], asOf, windowMonths),
        netSpend: formatAmount(Number(c.net_spend_minor), currency),
      },
    ]),
  );
}

async function previewByScan(sql: SqlClient, draft: SegmentDefinition, options: PreviewOptions): Promise<SegmentPreview> {
  const { asOf, limit, currency, compareTo } = options;
  const listed = (): Listed => ({ count: 0, customers: [] });
  const found = listed();
  const entering = listed();
  const leaving = listed();
  let comparedCount = 0;
  const note = (into: Listed, s: Standing) => {
    into.count += 1;
    if (into.customers.length < limit)
      into.customers.push({
        customerId: s.customerId,
        tier: s.tier,
        lifecycle: lifecycleAsOf(s.purchaseDates, asOf, draft.windowMonths),
        netSpend: formatAmount(s.netSpendMinor, currency),
      });
  };
  const needs = fieldsOf(draft, compareTo ? fieldsOf(compareTo.definition) : undefined);
  await scanStandings(
    sql,
    asOf,
    (batch) => {
      for (const s of batch) {
        const now = matches(draft, s, asOf);
        if (now) note(found, s);
        if (!compareTo) continue;
        const before = matches(compareTo.definition, s, asOf);
        if (before) comparedCount += 1;
        if (now && !before) note(entering, s);
        if (before && !now) note(leaving, s);
      }
    },
    needs,
    { windowMonths: [draft.windowMonths, ...(compareTo ? [compareTo.definition.windowMonths] : [])] },
  );
  if (!needs.has('tier')) await fillTiers(sql, [found, entering, leaving], asOf);
  return {
    asOf,
    count: found.count,
    members: found.customers,
    ...(compareTo ? { compared: { segmentId: compareTo.segmentId, version: compareTo.version, count: comparedCount, entering, leaving } } : {}),
  };
}

/** The tiers of the customers listed, when the scan did not read them (no tier condition). */
async function fillTiers(sql: SqlClient, lists: readonly Listed[], asOf: string): Promise<void> {
  const listed = lists.flatMap((l) => l.customers);
  const tiers = await tierStandingsOn(sql, [...new Set(listed.map((m) => m.customerId))], asOf);
  for (const m of listed) m.tier = tiers.get(m.customerId)?.tier ?? null;
}
