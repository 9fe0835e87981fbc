// npm run bench:workers: projection throughput of worker processes on one
// PostgreSQL, with 1 and with 2 workers on the same log in the same run.
// The generated shop history (default 300k events) is projected from
// position 0 by `npm run worker` processes (the built worker, leases as in
// production); timed from the spawn until every projector's checkpoint has
// reached the end of the log. The read models and checkpoints are emptied
// between the runs. Beside them, the same log projected by `crm rebuild` (one
// process, fresh tables, indexes after: the fastest way from 0). Prints one
// JSON document. Options: --events=N
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store';
import { loadConfig } from '@crm/shared';
import { runtimeProjectors } from '../apps/api/src/projectors';
import { CLI, dropPgDatabase, freshPgDatabase, machine, printResult, ratio } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 300_000);
const DB = 'crm_bench_workers';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number) => Math.round(n * 100) / 100;

/** What a worker runs: the read models and the webhook outbox. */
const running = (sql: PostgresClient) => runtimeProjectors(loadConfig({}), new SqlEventStore(sql), sql);

async function emptyReadModels(sql: PostgresClient): Promise<void> {
  const tables = running(sql).flatMap((p) => p.tables);
  await sql.exec(`TRUNCATE ${tables.join(', ')}; DELETE FROM crm_projection_checkpoints; DELETE FROM crm_projection_leases; DELETE FROM crm_projection_workers;`);
}

async function caughtUp(sql: PostgresClient, last: number, projectors: number): Promise<boolean> {
  const rows = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM crm_projection_checkpoints WHERE position >= $1', [last]);
  return Number(rows[0].n) >= projectors;
}

async function project(url: string, sql: PostgresClient, workers: number, last: number, dataDir: string): Promise<{ workers: number; seconds: number; eventsPerSec: number }> {
  await emptyReadModels(sql);
  const projectors = running(sql).length;
  const started = performance.now();
  const children: ChildProcess[] = Array.from({ length: workers }, (_, i) =>
    spawn(process.execPath, [join('dist', 'apps', 'worker', 'src', 'main.js')], {
      env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, WORKER_PORT: String(43_100 + i), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  try {
    while (!(await caughtUp(sql, last, projectors))) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    return { workers, seconds: round(seconds), eventsPerSec: Math.round(last / seconds) };
  } finally {
    await Promise.all(children.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM')))));
  }
}

async function main() {
  if (spawnSync(process.execPath, ['scripts/ensure-build.js', '--quiet'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const url = await freshPgDatabase(DB);
  const sql = new PostgresClient(url);
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-workers-'));
  try {
    log(`seeding ${EVENTS} events`);
    const seeded = await seedShopHistory(url, EVENTS, log);
    const last = await new SqlEventStore(sql).lastPosition();
    log('1 worker');
    const one = await project(url, sql, 1, last, dataDir);
    log(`1 worker: ${one.seconds} s`);
    log('2 workers');
    const two = await project(url, sql, 2, last, dataDir);
    log(`2 workers: ${two.seconds} s`);
    await emptyReadModels(sql);
    const t0 = performance.now();
    const rebuilt = spawnSync(process.execPath, [...CLI, 'rebuild'], { env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir }, stdio: 'ignore' });
    if (rebuilt.status !== 0) throw new Error('crm rebuild failed');
    const rebuildSeconds = round((performance.now() - t0) / 1000);
    return {
      benchmark: 'workers',
      machine: machine(),
      storage: 'postgres',
      log: { events: last, customers: seeded.customers },
      oneWorker: one,
      twoWorkers: two,
      twoVsOne: ratio(two.eventsPerSec, one.eventsPerSec),
      rebuild: { seconds: rebuildSeconds, eventsPerSec: Math.round(last / rebuildSeconds) },
      note: 'seconds from spawning the workers until every projector has reached the end of the log (process start-up included)',
    };
  } finally {
    await sql.close();
    rmSync(dataDir, { recursive: true, force: true });
    await dropPgDatabase(DB);
  }
}

printResult(main);
