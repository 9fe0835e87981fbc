// npm run bench:workers: projection throughput of worker processes on one
// PostgreSQL, with 1 and with 2 workers on the same log in the same run, the
// projectors whole and split in partitions (PROJECTION_PARTITIONS).
// The generated shop history (default 300k events) is projected from
// position 0 by `npm run worker` processes (the built worker, leases as in
// production); timed from the spawn until every projector (each partition)
// has applied its last event. The read models and checkpoints are emptied
// between the runs. Beside them, the same log projected by `crm rebuild` (one
// process, fresh tables, indexes after: the fastest way from 0). Prints one
// JSON document. Options: --events=N --partitions=N (default 4)
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresClient } from '@crm/database';
import { partitionSql } from '@crm/event-store';
import { SqlEventStore } from '@crm/event-store/adapters';
import { partitioned } from '@crm/projections';
import { loadConfig } from '@crm/shared';
import { runtimeProjectors } from '@crm/wiring';
import { CLI, dropPgDatabase, freshPgDatabase, machine, printResult, ratio } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 300_000);
const PARTITIONS = Number(args.get('partitions') ?? 4);
const DB = 'crm_bench_workers';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number) => Math.round(n * 100) / 100;

/** What a worker runs: the read models and the webhook outbox. */
const running = (sql: PostgresClient) => runtimeProjectors(loadConfig({}), new SqlEventStore(sql), sql);

async function emptyReadModels(sql: PostgresClient): Promise<void> {
  const tables = running(sql).flatMap((p) => p.tables);
  await sql.exec(`TRUNCATE ${tables.join(', ')}; DELETE FROM crm_projection_checkpoints; DELETE FROM crm_projection_leases; DELETE FROM crm_projection_workers;`);
}

/** The checkpoint each unit ends at: the last event (in commit order) of its partition, or of the log. */
async function targets(sql: PostgresClient, partitions: number): Promise<Map<string, number>> {
  const last = await sql.query<{ part: number; p: string }>(
    `SELECT DISTINCT ON (part) part, global_position::text AS p FROM (SELECT ${partitionSql('stream_id', partitions)} AS part, transaction_id, global_position FROM crm_events) e
      ORDER BY part, transaction_id DESC, global_position DESC`,
  );
  const end = await new SqlEventStore(sql).lastPosition();
  const byPart = new Map(last.map((r) => [Number(r.part), Number(r.p)]));
  return new Map(partitioned(running(sql), partitions).map((u) => [u.name, u.partition ? (byPart.get(u.partition.index) ?? 0) : end]));
}

async function caughtUp(sql: PostgresClient, wanted: Map<string, number>): Promise<boolean> {
  const rows = await sql.query<{ name: string; position: string }>('SELECT name, position::text AS position FROM crm_projection_checkpoints');
  const at = new Map(rows.map((r) => [r.name, Number(r.position)]));
  return [...wanted].every(([name, position]) => position === 0 || (at.get(name) ?? -1) >= position);
}

interface Run {
  workers: number;
  partitions: number;
  units: number;
  seconds: number;
  eventsPerSec: number;
}

async function project(url: string, sql: PostgresClient, workers: number, partitions: number, last: number, dataDir: string): Promise<Run> {
  await emptyReadModels(sql);
  const wanted = await targets(sql, partitions);
  const started = performance.now();
  const children: ChildProcess[] = Array.from({ length: workers }, (_, i) =>
    spawn(process.execPath, [join('dist', 'apps', 'worker', 'src', 'main.js')], {
      env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, WORKER_PORT: String(43_100 + i), LOG_LEVEL: 'warn', PROJECTION_PARTITIONS: String(partitions) },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  try {
    while (!(await caughtUp(sql, wanted))) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    return { workers, partitions, units: wanted.size, seconds: round(seconds), eventsPerSec: Math.round(last / seconds) };
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
    const runs: Run[] = [];
    for (const partitions of [1, PARTITIONS]) {
      for (const workers of [1, 2]) {
        log(`${workers} worker(s), ${partitions} partition(s)`);
        runs.push(await project(url, sql, workers, partitions, last, dataDir));
        log(`${workers} worker(s), ${partitions} partition(s): ${runs[runs.length - 1].seconds} s`);
      }
    }
    const [one, two, onePart, twoPart] = runs;
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
      runs,
      twoVsOne: ratio(two.eventsPerSec, one.eventsPerSec),
      twoVsOnePartitioned: ratio(twoPart.eventsPerSec, onePart.eventsPerSec),
      partitionedVsWhole: { oneWorker: ratio(onePart.eventsPerSec, one.eventsPerSec), twoWorkers: ratio(twoPart.eventsPerSec, two.eventsPerSec) },
      rebuild: { seconds: rebuildSeconds, eventsPerSec: Math.round(last / rebuildSeconds) },
      note: 'seconds from spawning the workers until every projector (each partition) has applied its last event (process start-up included)',
    };
  } finally {
    await sql.close();
    rmSync(dataDir, { recursive: true, force: true });
    await dropPgDatabase(DB);
  }
}

printResult(main);
