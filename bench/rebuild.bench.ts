// npm run bench:rebuild: rebuild of all read models from a generated shop
// history (default 1M events, ~100k customers) on PostgreSQL, with events/s
// and peak RSS, beside a floor measured in the same run on the same log:
// readAll + an in-memory fold + batched raw SQL writes of the same rows.
// Then the latency from a write (HTTP, 200 writes/s) to its read-model rows.
// Each part runs in a child process of its own, so peak RSS is its own.
// Prints one JSON document. Options: --events=N --latencySeconds=S --rate=R --part=...
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { migrate, PostgresClient, SqlClient } from '@crm/database';
import { AppendRequest, EVENT_STORE, EventStore, SqlEventStore } from '@crm/event-store';
import { PROJECTION_RUNNER, ProjectionRunner, rebuildProjections } from '@crm/projections';
import { loadConfig, shopDate } from '@crm/shared';
import { createApp } from '../apps/api/src/create-app';
import { allMigrations } from '../apps/api/src/migrations';
import { allProjectors } from '../apps/api/src/projectors';
import { dropPgDatabase, freshPgDatabase, machine, percentile, ratio } from './bench-support';
import { shopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const RATE = Number(args.get('rate') ?? 200);
const LATENCY_SECONDS = Number(args.get('latencySeconds') ?? 30);
const BATCH = Number(args.get('batch') ?? 5_000);
const DB = 'crm_bench_rebuild';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function seed(url: string): Promise<{ events: number; customers: number; seconds: number }> {
  const sql = new PostgresClient(url);
  await migrate(sql, allMigrations);
  const store = new SqlEventStore(sql);
  const started = Date.now();
  let events = 0;
  let customers = 0;
  let batch: AppendRequest[] = [];
  const flush = async () => {
    if (batch.length > 0) await store.appendMany(batch);
    batch = [];
  };
  for (const request of shopHistory(Math.ceil(EVENTS / 9))) {
    if (events >= EVENTS) break;
    batch.push(request);
    events += request.events.length;
    if (request.streamId.startsWith('customer-')) customers++;
    if (batch.length >= 500) await flush();
    if (customers % 20_000 === 0 && request.streamId.startsWith('customer-')) log(`seeded ${events} events`);
  }
  await flush();
  await sql.exec('VACUUM ANALYZE crm_events');
  await store.close();
  await sql.close();
  return { events, customers, seconds: (Date.now() - started) / 1000 };
}

/** Our rebuild: every read model, one pass over the log, fresh tables swapped in. */
async function partRebuild(url: string) {
  const sql = new PostgresClient(url, { max: 4 });
  const store = new SqlEventStore(sql);
  const started = Date.now();
  const [result] = await rebuildProjections(store, sql, allProjectors(loadConfig({})), { batchSize: BATCH });
  const seconds = (Date.now() - started) / 1000;
  await store.close();
  await sql.close();
  return { events: result.events, seconds: round(seconds), eventsPerSec: Math.round(result.events / seconds), peakRssMiB: peakRssMiB() };
}

/**
 * The floor: the same reads, the least work that writes the same rows. Facts
 * that never change (timeline, purchases, refunds, contacts) are written page
 * by page; customers and complaints are folded in memory and written at the end.
 */
async function partFloor(url: string) {
  const sql = new PostgresClient(url, { max: 4 });
  const store = new SqlEventStore(sql);
  const tables = ['rm_customers', 'rm_customer_purchases', 'rm_customer_refunds', 'rm_customer_contacts', 'rm_timeline', 'rm_complaints'];
  await sql.exec(`DROP SCHEMA IF EXISTS crm_floor CASCADE; CREATE SCHEMA crm_floor;`);
  for (const t of tables) await sql.exec(`CREATE TABLE crm_floor.${t} (LIKE public.${t} INCLUDING ALL);`);
  const started = Date.now();
  const customers = new Map<string, Record<string, unknown> & { tags: string[]; consent: Record<string, boolean>; purchase_count: number; net_spend_minor: number; first: number | null; last: number | null }>();
  const complaints = new Map<string, Record<string, unknown>>();
  const insert = async (tx: Pick<SqlClient, 'query'>, table: string, columns: string, rows: unknown[]) => {
    if (rows.length > 0) await tx.query(`INSERT INTO crm_floor.${table} SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${columns})`, [JSON.stringify(rows)]);
  };
  let after = 0;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: BATCH });
    const timeline: unknown[] = [];
    const purchases: unknown[] = [];
    const refunds: unknown[] = [];
    const contacts: unknown[] = [];
    for (const e of page.events) {
      const d = e.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const at = String(e.metadata.occurredAt);
      const on = shopDate(new Date(at), 'UTC');
      const m = e.metadata;
      timeline.push({ position: e.position, customer_id: d.customerId, stream_id: e.streamId, stream_version: e.streamVersion, event_id: e.id, type: e.type, occurred_at: at, recorded_at: e.recordedAt.toISOString(), actor: m.actor ?? null, correlation_id: m.correlationId ?? null, causation_id: m.causationId ?? null, source: m.source ?? null, data: d });
      const c = customers.get(d.customerId);
      switch (e.type) {
        case 'CustomerRegistered':
          customers.set(d.customerId, { customer_id: d.customerId, customer_ref: d.customerRef, name: d.profile.name, province: d.profile.region?.province ?? null, city: d.profile.region?.city ?? null, tags: [], consent: {}, registered_at: at, registered_on: on, purchase_count: 0, net_spend_minor: 0, first: null, last: null });
          break;
        case 'PurchaseRecorded': {
          purchases.push({ customer_id: d.customerId, order_id: d.orderId, occurred_at: at, occurred_on: on, amount_minor: d.amountMinor, items: d.items });
          if (!c) break;
          const t = Date.parse(at);
          c.purchase_count++;
          c.net_spend_minor += d.amountMinor;
          c.first = c.first === null ? t : Math.min(c.first, t);
          c.last = c.last === null ? t : Math.max(c.last, t);
          break;
        }
        case 'RefundRecorded':
          refunds.push({ customer_id: d.customerId, refund_id: d.refundId, order_id: d.orderId ?? null, occurred_at: at, occurred_on: on, amount_minor: d.amountMinor });
          if (c) c.net_spend_minor -= d.amountMinor;
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
          complaints.set(d.complaintId, { complaint_id: d.complaintId, customer_id: d.customerId, subject: d.subject, channel: d.channel, priority: d.priority, status: 'open', agent: d.agent, opened_at: at, opened_on: on, respond_by: d.respondBy, first_response_at: null, resolved_at: null, resolution: null, compensation_minor: 0, times_resolved: 0, reopen_count: 0, escalations: 0, version: e.streamVersion });
          break;
        case 'ComplaintResponded': {
          const k = complaints.get(d.complaintId);
          if (k) Object.assign(k, { first_response_at: k.first_response_at ?? at, version: e.streamVersion });
          break;
        }
        case 'ComplaintResolved': {
          const k = complaints.get(d.complaintId);
          if (k) Object.assign(k, { status: 'resolved', resolved_at: at, resolution: d.resolution, times_resolved: Number(k.times_resolved) + 1, version: e.streamVersion });
          break;
        }
      }
    }
    await sql.transaction(async (tx) => {
      await insert(tx, 'rm_timeline', 'position bigint, customer_id uuid, stream_id text, stream_version bigint, event_id uuid, type text, occurred_at timestamptz, recorded_at timestamptz, actor text, correlation_id text, causation_id text, source text, data jsonb', timeline);
      await insert(tx, 'rm_customer_purchases', 'customer_id uuid, order_id text, occurred_at timestamptz, occurred_on date, amount_minor bigint, items jsonb', purchases);
      await insert(tx, 'rm_customer_refunds', 'customer_id uuid, refund_id text, order_id text, occurred_at timestamptz, occurred_on date, amount_minor bigint', refunds);
      await insert(tx, 'rm_customer_contacts', 'customer_id uuid, contact_id text, kind text, channel text, occurred_at timestamptz, occurred_on date', contacts);
    });
    events += page.events.length;
    after = page.checkpoint;
    if (!page.hasMore) break;
  }
  const rows = [...customers.values()].map(({ first, last, ...c }) => ({ ...c, first_purchase_at: first === null ? null : new Date(first).toISOString(), last_purchase_at: last === null ? null : new Date(last).toISOString() }));
  for (let i = 0; i < rows.length; i += BATCH) {
    await insert(sql, 'rm_customers', 'customer_id uuid, customer_ref text, name text, province text, city text, tags text[], consent jsonb, registered_at timestamptz, registered_on date, purchase_count integer, net_spend_minor bigint, first_purchase_at timestamptz, last_purchase_at timestamptz', rows.slice(i, i + BATCH));
  }
  const complaintRows = [...complaints.values()];
  for (let i = 0; i < complaintRows.length; i += BATCH) {
    await insert(sql, 'rm_complaints', 'complaint_id uuid, customer_id uuid, subject text, channel text, priority text, status text, agent text, opened_at timestamptz, opened_on date, respond_by timestamptz, first_response_at timestamptz, resolved_at timestamptz, resolution text, compensation_minor bigint, times_resolved integer, reopen_count integer, escalations integer, version bigint', complaintRows.slice(i, i + BATCH));
  }
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
  await store.close();
  await sql.close();
  return { events, seconds: round(seconds), eventsPerSec: Math.round(events / seconds), peakRssMiB: peakRssMiB(), rows: counts };
}

