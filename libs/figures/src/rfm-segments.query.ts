// RFM segments of the whole base as of D without scoring each customer in
// Node: SQL answers the values at the quintile edges and a grouped count
// (last purchase day x purchases x net-spend bucket), and the thresholds
// (@crm/lifecycle rfm-thresholds) score every group at once. Today's facts
// are the customer list's running totals (one row a customer); for a date
// with purchases or refunds after it, each customer's facts as of D are
// aggregated from the dated rows first (a temporary table for the queries).
import type { SqlClient, SqlExecutor } from '@crm/database';
import { bucketScore, edgeBounds, edgesFromBuckets, histogramThresholds, quintileThresholds, RfmFacts, RfmScore, scoreBy, segmentOf } from '@crm/lifecycle';
import { daysBetween } from '@crm/shared';

const TOTALS = `(SELECT customer_id, last_purchase_on AS last_on, purchase_count AS f, net_spend_minor AS m FROM rm_customers WHERE purchase_count > 0)`;
const AS_OF = `CREATE TEMPORARY TABLE rfm_facts ON COMMIT DROP AS
  WITH p AS (SELECT customer_id, max(occurred_on) AS last_on, count(*)::int AS f, sum(amount_minor) AS s FROM rm_customer_purchases WHERE occurred_on <= $1::date GROUP BY customer_id),
       r AS (SELECT customer_id, sum(amount_minor) AS s FROM rm_customer_refunds WHERE occurred_on <= $1::date GROUP BY customer_id)
  SELECT p.customer_id, p.last_on, p.f, (p.s - coalesce(r.s, 0))::bigint AS m FROM p LEFT JOIN r USING (customer_id)`;

export interface SegmentTally {
  customers: number;
  netSpendMinor: number;
}

/** A member as the pure scoring gives it. */
export type RfmMember = RfmScore;

export interface RfmSegments {
  customers: number;
  segments: Map<string, SegmentTally>;
  /** With a segment asked for: its first members by net spend (then id). */
  members?: RfmMember[];
}

interface Group {
  last_on: string;
  f: number;
  b: number;
  c: number;
  lo: number;
  s: number;
}

/** Sorts and groups of a million customers stay in memory (4MB, the default, spills them to disk). */
const WORK_MEM = '64MB';
/** Past every edge position by less than one value for n < 800 million (checked), so the edges need no count first. */
const EPSILON = 1e-9;

/**
 * The count and the net spend at each quintile edge, in one sort:
 * percentile_disc(f) is the value at position ceil(f n), and f = (k - 1) / 5 + EPSILON
 * puts it at floor((k - 1) n / 5) + 1, the edge.
 */
async function countAndEdges(tx: SqlExecutor, source: string): Promise<{ n: number; mEdges: number[] }> {
  const fractions = [1, 2, 3, 4].map((k) => k / 5 + EPSILON);
  const [row] = await tx.query<{ n: number; edges: Array<string | number> | null }>(
    `SELECT count(*)::int AS n, percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY m) AS edges FROM ${source} x`,
    [fractions],
  );
  if (row.n >= 800_000_000) throw new Error('RFM segments: more than 800 million customers');
  return { n: row.n, mEdges: (row.edges ?? []).map(Number) };
}

