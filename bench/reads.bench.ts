// npm run bench:reads: reads of a large base over HTTP on PostgreSQL, under
// 8 concurrent clients (keep-alive, a bearer token): the single-customer
// reads (/customers/{id}, /tier, /lifecycle, /rfm) for random customers,
// a tier-filtered and a lifecycle-filtered page of the list, and the care
// due lists (greetings and birthdays, 50 each); each again from one client
// alone (the service time); then the
// whole-base figures (RFM segments, stickiness, a simulation) with their
// times. The log is the generated shop history of bench:rebuild (about 9.5
// events a customer), projected with `crm rebuild`. The scale is
// 10M events (--events=10000000); the default is 1M. Prints one JSON document.
// Options: --events=N --requests=N (per read kind), --only=tier,customer,...
// (those read kinds, no whole-base figures), --db=NAME (use and keep that
// database; seeded and projected only when it holds no events: to measure
// another build's sources on the same base, run its copy of this file with
// the same --db).
import { spawnSync } from 'node:child_process';
import { INestApplication } from '@nestjs/common';
import { AccountsService } from '@crm/accounts';
import { contextFor, loadConfig, nameUuid, operatorPrincipal } from '@crm/shared';
import { createApp } from '../apps/api/src/create-app';
import { Client } from 'pg';
import { CLI, dropPgDatabase, freshPgDatabase, machine, PG_URL, printResult, randomInts, request, runConcurrent, withDatabase } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const REQUESTS = Number(args.get('requests') ?? 2_000);
const CONCURRENCY = 8;
const KEEP = args.get('db');
const DB = KEEP ?? 'crm_bench_reads';
const ONLY = args.get('only')?.split(',');
const AS_OF = '2025-06-30';
const log = (...a: unknown[]) => console.error('[bench]', ...a);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round(performance.now() - t0);
}

async function main() {
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const kept = KEEP ? await seededBefore(KEEP) : undefined;
  const url = kept ? withDatabase(PG_URL, DB) : await freshPgDatabase(DB);
  let app: INestApplication | undefined;
  try {
    const seeded = kept ?? (await seedAndProject(url));
    app = await createApp(
      loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DATA_DIR: '/tmp/crm-bench-reads', RATE_LIMIT_PER_MINUTE: '1000000', CRM_MASTER_KEY: process.env.CRM_MASTER_KEY }),
    );
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
    const accounts = app.get(AccountsService);
    // A reader of its own a run (a kept database holds the readers of earlier runs).
    const reader = `bench.reader.${Date.now()}`;
    await accounts.create({ username: reader, password: 'a long enough password', role: 'manager' }, contextFor(operatorPrincipal()));
    const { accessToken } = await accounts.login(reader, 'a long enough password');
    const headers = { authorization: `Bearer ${accessToken}` };
    const get = async (path: string) => {
      const res = await request(`${base}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.json();
    };
    // Customers of the generated history: their ids are name-based.
    const pick = randomInts(99);
    const someone = () => nameUuid(`bench-customer:7:${pick(seeded.customers)}`);
    const reads: Record<string, (i: number) => Promise<unknown>> = {
      customer: () => get(`/customers/${someone()}?asOf=${AS_OF}`),
      tier: () => get(`/customers/${someone()}/tier?asOf=${AS_OF}`),
      lifecycle: () => get(`/customers/${someone()}/lifecycle?asOf=${AS_OF}`),
      rfm: () => get(`/customers/${someone()}/rfm?asOf=${AS_OF}`),
      listTierVip: () => get(`/customers?asOf=${AS_OF}&tier=VIP&limit=50`),
      listLifecycleSleeping: () => get(`/customers?asOf=${AS_OF}&lifecycle=SLEEPING&limit=50`),
      careDue: () => get(`/care/due?asOf=${AS_OF}&limit=50`),
      // A fortnight in the thick of the generated history: about 15k purchases at 1M events.
      careDueBusy: () => get(`/care/due?asOf=2024-03-31&limit=50`),
    };
    for (const name of Object.keys(reads)) if (ONLY && !ONLY.includes(name)) delete reads[name];
    const firstRfmMs = ONLY ? undefined : await timed(() => get(`/customers/${someone()}/rfm?asOf=${AS_OF}`));
    const results: Record<string, unknown> = {};
    for (const [name, read] of Object.entries(reads)) {
      await runConcurrent(100, CONCURRENCY, async (i) => void (await read(i)));
      const t = await runConcurrent(REQUESTS, CONCURRENCY, async (i) => void (await read(i)));
      results[name] = t;
      log(name, JSON.stringify(t));
    }
    // One client alone: what a read costs without a queue in front of it (the service time).
    const alone: Record<string, unknown> = {};
    for (const [name, read] of Object.entries(reads)) {
      alone[name] = await runConcurrent(REQUESTS / 4, 1, async (i) => void (await read(i)));
      log(`${name}, one client`, JSON.stringify(alone[name]));
    }
    const wholeBase = ONLY
      ? undefined
      : {
          rfmSegmentsMs: await timed(() => get(`/segments/rfm?asOf=${AS_OF}`)),
          stickinessMs: await timed(() => get(`/metrics/stickiness?asOf=${AS_OF}`)),
          firstSingleRfmMs: firstRfmMs,
        };
    return {
      benchmark: 'reads',
      machine: machine(),
      storage: 'postgres',
      log: seeded,
      concurrency: CONCURRENCY,
      requestsPerRead: REQUESTS,
      reads: results,
      oneClient: alone,
      wholeBase,
      targets: { singleCustomerP99UnderMs: 20, filteredPageP99UnderMs: 100 },
    };
  } finally {
    await app?.close();
    if (!KEEP) await dropPgDatabase(DB);
  }
}

async function seedAndProject(url: string) {
  log(`seeding ${EVENTS} events`);
  const seeded = await seedShopHistory(url, EVENTS, log);
  log('projecting (crm rebuild)');
  if (spawnSync(process.execPath, [...CLI, 'rebuild'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'ignore' }).status !== 0) throw new Error('rebuild failed');
  return seeded;
}

/** What a kept database holds from an earlier run (undefined when it is new or empty). */
async function seededBefore(name: string): Promise<{ events: number; customers: number; seconds: number } | undefined> {
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  await admin.end();
  if (!exists) return undefined;
  const db = new Client({ connectionString: withDatabase(PG_URL, name) });
  await db.connect();
  try {
    const [row] = (
      await db.query(
        `SELECT (SELECT count(*) FROM crm_events)::int AS events, (SELECT count(*) FROM crm_events WHERE stream_id LIKE 'customer-%' AND stream_version = 1)::int AS customers`,
      )
    ).rows;
    return row.events > 0 ? { ...row, seconds: 0 } : undefined;
  } catch {
    return undefined;
  } finally {
    await db.end();
  }
}

printResult(main);