/**
 * Open-loop writes (a purchase over HTTP every 1/RATE s, whether or not the
 * previous one has answered) into the running service on PostgreSQL; for
 * each, the time from its 2xx to the commit of the batch holding its event
 * in every projector (what a read with ?waitFor would wait for).
 */
async function partLatency(url: string) {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error' });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
  const runner = app.get<ProjectionRunner>(PROJECTION_RUNNER);
  const projectors = runner.projectorNames;
  // When each event was first returned by readAll: the share of the latency that is gap-safe visibility.
  const store = app.get<EventStore>(EVENT_STORE);
  const firstRead = new Map<string, number>();
  const readAll = store.readAll.bind(store);
  store.readAll = async (options) => {
    const page = await readAll(options);
    const now = performance.now();
    for (const e of page.events) if (!firstRead.has(e.id)) firstRead.set(e.id, now);
    return page;
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { customerId: string; eventIds: string[]; position: number };
  };
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push((await post('/customers', { customerRef: `LAT-${randomUUID()}` })).customerId);

  const pending = new Map<string, { answeredAt: number; seen: Set<string> }>();
  const early = new Map<string, Set<string>>(); // projected before the HTTP answer arrived
  const toProjection: number[] = [];
  const toVisible: number[] = [];
  runner.onBatch((projector, events) => {
    const now = performance.now();
    for (const e of events) {
      const p = pending.get(e.id);
      if (!p) {
        const seen = early.get(e.id) ?? new Set<string>();
        seen.add(projector);
        early.set(e.id, seen);
        continue;
      }
      p.seen.add(projector);
      if (p.seen.size === projectors.length) {
        toProjection.push(now - p.answeredAt);
        toVisible.push((firstRead.get(e.id) ?? now) - p.answeredAt);
        pending.delete(e.id);
      }
    }
  });

  const total = RATE * LATENCY_SECONDS;
  const writes: number[] = [];
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t0 = performance.now();
        const answer = await post(`/customers/${ids[i % ids.length]}/purchases`, { orderId: `LAT-${i}-${randomUUID()}`, occurredAt: '2024-05-31T10:00:00+08:00', amount: '129.00', currency: 'CNY' });
        const answeredAt = performance.now();
        writes.push(answeredAt - t0);
        const id = answer.eventIds[0];
        const seen = early.get(id) ?? new Set<string>();
        early.delete(id);
        if (seen.size === projectors.length) toProjection.push(0);
        else pending.set(id, { answeredAt, seen });
      })(),
    );
  }
  await Promise.all(inflight);
  const achieved = total / ((performance.now() - start) / 1000);
  for (let i = 0; i < 200 && pending.size > 0; i++) await new Promise((r) => setTimeout(r, 50));
  await app.close();
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const w = sorted(writes);
  const p = sorted(toProjection);
  const v = sorted(toVisible);
  return {
    rate: RATE,
    achievedRate: round(achieved, 1),
    writes: total,
    unprojected: pending.size,
    writeMs: { p50: round(percentile(w, 50)), p99: round(percentile(w, 99)), max: round(w[w.length - 1]) },
    writeToReadModelMs: { p50: round(percentile(p, 50)), p99: round(percentile(p, 99)), max: round(p[p.length - 1]) },
    writeToFirstReadMs: { p50: round(percentile(v, 50)), p99: round(percentile(v, 99)), max: round(v[v.length - 1]) },
    peakRssMiB: peakRssMiB(),
  };
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
  if (part === 'rebuild') return partRebuild(url);
  if (part === 'floor') return partFloor(url);
  if (part === 'latency') return partLatency(url);

  const dbUrl = await freshPgDatabase(DB);
  log(`seeding ${EVENTS} events`);
  const seeded = await seed(dbUrl);
  log(`seeded in ${seeded.seconds} s; rebuilding`);
  const rebuild = child('rebuild', dbUrl);
  log(`rebuild ${JSON.stringify(rebuild)}; floor`);
  const floor = child('floor', dbUrl);
  log(`floor ${JSON.stringify(floor)}; latency`);
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
    targets: { rebuildWithin2xOfFloor: Number(rebuild.seconds) <= 2 * Number(floor.seconds), rebuildRssUnder512MiB: Number(rebuild.peakRssMiB) < 512 },
    latency: { ...latency, target: { p99UnderMs: 50, met: (latency.writeToReadModelMs as { p99: number }).p99 < 50 } },
  };
}

main().then(
  (result) => {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
