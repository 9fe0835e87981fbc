// npm run bench:rebuild: rebuild of all read models from a generated shop
// history (default 1M events, ~100k customers) on PostgreSQL, with events/s
// and peak RSS, beside a floor measured in the same run on the same log:
// readAll + an in-memory fold + batched raw SQL writes of the same rows.
// Then the latency from a write (HTTP, 200 writes/s) to its read-model rows.
// Each part runs in a child process of its own, so peak RSS is its own.
// Prints one JSON document. Options: --events=N --latencySeconds=S --rate=R --part=...
import { spawn, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PostgresClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { SqlEventStore } from '@crm/event-store/adapters';
import { PROJECTION_RUNNER, ProjectionRunner } from '@crm/projections';
import { categorySalesOf, encodeCursor, listCustomers } from '@crm/customer-views';
import { rfmAsOf, scanCustomerFacts, stickiness } from '@crm/figures';
import { AccountsService } from '@crm/accounts';
import { contextFor, loadConfig, operatorPrincipal, shopDate, UNIT_PRICE_SCALE } from '@crm/shared';
import { DEFAULT_RULE_SET, loadRuleSchedule, TierSimulation } from '@crm/tiers';
import { createApp } from '../apps/api/src/create-app';
import { CLI, dropPgDatabase, freshPgDatabase, machine, percentile, ratio } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const RATE = Number(args.get('rate') ?? 200);
const LATENCY_SECONDS = Number(args.get('latencySeconds') ?? 30);
const BATCH = Number(args.get('batch') ?? 5_000);
const WARMUP_SECONDS = Number(args.get('warmupSeconds') ?? 3);
const DB = 'crm_bench_rebuild';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

const seed = (url: string) => seedShopHistory(url, EVENTS, log);

/** Our rebuild: `crm rebuild` as users run it (compiled), every read model in one pass; it reports its own peak RSS. */
function partRebuild(url: string) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [...CLI, 'rebuild'], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (result.status !== 0) throw new Error(`crm rebuild failed (${result.status})`);
  const seconds = (Date.now() - started) / 1000;
  const lines = result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { projector: string; events: number; peakRssMiB: number });
  return {
    events: lines[0].events,
    seconds: round(seconds),
    eventsPerSec: Math.round(lines[0].events / seconds),
    peakRssMiB: Math.max(...lines.map((l) => l.peakRssMiB)),
    projectors: lines.map((l) => l.projector),
  };
}

/** A value in COPY's text format (NULL as \N; arrays as array literals; objects as JSON). */
function copyValue(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '\\N';
  const text = json
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? `{${value.map((v) => `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);
}

const JSON_COLUMNS = new Set(['data', 'items', 'consent']);

