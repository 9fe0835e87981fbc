// npm run bench:visibility: read-your-writes over HTTP on PostgreSQL. Open
// loop: purchases sent at a fixed rate (default 200/s for 30 s) whatever the
// answers take, each followed, once answered, by GET /customers/{id}?waitFor=
// <its position>. Measures the write (sent -> 2xx) and write -> visible (2xx
// -> the read answers with the purchase in its projection). The service runs
// as its own process, projecting inline (or with --workers=N projection
// workers beside an API that does not project). With --old=DIR the build in
// DIR (e.g. a `git worktree` of an older commit, built) runs the same load
// on its own database, rounds interleaved old/new so drift falls on both.
// The raw floor in the same run: the same number of single-row INSERTs over
// one pg connection. Prints one JSON document.
// Options: --rate=N --seconds=N --rounds=N --customers=N --workers=N --old=DIR
// --read=tier (default: GET /customers/{id}/tier, the tier read model) or
// --read=customer (GET /customers/{id}, answered from the customer's stream).
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { dropPgDatabase, freshPgDatabase, machine, untilUp, printResult, request } from './bench-support';
import { openLoop, summary } from './open-loop';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const RATE = Number(args.get('rate') ?? 200);
const SECONDS = Number(args.get('seconds') ?? 30);
const ROUNDS = Number(args.get('rounds') ?? 2);
const CUSTOMERS = Number(args.get('customers') ?? 1_000);
const WORKERS = Number(args.get('workers') ?? 0);
const OLD = args.get('old');
/** Reads without ?waitFor=: what the read alone costs under the same load (an anchor, not read-your-writes). */
const NO_WAIT = args.has('no-wait');
/** What is read back: customer (their stream; nothing to wait for) or tier (the tier read model). */
const READ = (args.get('read') ?? 'tier') as 'customer' | 'tier';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const log = (...a: unknown[]) => console.error('[bench]', ...a);

interface Build {
  name: string;
  dir: string;
  port: number;
  db: string;
  url?: string;
  children: ChildProcess[];
  headers?: Record<string, string>;
  customers: string[];
}

async function start(build: Build): Promise<void> {
  build.url = await freshPgDatabase(build.db);
  const dataDir = `/tmp/crm-bench-visibility-${build.name}`;
  fs.rmSync(dataDir, { recursive: true, force: true });
  const env = { ...process.env, DATABASE_URL: build.url, DATA_DIR: dataDir, LOG_LEVEL: 'error', AUTH_JWT_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: '1000000' };
  const api = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: build.dir,
    env: { ...env, PORT: String(build.port), PROJECTIONS: WORKERS > 0 ? 'off' : 'inline' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  build.children.push(api);
  await untilUp(`http://127.0.0.1:${build.port}/health`);
  for (let w = 0; w < WORKERS; w++) {
    const port = build.port + 100 + w;
    build.children.push(
      spawn(process.execPath, ['dist/apps/worker/src/main.js'], { cwd: build.dir, env: { ...env, WORKER_PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] }),
    );
    await untilUp(`http://127.0.0.1:${port}/health`);
  }
  const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const login = await request(`http://127.0.0.1:${build.port}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  build.headers = { authorization: `Bearer ${(login.json() as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
  for (let i = 0; i < CUSTOMERS; i++) {
    const res = await request(`http://127.0.0.1:${build.port}/api/v1/customers`, {
      method: 'POST',
      headers: build.headers,
      body: JSON.stringify({ name: `顾客 ${i}`, customerRef: `V-${i}` }),
    });
    if (res.status !== 201) throw new Error(`register: ${res.status}`);
    build.customers.push((res.json() as { customerId: string }).customerId);
  }
}

const round = (build: Build, roundNo: number, seconds = SECONDS) =>
  openLoop(
    { base: `http://127.0.0.1:${build.port}/api/v1`, headers: build.headers!, customers: build.customers },
    { rate: RATE, seconds, round: roundNo, noWait: NO_WAIT, read: READ, log },
  );

/** How the inline projection batched the load: batches, events a batch, mean ms a batch (from /metrics). */
async function batching(build: Build) {
  const res = await request(`http://127.0.0.1:${build.port}/metrics`, { headers: build.headers });
  if (res.status !== 200) return undefined;
  const text = res.text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{projection="customer-list"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const batches = value('crm_projection_batch_duration_seconds_count');
  return {
    projection: 'customer-list',
    batches,
    eventsPerBatch: Math.round((value('crm_projection_events_total') / batches) * 10) / 10,
    meanBatchMs: Math.round((value('crm_projection_batch_duration_seconds_sum') / batches) * 10_000) / 10,
  };
}

/** The floor: the same number of single-row INSERTs (autocommit) on one connection, one at a time. */
async function rawFloor(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, data jsonb NOT NULL)');
    const times: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const t0 = performance.now();
      await client.query('INSERT INTO bench_floor (data) VALUES ($1)', [JSON.stringify({ amountMinor: 12_900, i })]);
      times.push(performance.now() - t0);
    }
    const s = summary(times);
    return { inserts: s.n, p50: Math.round(s.p50 * 100) / 100, p99: Math.round(s.p99 * 100) / 100 };
  } finally {
    await client.end();
  }
}

async function main() {
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const builds: Build[] = [{ name: 'new', dir: path.resolve(__dirname, '..'), port: 3941, db: 'crm_bench_visibility_new', children: [], customers: [] }];
  if (OLD) builds.push({ name: 'old', dir: path.resolve(OLD), port: 3942, db: 'crm_bench_visibility_old', children: [], customers: [] });
  try {
    for (const build of builds) {
      log(`starting ${build.name} (${build.dir}), registering ${CUSTOMERS} customers`);
      await start(build);
    }
    const floor = await rawFloor(builds[0].url!);
    // Warm-up (JIT, pools, prepared statements), not counted.
    for (const build of builds) await round(build, -1, 5);
    const rounds: Array<Record<string, unknown>> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? [...builds].reverse() : builds;
      const result: Record<string, unknown> = {};
      for (const build of order) result[build.name] = await round(build, r);
      rounds.push(result);
      log(`round ${r + 1}`, JSON.stringify(result));
    }
    return {
      benchmark: 'visibility',
      load: `${RATE} purchases/s for ${SECONDS} s, open loop, each followed by GET /customers/{id}${READ === 'tier' ? '/tier' : ''}?waitFor=<position>`,
      projection: WORKERS > 0 ? `${WORKERS} worker process(es), API PROJECTIONS=off` : 'inline in the API process',
      machine: machine(),
      storage: 'postgres',
      floor: { what: 'single-row INSERT, autocommit, one connection (ms)', ...floor },
      builds: Object.fromEntries(builds.map((b) => [b.name, b.dir])),
      batching: WORKERS > 0 ? undefined : Object.fromEntries(await Promise.all(builds.map(async (b) => [b.name, await batching(b)]))),
      rounds,
    };
  } finally {
    for (const build of builds) for (const child of build.children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_500));
    for (const build of builds) await dropPgDatabase(build.db);
  }
}

printResult(main);
