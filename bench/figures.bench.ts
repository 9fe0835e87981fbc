// npm run bench:figures: whole-base figures at a million customers. The read
// models are filled straight by SQL (1,000,000 customers, 10,000,000
// purchases over three years up to today, one in twenty refunded, one tier
// period a customer, one in 32 VIP), not projected from events: what is measured is the
// figures' queries at that size. Each figure runs 3 times (median and all);
// the baselines in the same run are the RFM of the build before thresholds
// (every customer's facts aggregated and scored in Node) and the raw scans
// the answers cannot beat (the totals table once, the period's purchases
// once). The list part times the customer list's first page filtered by a
// rare tier (VIP, about 3% of the base) beside the scan the build before used
// (every customer in id order, the tier checked per customer).
// The preview part counts a segment definition over the base as of today
// (in the database) beside the evaluation customer by customer it replaced.
// Options: --customers=N --purchases=N --db=NAME (reuse a filled database of
// that name) --keep --only=rfm|stickiness|list|single|preview. Prints one JSON document.
import { PostgresClient, migrate } from '@crm/database';
import { allMigrations } from '@crm/wiring';
import { RfmBase, rfmAsOf, rfmSegments, stickiness } from '@crm/figures';
import { countCustomers, listCustomers } from '@crm/customer-views';
import { tierMembersSql } from '@crm/tiers';
import { addDays, minusMonths, shopDate } from '@crm/shared';
import { parseDefinition } from '@crm/segments';
import { previewSegment } from '@crm/segments/segment-preview';
import { ACTIVE_OR_BIG_SPENDERS, dropPgDatabase, freshPgDatabase, machine, printResult, withDatabase, PG_URL } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const PURCHASES = Number(args.get('purchases') ?? 10 * CUSTOMERS);
const REUSE = args.get('db');
const DB = REUSE ?? 'crm_bench_figures';
const ONLY = args.get('only'); // rfm | stickiness | list | single | preview
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const part = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => (ONLY === undefined || ONLY === name ? fn() : undefined);

function fill(today: string): string {
  const days = 3 * 365;
  const start = addDays(today, -days);
  return `
SET synchronous_commit = off;
INSERT INTO rm_customers (customer_id, customer_ref, name, province, registered_at, registered_on, joined_on)
SELECT md5('c' || i)::uuid, 'S-' || i, '顾客' || i, (ARRAY['浙江','江苏','广东','上海'])[1 + i % 4],
       '${start}'::timestamptz + (i % ${days}) * interval '1 day', '${start}'::date + i % ${days}, '${start}'::date + i % ${days}
  FROM generate_series(1, ${CUSTOMERS}) i;
INSERT INTO rm_customer_purchases (customer_id, order_id, occurred_at, occurred_on, amount_minor, items, recorded_on)
SELECT md5('c' || c)::uuid, 'SO-' || i, d::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '3 hours', d, 1000 + (hashint4(i) & 65535) * 3,
       jsonb_build_array(jsonb_build_object('sku', 'A', 'category', (ARRAY['dresses','shoes & bags','美妆'])[1 + i % 3], 'quantity', 1, 'unitPriceScaled', ((1000 + (hashint4(i) & 65535) * 3) * 10000)::text)), d
  FROM (SELECT i, 1 + (hashint4(i * 7) & 2147483647) % ${CUSTOMERS} AS c, '${start}'::date + ((i::bigint * ${days}) / ${PURCHASES})::int AS d FROM generate_series(1, ${PURCHASES}) i) s;
INSERT INTO rm_purchase_categories (customer_id, order_id, occurred_on, category, scaled)
SELECT customer_id, order_id, occurred_on, items->0->>'category', (items->0->>'unitPriceScaled')::numeric FROM rm_customer_purchases;
INSERT INTO rm_customer_refunds (customer_id, refund_id, order_id, occurred_at, occurred_on, amount_minor)
SELECT customer_id, 'R-' || order_id, order_id, occurred_at + interval '1 day', least(occurred_on + 1, '${today}'::date), 500 FROM rm_customer_purchases WHERE hashtext(order_id) % 20 = 0;
UPDATE rm_customers c SET purchase_count = p.n, net_spend_minor = p.s - coalesce(r.s, 0), first_purchase_at = p.f, last_purchase_at = p.l, first_purchase_on = p.fo, last_purchase_on = p.lo, previous_purchase_on = p.po
  FROM (SELECT customer_id, count(*) n, sum(amount_minor) s, min(occurred_at) f, max(occurred_at) l, min(occurred_on) fo, max(occurred_on) lo,
               (array_agg(occurred_on ORDER BY occurred_on DESC))[2] po FROM rm_customer_purchases GROUP BY 1) p
  LEFT JOIN (SELECT customer_id, sum(amount_minor) s FROM rm_customer_refunds GROUP BY 1) r USING (customer_id)
 WHERE p.customer_id = c.customer_id;
INSERT INTO rm_tier_periods (customer_id, valid_from, valid_to, tier, rule_set_id, basis_rule, basis_minor, purchase_count, reason)
SELECT customer_id, joined_on, '9999-12-31', CASE WHEN hashtext(customer_id::text) % 32 = 0 THEN 'VIP' WHEN net_spend_minor >= 1000000 THEN 'GOLD' WHEN net_spend_minor >= 200000 THEN 'SILVER' ELSE 'NORMAL' END,
       'default', '{}'::jsonb, net_spend_minor, purchase_count, 'bench' FROM rm_customers;`;
}

