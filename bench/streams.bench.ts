// npm run bench:streams: what a purchase costs a customer with 10 events and
// one with 10,000 (a wholesale account), through the one command path
// (CustomerCommandsService -> command bus -> load, decide, append) on PostgreSQL,
// in the same run and interleaved, beside the floor: a bare append of the
// same event to the store. Sequential (latency, not throughput); inline
// projections run as in `npm start`. Prints one JSON document.
// Options: --long=10000 --short-customers=1000 --appends=1000
import { INestApplication } from '@nestjs/common';
import { createApp } from '../apps/api/src/create-app';
import { CustomerCommandsService } from '@crm/customers';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { contextFor, loadConfig, nameUuid, operatorPrincipal } from '@crm/shared';
import { dropPgDatabase, freshPgDatabase, machine, percentile, printResult, ratio, runConcurrent } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const LONG = Number(args.get('long') ?? 10_000);
const SHORT_CUSTOMERS = Number(args.get('short-customers') ?? 1_000);
const APPENDS = Number(args.get('appends') ?? 1_000);
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number) => Math.round(n * 1000) / 1000;

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { ops: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

async function time(op: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await op();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** A stored purchase as the command path writes it (natural event id, today's shape). */
function purchase(customerId: string, orderId: string, day: number) {
  const occurredAt = new Date(Date.UTC(2020, 0, 1) + day * 3_600_000).toISOString();
  return {
    id: nameUuid(`order:${orderId}`),
    type: 'PurchaseRecorded',
    data: { customerId, orderId, amountMinor: 12_900, currency: 'CNY', items: [{ sku: 'SKU-1', category: 'dresses', quantity: 3, unitPriceScaled: 43_000_000 }], occurredAt },
    metadata: { actor: 'bench', source: 'import' as const },
  };
}

async function waitForProjections(app: INestApplication): Promise<void> {
  const port = (app.getHttpServer().address() as { port: number }).port;
  for (;;) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { projections: Array<{ lag: number }> };
    if (health.projections.every((p) => p.lag === 0)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const database = 'crm_bench_streams';
  const url = await freshPgDatabase(database);
  let app: INestApplication | undefined;
  try {
    app = await createApp(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DATA_DIR: '/tmp/crm-bench-streams', RATE_LIMIT_PER_MINUTE: '1000000' }));
    await app.listen(0);
    const customers = app.get(CustomerCommandsService);
    const store = app.get<EventStore>(EVENT_STORE);
    const operator = contextFor(operatorPrincipal());

    log(`${SHORT_CUSTOMERS} customers with 10 events, one with ${LONG}`);
    const short: string[] = [];
    await runConcurrent(SHORT_CUSTOMERS, 4, async (i) => {
      const { ids } = await customers.register({ customerRef: `S-${i}` }, operator);
      await store.append(
        `customer-${ids.customerId}`,
        Array.from({ length: 9 }, (_, p) => purchase(ids.customerId, `S-${i}-${p}`, p)),
        1,
      );
      short.push(ids.customerId);
    });
    const { ids: longIds } = await customers.register({ customerRef: 'WHOLESALE' }, operator);
    const longId = longIds.customerId;
    for (let from = 1; from < LONG; from += 1_000) {
      const count = Math.min(1_000, LONG - from);
      await store.append(
        `customer-${longId}`,
        Array.from({ length: count }, (_, p) => purchase(longId, `L-${from + p}`, from + p)),
        from,
      );
    }
    const floorStream = `bench-floor-${longId}`;
    await waitForProjections(app);

    const buy = (customerId: string, orderId: string) =>
      customers.recordPurchase(customerId, { orderId, occurredAt: '2024-06-01T10:00:00Z', amount: '129.00', currency: 'CNY' }, operator);
    // The first command on each: the long one folds its whole history once (and snapshots it).
    const firstShortMs = await time(() => buy(short[0], 'first-short'));
    const firstLongMs = await time(() => buy(longId, 'first-long'));
    log(`first purchase: short ${round(firstShortMs)} ms, long ${round(firstLongMs)} ms`);
    for (let i = 0; i < 50; i++) await buy(short[(i + 1) % short.length], `warm-${i}`);

    const latencies = { short: [] as number[], long: [] as number[], floor: [] as number[] };
    let floorVersion = 0;
    for (let i = 0; i < APPENDS; i++) {
      // Interleaved, so that the VM's drift falls on all three alike.
      latencies.short.push(await time(() => buy(short[i % short.length], `short-${i}`)));
      latencies.long.push(await time(() => buy(longId, `long-${i}`)));
      latencies.floor.push(await time(() => store.append(floorStream, [purchase(floorStream, `floor-${i}`, i)], floorVersion === 0 ? 'noStream' : floorVersion)));
      floorVersion++;
      if ((i + 1) % 250 === 0) log(`${i + 1}/${APPENDS}`);
    }
    const s = summary(latencies.short);
    const l = summary(latencies.long);
    return {
      benchmark: 'streams',
      machine: machine(),
      storage: 'postgres',
      path: 'CustomerCommandsService.recordPurchase (command bus: load, decide, append), sequential, inline projections on',
      appends: APPENDS,
      shortCustomer: { eventsBefore: 10, ...s },
      longCustomer: { eventsBefore: LONG, eventsAfter: LONG + APPENDS + 1, ...l },
      floor: { what: 'store.append of the same event, no load or decision', ...summary(latencies.floor) },
      firstPurchaseMs: { short: round(firstShortMs), long: round(firstLongMs) },
      longVsShort: { p50: ratio(l.p50Ms, s.p50Ms), p99: ratio(l.p99Ms, s.p99Ms) },
      target: 'long p50 and p99 at most 1.5x short',
    };
  } finally {
    await app?.close();
    await dropPgDatabase(database);
  }
}

printResult(main);