const dayNumber = (day: string) => Date.parse(`${String(day).slice(0, 10)}T00:00:00Z`) / 86_400_000;
const dayText = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** Reads of the figures' statements: one snapshot, room for their sorts, no JIT (compiling took 0.4 s at a million customers and saved less). */
function figuresSnapshot<T>(sql: SqlClient, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET LOCAL work_mem = '${WORK_MEM}'; SET LOCAL jit = off`);
    return fn(tx);
  });
}

/** The base's values grouped (last purchase day x purchases x net-spend bucket), and the thresholds they give. */
async function scoredGroups(tx: SqlExecutor, source: string): Promise<{ n: number; mEdges: number[]; groups: Group[]; thresholds: Thresholds } | undefined> {
  const { n, mEdges } = await countAndEdges(tx, source);
  if (n === 0) return undefined;
  const bounds = edgeBounds(mEdges);
  const groups = (
    await tx.query<Group>(
      `SELECT last_on::text AS last_on, f, width_bucket(m, $1::bigint[]) AS b, count(*)::int AS c, min(m) AS lo, sum(m) AS s FROM ${source} x GROUP BY 1, 2, 3`,
      [bounds],
    )
  ).map((g) => ({ ...g, f: Number(g.f), b: Number(g.b), lo: Number(g.lo), s: Number(g.s) }));
  const thresholds = {
    r: histogramThresholds(histogram(groups, (g) => dayNumber(g.last_on))),
    f: histogramThresholds(histogram(groups, (g) => g.f)),
    m: quintileThresholds(n, edgesFromBuckets(mEdges, buckets(groups))),
  };
  return { n, mEdges, groups, thresholds };
}

/** Customers and net spend per RFM segment as of D; with `segment`, its first `limit` members. */
export function rfmSegments(sql: SqlClient, asOf: string, segment?: string, limit = 100): Promise<RfmSegments> {
  return figuresSnapshot(sql, async (tx) => {
    const source = await factsAsOf(tx, asOf);
    const scored = await scoredGroups(tx, source);
    if (!scored) return { customers: 0, segments: new Map(), members: segment === undefined ? undefined : [] };
    const { n, mEdges, groups, thresholds } = scored;
    const segments = new Map<string, SegmentTally>();
    for (const g of groups) {
      const name = segmentOf(scoreBy(thresholds.r, dayNumber(g.last_on)), scoreBy(thresholds.f, g.f), bucketScore(mEdges, thresholds.m, g.b));
      const t = segments.get(name) ?? { customers: 0, netSpendMinor: 0 };
      t.customers += g.c;
      t.netSpendMinor += g.s;
      segments.set(name, t);
    }
    const members = segment === undefined ? undefined : await membersOf(tx, source, asOf, segment, limit, thresholds);
    return { customers: n, segments, members };
  });
}

/** What the customer list read model has applied: its rows (and so the base's facts) are a function of it. */
export async function customerListPosition(tx: SqlExecutor): Promise<number> {
  const [row] = await tx.query<{ position: string }>(`SELECT position::text AS position FROM crm_projection_checkpoints WHERE name = 'customer-list'`);
  return Number(row?.position ?? 0);
}

/** The base's RFM thresholds as of D (R in day numbers of the last purchase), the purchasers counted, and the read-model position they hold at. */
export interface RfmCut {
  position: number;
  n: number;
  thresholds: Thresholds;
}

export function rfmCut(sql: SqlClient, asOf: string): Promise<RfmCut> {
  return figuresSnapshot(sql, async (tx) => {
    const position = await customerListPosition(tx);
    const scored = await scoredGroups(tx, await factsAsOf(tx, asOf));
    return { position, n: scored?.n ?? 0, thresholds: scored?.thresholds ?? { r: [], f: [], m: [] } };
  });
}

/** One customer's RFM by the base's thresholds: the score their rank among all purchasers gives (rfm-thresholds.ts). */
export function rfmScoreBy(cut: Pick<RfmCut, 'thresholds'>, c: RfmFacts, asOf: string): RfmScore {
  const r = scoreBy(cut.thresholds.r, dayNumber(c.lastPurchaseDate));
  const f = scoreBy(cut.thresholds.f, c.purchaseCount);
  const m = scoreBy(cut.thresholds.m, c.netSpendMinor);
  return {
    customerId: c.customerId,
    recencyDays: daysBetween(c.lastPurchaseDate, asOf),
    frequency: c.purchaseCount,
    monetaryMinor: c.netSpendMinor,
    r,
    f,
    m,
    segment: segmentOf(r, f, m),
  };
}

/** Whether the customer list's running totals are every customer's figures as of D: nothing is dated after it. */
export async function totalsHoldOn(sql: SqlExecutor, asOf: string): Promise<boolean> {
  const [later] = await sql.query<{ later: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM rm_customer_purchases WHERE occurred_on > $1::date) OR EXISTS (SELECT 1 FROM rm_customer_refunds WHERE occurred_on > $1::date) AS later`,
    [asOf],
  );
  return !later.later;
}

/** The facts' source for D: the running totals when nothing is dated after D, else the facts aggregated as of D. */
async function factsAsOf(tx: SqlExecutor, asOf: string): Promise<string> {
  if (await totalsHoldOn(tx, asOf)) return TOTALS;
  await tx.query(AS_OF, [asOf]);
  return 'rfm_facts';
}

function histogram(groups: readonly Group[], valueOf: (g: Group) => number): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const g of groups) counts.set(valueOf(g), (counts.get(valueOf(g)) ?? 0) + g.c);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

function buckets(groups: readonly Group[]) {
  const byBucket = new Map<number, { bucket: number; count: number; min: number }>();
  for (const g of groups) {
    const b = byBucket.get(g.b) ?? { bucket: g.b, count: 0, min: g.lo };
    b.count += g.c;
    b.min = Math.min(b.min, g.lo);
    byBucket.set(g.b, b);
  }
  return [...byBucket.values()];
}

type Thresholds = Record<'r' | 'f' | 'm', Array<number | null>>;

/** The segment's members by net spend: the (r, f, m) scores that make it, matched in SQL by the thresholds. */
async function membersOf(tx: SqlExecutor, source: string, asOf: string, segment: string, limit: number, t: Thresholds): Promise<RfmMember[]> {
  const codes: number[] = [];
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) if (segmentOf(r, f, m) === segment) codes.push(r * 100 + f * 10 + m);
  const known = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
  const rows = await tx.query<{ customer_id: string; last_on: string; f: number; m: string | number; code: number }>(
    `SELECT customer_id, last_on, f, m, code FROM (
       SELECT customer_id, last_on::text AS last_on, f, m,
              (1 + width_bucket(last_on, $1::date[])) * 100 + (1 + width_bucket(f, $2::int[])) * 10 + 1 + width_bucket(m, $3::bigint[]) AS code
         FROM ${source} x) s
      WHERE code = ANY ($4::int[]) ORDER BY m DESC, customer_id LIMIT $5`,
    [known(t.r).map(dayText), known(t.f), known(t.m), codes, limit],
  );
  return rows.map((row) => {
    const code = Number(row.code);
    const [r, f, m] = [Math.floor(code / 100), Math.floor(code / 10) % 10, code % 10];
    return { customerId: row.customer_id, recencyDays: daysBetween(row.last_on, asOf), frequency: Number(row.f), monetaryMinor: Number(row.m), r, f, m, segment };
  });
}