async function copyRows(client: Client, table: string, columns: string[], rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const text = rows.map((r) => columns.map((c) => copyValue(r[c], JSON_COLUMNS.has(c))).join('\t')).join('\n') + '\n';
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY crm_floor.${table} (${columns.join(', ')}) FROM STDIN`)));
}

/**
 * The floor: the least work that writes the same rows. A raw keyset read of
 * the log (the next page read while this one is written), an in-memory fold,
 * COPY into tables without any index; then the same indexes built at once.
 * Facts that never change (timeline, purchases, refunds, contacts) are copied
 * page by page; customers and complaints are folded in memory and copied at
 * the end.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

async function partFloor(url: string) {
  const sql = new PostgresClient(url, { max: 4 });
  const copier = new Client({ connectionString: url });
  await copier.connect();
  const tables = ['rm_customers', 'rm_customer_purchases', 'rm_customer_refunds', 'rm_customer_contacts', 'rm_purchase_categories', 'rm_timeline', 'rm_complaints'];
  await sql.exec(`DROP SCHEMA IF EXISTS crm_floor CASCADE; CREATE SCHEMA crm_floor;`);
  for (const t of tables) await sql.exec(`CREATE TABLE crm_floor.${t} (LIKE public.${t} INCLUDING DEFAULTS);`);
  const indexDefinitions = await sql.query<{ tablename: string; indexdef: string }>(
    `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY ($1::text[])`,
    [tables],
  );
  const started = Date.now();
  const customers = new Map<
    string,
    Record<string, unknown> & { tags: string[]; consent: Record<string, boolean>; purchase_count: number; net_spend_minor: number; first: number | null; last: number | null }
  >();
  const complaints = new Map<string, Record<string, unknown>>();
  const readPage = (after: number) =>
    sql.query<{
      global_position: string;
      stream_id: string;
      stream_version: string;
      event_id: string;
      type: string;
      data: Loose;
      metadata: Loose;
      recorded_at: Date;
    }>(
      'SELECT global_position, stream_id, stream_version, event_id, type, data, metadata, recorded_at FROM crm_events WHERE global_position > $1 ORDER BY global_position LIMIT $2',
      [after, BATCH],
    );
  let readSeconds = 0;
  const timedRead = async (after: number) => {
    const t0 = Date.now();
    const rows = await readPage(after);
    readSeconds += (Date.now() - t0) / 1000;
    return rows;
  };
  let next = timedRead(0);
  let events = 0;
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    next = timedRead(Number(page[page.length - 1].global_position));
    const timeline: Array<Record<string, unknown>> = [];
    const purchases: Array<Record<string, unknown>> = [];
    const categories: Array<Record<string, unknown>> = [];
    const refunds: Array<Record<string, unknown>> = [];
    const contacts: Array<Record<string, unknown>> = [];
    for (const e of page) {
      const d = e.data;
      const at = String(e.metadata.occurredAt);
      const on = shopDate(new Date(at), 'UTC');
      const m = e.metadata;
      timeline.push({
        position: e.global_position,
        customer_id: d.customerId,
        stream_id: e.stream_id,
        stream_version: e.stream_version,
        event_id: e.event_id,
        type: e.type,
        occurred_at: at,
        recorded_at: e.recorded_at.toISOString(),
        actor: m.actor ?? null,
        correlation_id: m.correlationId ?? null,
        causation_id: m.causationId ?? null,
        source: m.source ?? null,
        data: d,
      });
      const c = customers.get(d.customerId);
      switch (e.type) {
        case 'CustomerRegistered':
          customers.set(d.customerId, {
            customer_id: d.customerId,
            customer_ref: d.customerRef,
            name: d.profile.name,
            province: d.profile.region?.province ?? null,
            city: d.profile.region?.city ?? null,
            tags: [],
            consent: {},
            registered_at: at,
            registered_on: on,
            joined_on: on,
            purchase_count: 0,
            net_spend_minor: 0,
            first: null,
            last: null,
          });
          break;
        case 'PurchaseRecorded': {
          purchases.push({ customer_id: d.customerId, order_id: d.orderId, occurred_at: at, occurred_on: on, amount_minor: d.amountMinor, items: d.items });
          // Items as stored by this history (unit prices in minor units), scaled as the projector reads them.
          const items = (d.items ?? []).map((i: { unitPriceMinor?: number; unitPriceScaled?: number }) => ({
            ...i,
            unitPriceScaled: i.unitPriceScaled ?? (i.unitPriceMinor ?? 0) * UNIT_PRICE_SCALE,
          }));
          for (const c of categorySalesOf(d.amountMinor, items)) categories.push({ customer_id: d.customerId, order_id: d.orderId, occurred_on: on, ...c });
          if (!c) break;
          const t = Date.parse(at);
          c.purchase_count++;
          if (on < String(c.joined_on)) c.joined_on = on;
          c.net_spend_minor += d.amountMinor;
          c.first = c.first === null ? t : Math.min(c.first, t);
          c.last = c.last === null ? t : Math.max(c.last, t);
          break;
        }
        case 'RefundRecorded':
          refunds.push({ customer_id: d.customerId, refund_id: d.refundId, order_id: d.orderId ?? null, occurred_at: at, occurred_on: on, amount_minor: d.amountMinor });
          if (c) {
            c.net_spend_minor -= d.amountMinor;
            if (on < String(c.joined_on)) c.joined_on = on;
          }
          break;
        case 'CustomerTagged':
          if (c) c.tags = [...c.tags.filter((x) => x !== d.tag), d.tag];
          break;
        case 'ConsentChanged':
          if (c) c.consent = { ...c.consent, ...d.consent };
          break;
        case 'ContactLogged':
          contacts.push({ customer_id: d.customerId, contact_id: d.contactId, kind: d.kind, channel: d.channel, occurred_at: at, occurred_on: on });
          break;
        case 'ComplaintOpened':
          complaints.set(d.complaintId, {
            complaint_id: d.complaintId,
            customer_id: d.customerId,
            subject: d.subject,
            channel: d.channel,
            priority: d.priority,
            status: 'open',
            agent: d.agent,
            opened_at: at,
            opened_on: on,
            respond_by: d.respondBy,
            first_response_at: null,
            resolved_at: null,
            resolution: null,
            compensation_minor: 0,
            times_resolved: 0,
            reopen_count: 0,
            escalations: 0,
            version: e.stream_version,
          });
          break;
        case 'ComplaintResponded': {
          const k = complaints.get(d.complaintId);
          if (k) Object.assign(k, { first_response_at: k.first_response_at ?? at, version: e.stream_version });
          break;
        }
        case 'ComplaintResolved': {
          const k = complaints.get(d.complaintId);
          if (k) Object.assign(k, { status: 'resolved', resolved_at: at, resolution: d.resolution, times_resolved: Number(k.times_resolved) + 1, version: e.stream_version });
          break;
        }
      }
    }
    await copyRows(
      copier,
      'rm_timeline',
      ['position', 'customer_id', 'stream_id', 'stream_version', 'event_id', 'type', 'occurred_at', 'recorded_at', 'actor', 'correlation_id', 'causation_id', 'source', 'data'],
      timeline,
    );
    await copyRows(copier, 'rm_customer_purchases', ['customer_id', 'order_id', 'occurred_at', 'occurred_on', 'amount_minor', 'items'], purchases);
    await copyRows(copier, 'rm_purchase_categories', ['customer_id', 'order_id', 'occurred_on', 'category', 'scaled'], categories);
    await copyRows(copier, 'rm_customer_refunds', ['customer_id', 'refund_id', 'order_id', 'occurred_at', 'occurred_on', 'amount_minor'], refunds);
    await copyRows(copier, 'rm_customer_contacts', ['customer_id', 'contact_id', 'kind', 'channel', 'occurred_at', 'occurred_on'], contacts);
    events += page.length;
  }
  const rows = [...customers.values()].map(({ first, last, ...c }) => ({
    ...c,
    first_purchase_at: first === null ? null : new Date(first).toISOString(),
    last_purchase_at: last === null ? null : new Date(last).toISOString(),
  }));
  const customerColumns = [
    'customer_id',
    'customer_ref',
    'name',
    'province',
    'city',
    'tags',
    'consent',
    'registered_at',
    'registered_on',
    'purchase_count',
    'net_spend_minor',
    'first_purchase_at',
    'last_purchase_at',
    'joined_on',
  ];
  for (let i = 0; i < rows.length; i += BATCH) await copyRows(copier, 'rm_customers', customerColumns, rows.slice(i, i + BATCH));
  const complaintRows = [...complaints.values()];
  const complaintColumns = Object.keys(complaintRows[0] ?? {});
  for (let i = 0; i < complaintRows.length; i += BATCH) await copyRows(copier, 'rm_complaints', complaintColumns, complaintRows.slice(i, i + BATCH));
  const loadSeconds = (Date.now() - started) / 1000;
  for (const { tablename, indexdef } of indexDefinitions) {
    await sql.exec(indexdef.replace(new RegExp(` ON (?:public\\.)?${tablename} `), ` ON crm_floor.${tablename} `));
  }
  for (const t of tables) await sql.exec(`ANALYZE crm_floor.${t}`);
  const seconds = (Date.now() - started) / 1000;
  // The floor must have written what the rebuild wrote.
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const [a] = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM crm_floor.${t}`);
    const [b] = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.${t}`);
    if (a.n !== b.n) throw new Error(`floor wrote ${a.n} rows to ${t}, the rebuild ${b.n}`);
    counts[t] = Number(a.n);
  }
  await sql.exec('DROP SCHEMA crm_floor CASCADE');
  await copier.end();
  await sql.close();
  return {
    events,
    seconds: round(seconds),
    eventsPerSec: Math.round(events / seconds),
    parts: { readSeconds: round(readSeconds), readFoldCopySeconds: round(loadSeconds), indexSeconds: round(seconds - loadSeconds) },
    peakRssMiB: peakRssMiB(),
    rows: counts,
  };
}

const epochMs = () => performance.timeOrigin + performance.now();

/**
 * The service on PostgreSQL takes open-loop writes (a purchase over HTTP
 * every 1/RATE s, whether or not the previous one has answered) from a load
 * process of its own; for each, the time from its 2xx to the commit of the
 * batch holding its event in every projector (what a read with ?waitFor
 * waits for), and to the moment readAll first returned it (gap-safe
 * visibility).
 */
async function partLatency(url: string) {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DATA_DIR: '/tmp/crm-bench-rebuild', RATE_LIMIT_PER_MINUTE: '1000000' });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
  const runner = app.get<ProjectionRunner>(PROJECTION_RUNNER);
  const projectors = runner.projectorNames.length;
  const store = app.get<EventStore>(EVENT_STORE);
  const firstRead = new Map<string, number>();
  const readAll = store.readAll.bind(store);
  store.readAll = async (options) => {
    const page = await readAll(options);
    const now = epochMs();
    for (const e of page.events) if (!firstRead.has(e.id)) firstRead.set(e.id, now);
    return page;
  };
  const seen = new Map<string, number>();
  const projected = new Map<string, number>();
  runner.onBatch((_, events) => {
    const now = epochMs();
    for (const e of events) {
      const n = (seen.get(e.id) ?? 0) + 1;
      seen.set(e.id, n);
      if (n === projectors) projected.set(e.id, now);
    }
  });
  // Writes carry a bearer token, as an integration's do.
  const accounts = app.get(AccountsService);
  await accounts.create({ username: 'bench.writer', password: 'a long enough password', role: 'manager' }, contextFor(operatorPrincipal()));
  const { accessToken } = await accounts.login('bench.writer', 'a long enough password');
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${base}/customers`, { method: 'POST', headers, body: JSON.stringify({ customerRef: `LAT-${randomUUID()}` }) });
    ids.push(((await res.json()) as { customerId: string }).customerId);
  }
  const load = spawn(
    process.execPath,
    [...process.execArgv, __filename, '--part=load', `--base=${base}`, `--ids=${ids.join(',')}`, `--rate=${RATE}`, `--latencySeconds=${LATENCY_SECONDS}`, `--token=${accessToken}`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  load.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => load.on('exit', resolve));
  if (code !== 0) throw new Error(`load process failed (${code})`);
  const writes = JSON.parse(output) as { achievedRate: number; answers: Array<[string, number, number]> };
  for (let i = 0; i < 100 && writes.answers.some(([id]) => !projected.has(id)); i++) await new Promise((r) => setTimeout(r, 50));
  await app.close();
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const stats = (xs: number[]) => {
    const v = sorted(xs);
    return { p50: round(percentile(v, 50)), p99: round(percentile(v, 99)), max: round(v[v.length - 1]) };
  };
  const done = writes.answers.filter(([id]) => projected.has(id));
  return {
    rate: RATE,
    achievedRate: writes.achievedRate,
    writes: writes.answers.length,
    warmupWrites: (writes as { warmupWrites?: number }).warmupWrites ?? 0,
    unprojected: writes.answers.length - done.length,
    writeMs: stats(writes.answers.map(([, , ms]) => ms)),
    // Negative when the batch committed before the HTTP answer reached the client: counted as 0.
    writeToReadModelMs: stats(done.map(([id, answeredAt]) => Math.max(0, (projected.get(id) as number) - answeredAt))),
    writeToFirstReadMs: stats(done.map(([id, answeredAt]) => Math.max(0, (firstRead.get(id) as number) - answeredAt))),
    serviceRssMiB: peakRssMiB(),
  };
}

