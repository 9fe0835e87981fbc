// npm run bench:segments: segments at shop scale on PostgreSQL. A generated
// shop history (default 1M events, ~110k customers) is appended and its read
// models rebuilt; then a segment is published and its membership projected
// live, as a shop publishes (the projector computes the new version for every
// customer from the facts it keeps), and the membership read model is then
// rebuilt from the log, both beside the tier read model's rebuild on the same
// log in the same run (the same kind of work: every customer's history
// re-computed). Then the reads, median of 5 each: members
// on a date, sizes, history and a customer's segments, beside a raw count of
// the segment's rows; and a preview, beside the read of every customer's
// facts it cannot beat (scanCustomerFacts). Options: --events=N --keep.
// Prints one JSON document.
import { PostgresClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { ProjectionRunner, rebuildProjection, rebuildProjections } from '@crm/projections';
import { scanCustomerFacts } from '@crm/figures';
import { loadConfig, minusMonths, nameUuid } from '@crm/shared';
import { parseDefinition, SegmentMembersProjector } from '@crm/segments';
import { membersOn, membershipHistory, membershipSizes, segmentsOfCustomer } from '@crm/segments/membership/segment-members.query';
import { previewSegment } from '@crm/segments/segment-preview';
import { TierPeriodsProjector } from '@crm/tiers';
import { allProjectors } from '@crm/wiring';
import { ACTIVE_OR_BIG_SPENDERS, dropPgDatabase, freshPgDatabase, machine, printResult } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const DB = 'crm_bench_segments';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function median(fn: () => Promise<unknown>, runs = 5): Promise<{ medianMs: number; allMs: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    all.push(round(Number(process.hrtime.bigint() - started) / 1e6));
  }
  return { medianMs: [...all].sort((a, b) => a - b)[Math.floor(runs / 2)], allMs: all };
}

async function main() {
  const url = await freshPgDatabase(DB);
  const config = loadConfig({ DATABASE_URL: url, SHOP_TIMEZONE: 'Asia/Shanghai' });
  try {
    const seeded = await seedShopHistory(url, EVENTS, log);
    log(`seeded ${seeded.events} events, ${seeded.customers} customers in ${seeded.seconds} s`);
    const sql = new PostgresClient(url);
    const store = new SqlEventStore(sql);
    let started = Date.now();
    await rebuildProjections(store, sql, allProjectors(config));
    const readModelsSeconds = (Date.now() - started) / 1000;
    await sql.exec('ANALYZE');
    const [{ today }] = await sql.query<{ today: string }>('SELECT max(occurred_on)::text AS today FROM rm_customer_purchases');
    log(`read models rebuilt in ${readModelsSeconds} s; the history ends on ${today}`);

    const definition = parseDefinition(ACTIVE_OR_BIG_SPENDERS, config.shopCurrency);
    const segmentId = 'bench-active';
    // Live, as a shop publishes: the membership projector is caught up (the rebuild above kept every customer's facts),
    // the version is appended, and the projector applies it; timed from the append to its checkpoint covering it.
    const runner = new ProjectionRunner(store, sql, [new SegmentMembersProjector(config)]);
    await runner.start();
    started = Date.now();
    const appended = await store.append(
      `segment-${segmentId}`,
      [{ id: nameUuid(`segment:${segmentId}:1`), type: 'SegmentPublished', data: { segmentId, version: 1, definition, asTag: false }, metadata: {} }],
      'noStream',
    );
    if (!(await runner.waitFor(appended.positions[appended.positions.length - 1], 1_800_000))) throw new Error('the publish was not projected within 30 minutes');
    const membersSeconds = (Date.now() - started) / 1000;
    await runner.stop();

    started = Date.now();
    const tiers = await rebuildProjection(store, sql, new TierPeriodsProjector(config));
    const tierSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    const members = await rebuildProjection(store, sql, new SegmentMembersProjector(config));
    const rebuildSeconds = (Date.now() - started) / 1000;
    await sql.exec('ANALYZE');
    const [{ rows }] = await sql.query<{ rows: string }>('SELECT count(*)::text AS rows FROM rm_segment_members WHERE segment_id = $1', [segmentId]);
    log(`published and projected in ${membersSeconds} s (${rows} periods); the membership read model rebuilt in ${rebuildSeconds} s, the tier read model in ${tierSeconds} s`);

    const yearAgo = minusMonths(today, 12);
    const [{ someone }] = await sql.query<{ someone: string }>('SELECT customer_id::text AS someone FROM rm_segment_members WHERE segment_id = $1 LIMIT 1', [segmentId]);
    const reads = {
      rawCount: await median(() => sql.query('SELECT count(*) FROM rm_segment_members WHERE segment_id = $1', [segmentId])),
      membersToday: await median(() => membersOn(sql, segmentId, today, { limit: 100 })),
      membersYearAgo: await median(() => membersOn(sql, segmentId, yearAgo, { limit: 100 })),
      sizesDaily90: await median(() => membershipSizes(sql, segmentId, { from: minusMonths(today, 3), to: today, every: 'day' })),
      sizesMonthly3y: await median(() => membershipSizes(sql, segmentId, { from: minusMonths(today, 36), to: today, every: 'month' })),
      historyMonth: await median(() => membershipHistory(sql, segmentId, { from: minusMonths(today, 1), to: today }, { limit: 100 })),
      customerSegments: await median(() => segmentsOfCustomer(sql, someone, today)),
    };
    const sizes = await membershipSizes(sql, segmentId, { from: today, to: today, every: 'day' });

    const preview = await median(() => previewSegment(sql, definition, { asOf: today, limit: 50, currency: config.shopCurrency }), 3);
    const facts = await median(() => scanCustomerFacts(sql, today, () => undefined), 3);
    await store.close();
    await sql.close();
    return {
      benchmark: 'segments',
      machine: machine(),
      log: { events: seeded.events, customers: seeded.customers, readModelsRebuildSeconds: round(readModelsSeconds) },
      segment: { definition: definition.name, membersToday: sizes.points[0]?.size, periods: Number(rows) },
      publish: {
        liveSeconds: round(membersSeconds),
        rebuildSeconds: round(rebuildSeconds),
        rebuildEventsPerSec: Math.round(members.events / rebuildSeconds),
        anchorTierReadModelSeconds: round(tierSeconds),
        liveRatioToTierReadModel: round(membersSeconds / tierSeconds, 2),
        events: members.events,
        tierEvents: tiers.events,
      },
      readsMs: reads,
      preview: { ...preview, anchorScanCustomerFacts: facts },
    };
  } finally {
    if (!args.has('keep')) await dropPgDatabase(DB);
  }
}

printResult(main);