async function times(runs: number, fn: () => Promise<unknown>): Promise<{ medianMs: number; runsMs: number[] }> {
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    runsMs.push(Math.round(Number(process.hrtime.bigint() - t) / 1e5) / 10);
  }
  return { medianMs: [...runsMs].sort((a, b) => a - b)[Math.floor(runs / 2)], runsMs };
}

async function main() {
  const today = shopDate(new Date(), 'Asia/Shanghai');
  const url = REUSE ? withDatabase(PG_URL, DB) : await freshPgDatabase(DB);
  const sql = new PostgresClient(url, { max: 4 });
  try {
    const applied = await migrate(sql, allMigrations);
    const [{ n }] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_customers');
    if (n === 0) {
      log(`filling ${CUSTOMERS} customers, ${PURCHASES} purchases (several minutes)`);
      await sql.exec(fill(today));
      // Apart: VACUUM cannot run inside the implicit transaction of a multi-statement script.
      await sql.exec('VACUUM ANALYZE');
    } else if (applied.length > 0) {
      // A migration that rewrote rows leaves the dead ones to autovacuum (off on the bench machine): measure the steady state.
      log('vacuuming after migrations', applied);
      await sql.exec('VACUUM ANALYZE');
    }
    const [size] = await sql.query<{ customers: number; purchases: number; refunds: number; last: string }>(
      `SELECT (SELECT count(*)::int FROM rm_customers) AS customers, (SELECT count(*)::int FROM rm_customer_purchases) AS purchases,
              (SELECT count(*)::int FROM rm_customer_refunds) AS refunds, (SELECT max(occurred_on)::text FROM rm_customer_refunds) AS last`,
    );
    const now = size.last > today ? size.last : today;
    const yearAgo = minusMonths(now, 12);
    const monthAgo = minusMonths(now, 1);
    const figures = (asOf: string) => ({ asOf, windowMonths: 3, retentionDays: 30, responseDays: 30, currency: 'CNY' });
    log('measuring');
    const result = {
      benchmark: 'figures',
      machine: machine(),
      base: size,
      today: now,
      rfmSegments: await part('rfm', async () => ({
        today: await times(3, () => rfmSegments(sql, now)),
        todayWithMembers: await times(3, () => rfmSegments(sql, now, 'CHAMPIONS', 100)),
        monthAgo: await times(3, () => rfmSegments(sql, monthAgo)),
        yearAgo: await times(3, () => rfmSegments(sql, yearAgo)),
      })),
      rfmEveryCustomerScoredBaseline: await part('rfm', async () => ({
        today: await times(1, () => rfmAsOf(sql, now)),
        yearAgo: await times(1, () => rfmAsOf(sql, yearAgo)),
      })),
      // One customer's RFM: the first read of a date computes the base's thresholds (kept per date and read-model position), the
      // reads after it score the customer's facts by them; the baseline is what the first read of a date cost the build before
      // (every customer's facts fetched and ranked: the distribution it kept).
      singleRfm: await part('single', async () => {
        const [{ customer_id: id }] = await sql.query<{ customer_id: string }>('SELECT customer_id FROM rm_customers WHERE purchase_count > 3 LIMIT 1');
        const single: Record<string, unknown> = {};
        for (const [name, asOf] of [
          ['today', now],
          ['yearAgo', yearAgo],
        ] as const) {
          single[name] = {
            first: await times(3, () => new RfmBase(sql).scoreOf(id, asOf)),
            kept: await (async () => {
              const base = new RfmBase(sql);
              await base.scoreOf(id, asOf);
              return times(5, () => base.scoreOf(id, asOf));
            })(),
            everyCustomerRankedBaseline: await times(1, () => rfmAsOf(sql, asOf)),
          };
        }
        return single;
      }),
      stickiness: await part('stickiness', async () => ({
        today: await times(3, () => stickiness(sql, figures(now))),
        yearAgo: await times(3, () => stickiness(sql, figures(yearAgo))),
      })),
      // The first page filtered by a tier of 3% (VIP) and of 0.4% (NORMAL) of the base: the page as the API reads it, and the
      // customers it starts from by this build's scan (the tier's members in id order) and by the build before (every customer
      // in id order, the tier checked for each, until 51 match).
      listFirstPageByTier: await part('list', async () => {
        const byTier: Record<string, unknown> = {};
        for (const tier of ['VIP', 'NORMAL']) {
          const ids = (from: string) => sql.query(`SELECT c.customer_id FROM ${from} ORDER BY c.customer_id LIMIT 51`, [now, tier]);
          byTier[tier] = {
            page: await times(5, () => listCustomers(sql, { asOf: now, tier, limit: 50, windowMonths: 3 }, 'CNY')),
            pageYearAgo: await times(5, () => listCustomers(sql, { asOf: yearAgo, tier, limit: 50, windowMonths: 3 }, 'CNY')),
            scan: await times(5, () =>
              ids(`${tierMembersSql('$1', '$2', "'00000000-0000-0000-0000-000000000000'")} JOIN rm_customers c USING (customer_id) WHERE c.joined_on <= $1::date`),
            ),
            scanBeforeBaseline: await times(5, () =>
              ids(`rm_customers c WHERE c.joined_on <= $1::date AND EXISTS (SELECT 1 FROM rm_tier_periods tp WHERE tp.customer_id = c.customer_id
                     AND tp.valid_from <= $1::date AND tp.valid_to > $1::date AND tp.tier = $2::text)`),
            ),
          };
        }
        byTier.SLEEPING = { page: await times(5, () => listCustomers(sql, { asOf: now, lifecycle: 'SLEEPING', limit: 50, windowMonths: 3 }, 'CNY')) };
        return byTier;
      }),
      // The list sorted (the first page of 50) and the count of a filter, as the console asks for them.
      listSortedAndCounted: await part('list', async () => {
        const page = (asOf: string, sort: 'ref' | '-netSpend' | '-lastPurchase', tier?: string) => () =>
          listCustomers(sql, { asOf, tier, limit: 50, windowMonths: 3, sort }, 'CNY');
        return {
          byNetSpendToday: await times(5, page(now, '-netSpend')),
          byLastPurchaseToday: await times(5, page(now, '-lastPurchase')),
          byRefToday: await times(5, page(now, 'ref')),
          vipByNetSpendToday: await times(5, page(now, '-netSpend', 'VIP')),
          byNetSpendYearAgo: await times(3, page(yearAgo, '-netSpend')),
          countEveryone: await times(3, () => countCustomers(sql, { asOf: now, windowMonths: 3 })),
          countVip: await times(3, () => countCustomers(sql, { asOf: now, windowMonths: 3, tier: 'VIP' })),
          countSleeping: await times(3, () => countCustomers(sql, { asOf: now, windowMonths: 3, lifecycle: 'SLEEPING' })),
        };
      }),
      // A segment preview of today (lifecycle, money and a time-caused condition), alone and against another version; beside the
      // scan it replaced (every customer's standing evaluated here), run once.
      segmentPreview: await part('preview', async () => {
        const active = parseDefinition(ACTIVE_OR_BIG_SPENDERS, 'CNY');
        const vipDresses = parseDefinition(
          {
            name: 'VIP 连衣裙',
            conditions: [
              { field: 'tier', op: 'in', value: ['VIP', 'GOLD'] },
              { field: 'boughtCategory', op: 'has', value: 'dresses', days: 90 },
            ],
          },
          'CNY',
        );
        const options = { asOf: now, limit: 50, currency: 'CNY' };
        const counted = await previewSegment(sql, active, options);
        return {
          members: counted.count,
          today: await times(3, () => previewSegment(sql, active, options)),
          againstAnotherVersion: await times(3, () => previewSegment(sql, vipDresses, { ...options, compareTo: { segmentId: 'active', version: 1, definition: active } })),
          everyCustomerEvaluatedBaseline: await times(1, () => previewSegment(sql, active, { ...options, evaluate: 'scan' })),
        };
      }),
      floor: {
        totalsScan: await times(3, () => sql.query('SELECT count(*), sum(net_spend_minor) FROM rm_customers WHERE purchase_count > 0')),
        periodPurchasesScan: await times(3, () =>
          sql.query('SELECT count(*), sum(amount_minor) FROM rm_customer_purchases WHERE occurred_on > $1::date AND occurred_on <= $2::date', [minusMonths(now, 3), now]),
        ),
        everyPurchaseScan: await times(3, () => sql.query('SELECT count(*), sum(amount_minor) FROM rm_customer_purchases')),
      },
    };
    return result;
  } finally {
    await sql.close();
    if (!REUSE && !args.has('keep')) await dropPgDatabase(DB);
  }
}

printResult(main);