/** The load process: open-loop purchases, answers as [eventId, answered at (epoch ms), write ms]. */
async function partLoad() {
  const base = args.get('base') as string;
  const ids = (args.get('ids') as string).split(',');
  const warmup = RATE * WARMUP_SECONDS;
  const total = warmup + RATE * LATENCY_SECONDS;
  const answers: Array<[string, number, number]> = [];
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t0 = performance.now();
        const res = await fetch(`${base}/customers/${ids[i % ids.length]}/purchases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${args.get('token')}` },
          body: JSON.stringify({ orderId: `LAT-${i}-${randomUUID()}`, occurredAt: '2024-05-31T10:00:00+08:00', amount: '129.00', currency: 'CNY' }),
        });
        const body = (await res.json()) as { eventIds: string[] };
        if (res.status !== 201) throw new Error(`write answered ${res.status}`);
        // The first seconds warm up both processes (JIT, connections) and are not counted.
        if (i >= warmup) answers.push([body.eventIds[0], epochMs(), performance.now() - t0]);
      })(),
    );
  }
  await Promise.all(inflight);
  return { achievedRate: round(total / ((performance.now() - start) / 1000), 1), warmupWrites: warmup, answers };
}

/** What the whole-base reads cost on the rebuilt read models: list pages (first and deep), RFM, stickiness, a simulation. */
async function partQueries(url: string) {
  const sql = new PostgresClient(url, { max: 4 });
  const store = new SqlEventStore(sql);
  const schedule = await loadRuleSchedule(store);
  const asOf = '2025-06-30';
  const median = async (runs: number, fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    return round(times.sort((a, b) => a - b)[Math.floor(runs / 2)]);
  };
  const filter = { asOf, limit: 50, windowMonths: 3 };
  const [deep] = await sql.query<{ id: string }>('SELECT customer_id AS id FROM rm_customers ORDER BY customer_id OFFSET 90000 LIMIT 1');
  const cursor = deep ? encodeCursor(deep.id) : undefined;
  const [{ n }] = await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM rm_customers');
  const result = {
    customers: Number(n),
    listFirstPageMs: await median(9, () => listCustomers(sql, filter, 'CNY')),
    listPageAfter90kMs: await median(9, () => listCustomers(sql, { ...filter, cursor }, 'CNY')),
    listFilteredSleepingFirstPageMs: await median(5, () => listCustomers(sql, { ...filter, lifecycle: 'SLEEPING' }, 'CNY')),
    rfmAllCustomersMs: await median(3, () => rfmAsOf(sql, asOf)),
    stickinessMs: await median(3, () => stickiness(sql, { asOf, windowMonths: 3, retentionDays: 30, responseDays: 30, currency: 'CNY' })),
    simulationMs: await median(3, async () => {
      const sim = new TierSimulation(schedule, [{ ruleSet: { ...DEFAULT_RULE_SET, id: 'x', basis: { kind: 'rollingMonths', months: 12 } }, effectiveFrom: '' }], asOf, 'CNY', 100);
      await scanCustomerFacts(sql, asOf, (batch) => sim.add(batch));
    }),
  };
  await store.close();
  await sql.close();
  return result;
}

