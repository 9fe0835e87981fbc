// npm run bench:campaigns: a campaign launch at shop scale on PostgreSQL. A
// generated shop history (default 1M events, ~105k customers, half of them
// with SMS consent) is appended and its read models rebuilt; a segment of
// every customer is published and projected; then the application (the same
// as `npm start`, projections inline) drafts a yearly-promotion SMS campaign
// on it and launches it: every member decided by the customer decider,
// contacted, held out (10%) or excluded, in batches. Beside it, in the same
// run, the floor of its writes: as many events appended with appendMany in
// batches of the same size to fresh streams, with no read and no decision.
// Then the results as of the send date (median of 5). Options: --events=N
// --keep --projections=off (the API beside workers: only the membership
// projector runs, here, as a worker would).
// Prints one JSON document.
import { PostgresClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { ProjectionRunner, rebuildProjections } from '@crm/projections';
import { CampaignsService } from '@crm/campaigns';
import { contextFor, loadConfig, nameUuid, operatorPrincipal } from '@crm/shared';
import { SegmentMembersProjector } from '@crm/segments';
import { allProjectors } from '@crm/wiring';
import { createApp } from '../apps/api/src/create-app';
import { dropPgDatabase, freshPgDatabase, machine, printResult } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const DB = 'crm_bench_campaigns';
const BATCH = 500;
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main() {
  const url = await freshPgDatabase(DB);
  const config = loadConfig({ DATABASE_URL: url, SHOP_TIMEZONE: 'Asia/Shanghai', LOG_LEVEL: 'error', DATA_DIR: `/tmp/${DB}`, PROJECTIONS: args.get('projections') ?? 'inline' });
  try {
    const seeded = await seedShopHistory(url, EVENTS, log);
    log(`seeded ${seeded.events} events, ${seeded.customers} customers in ${seeded.seconds} s`);
    const sql = new PostgresClient(url);
    const store = new SqlEventStore(sql);
    await rebuildProjections(store, sql, allProjectors(config));
    const segmentId = 'bench-everyone';
    const runner = new ProjectionRunner(store, sql, [new SegmentMembersProjector(config)]);
    await runner.start();
    const published = await store.append(
      `segment-${segmentId}`,
      [
        {
          id: nameUuid(`segment:${segmentId}:1`),
          type: 'SegmentPublished',
          data: { segmentId, version: 1, definition: { name: 'everyone', match: 'all', conditions: [], groups: [], windowMonths: 3 }, asTag: false },
          metadata: {},
        },
      ],
      'noStream',
    );
    if (!(await runner.waitFor(published.positions[0], 1_800_000))) throw new Error('the segment was not projected within 30 minutes');
    // With PROJECTIONS=off the membership projector stays running here, as a worker would.
    if (args.get('projections') !== 'off') await runner.stop();
    await sql.exec('ANALYZE');
    log('read models rebuilt, the segment projected');

    const app = await createApp(config);
    await app.init();
    const campaigns = app.get(CampaignsService);
    campaigns.launchBatchSize = BATCH;
    const ctx = contextFor(operatorPrincipal());
    const sendAt = new Date().toISOString();
    await campaigns.create({ id: 'bench-promo', name: '年货节', segmentId, channel: 'sms', offer: '满300减50', sendAt, holdoutPercent: 10, yearlyPromotion: true }, ctx);
    let started = Date.now();
    const { campaign } = await campaigns.launch(ctx, 'bench-promo');
    const launchSeconds = (Date.now() - started) / 1000;
    const counts = campaign.launch!;
    log(`launched in ${launchSeconds} s`, counts);

    // The floor: as many events as the launch wrote, appended in batches of the same size to fresh streams.
    const written = counts.contacted + counts.heldOut;
    started = Date.now();
    for (let i = 0; i < written; i += BATCH) {
      const requests = Array.from({ length: Math.min(BATCH, written - i) }, (_, j) => ({
        streamId: `bench-floor-${i + j}`,
        expectedVersion: 'noStream' as const,
        events: [{ id: nameUuid(`floor:${i + j}`), type: 'ContactLogged', data: { kind: 'marketing', channel: 'sms', campaignId: 'floor' }, metadata: {} }],
      }));
      await store.appendMany(requests);
    }
    const floorSeconds = (Date.now() - started) / 1000;

    const sendDate = campaign.sendDate!;
    const results: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      await campaigns.results(ctx, 'bench-promo', sendDate);
      results.push(Date.now() - t);
    }
    await app.close();
    await runner.stop();
    await store.close();
    await sql.close();
    return {
      benchmark: 'campaigns',
      machine: machine(),
      log: { events: seeded.events, customers: seeded.customers },
      launch: {
        seconds: round(launchSeconds),
        audience: counts.audience,
        contacted: counts.contacted,
        heldOut: counts.heldOut,
        excluded: counts.excluded,
        decidedPerSec: Math.round(counts.audience / launchSeconds),
        anchorAppendManySeconds: round(floorSeconds),
        ratioToAnchor: round(launchSeconds / floorSeconds, 2),
      },
      resultsMs: { medianMs: [...results].sort((a, b) => a - b)[2], allMs: results },
    };
  } finally {
    if (!args.has('keep')) await dropPgDatabase(DB);
  }
}

printResult(main);