function child(part: string, url: string): Record<string, unknown> {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename, `--part=${part}`, `--url=${url}`, ...process.argv.slice(2).filter((a) => !a.startsWith('--part'))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`part ${part} failed (${result.status})`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

async function main() {
  const part = args.get('part');
  const url = args.get('url') ?? '';
  // For profiling a part by hand: --part=seed --url=postgres://.../db (an empty database).
  if (part === 'seed') return seed(url);
  if (part === 'rebuild') return partRebuild(url);
  if (part === 'floor') return partFloor(url);
  if (part === 'latency') return partLatency(url);
  if (part === 'load') return partLoad();
  if (part === 'queries') return partQueries(url);

  log('building the command line');
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const dbUrl = await freshPgDatabase(DB);
  log(`seeding ${EVENTS} events`);
  const seeded = await seed(dbUrl);
  log(`seeded in ${seeded.seconds} s; rebuilding`);
  const rebuild = child('rebuild', dbUrl);
  log(`rebuild ${JSON.stringify(rebuild)}; floor`);
  const floor = child('floor', dbUrl);
  log(`floor ${JSON.stringify(floor)}; queries`);
  const queries = child('queries', dbUrl);
  log(`queries ${JSON.stringify(queries)}; latency`);
  await dropPgDatabase(DB);
  const latencyUrl = await freshPgDatabase(`${DB}_latency`);
  const latency = child('latency', latencyUrl);
  await dropPgDatabase(`${DB}_latency`);
  const sql = new PostgresClient(dbUrl.replace(`/${DB}`, '/postgres'));
  const [version] = await sql.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  await sql.close();
  return {
    benchmark: 'rebuild',
    machine: { ...machine(), postgres: version.v },
    log: seeded,
    rebuild: { ...rebuild, timesFloor: ratio(Number(rebuild.seconds), Number(floor.seconds)) },
    floor,
    queries,
    targets: { rebuildWithin2xOfFloor: Number(rebuild.seconds) <= 2 * Number(floor.seconds), rebuildRssUnder512MiB: Number(rebuild.peakRssMiB) < 512 },
    latency: { ...latency, target: { p99UnderMs: 50, met: (latency.writeToReadModelMs as { p99: number }).p99 < 50 } },
  };
}

main().then(
  (result) => {
    // A pipe is written asynchronously: exit only once the whole document is out.
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, () => process.exit(0));
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
