// npm run bench:store: the event store's append, bulk append and readAll on
// PostgreSQL and PGlite, each beside baselines measured in the same run on
// the same table shape (plain INSERT, a 4-round-trip transaction, Emmett's
// appendToStream, COPY, a keyset SELECT). Prints one JSON document.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { migrate, PGliteClient, PostgresClient, SqlClient } from '@crm/database';
import { eventStoreMigrations, SqlEventStore } from '@crm/event-store/adapters';
import { dropPgDatabase, freshPgDatabase, machine, purchaseEvent, ratio, runConcurrent, timeIt, Throughput } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SCALE = Number(args.get('scale') ?? 1); // --scale=0.1 for a quick run
const STREAMS = 2_000;
const singles = { 1: Math.round(4_000 * SCALE), 8: Math.round(20_000 * SCALE), 32: Math.round(20_000 * SCALE) } as Record<number, number>;
const BULK_EVENTS = Math.round(1_000_000 * SCALE);
const PGLITE_BULK_EVENTS = Math.round(200_000 * SCALE);
const EVENTS_PER_STREAM = 10;
const BULK_STREAMS_PER_CALL = 500;
const PAGE = 1_000;

const INSERT_SQL = `INSERT INTO crm_events (stream_id, stream_version, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`;
const emmettDatabases: string[] = [];
const log = (...a: unknown[]) => console.error('[bench]', ...a);

/** Each worker owns its streams, so appends never conflict and versions are tracked client-side. */
function streamFor(i: number, worker: number, concurrency: number): number {
  const perWorker = Math.floor(STREAMS / concurrency);
  return worker + concurrency * (i % perWorker);
}

async function singleAppends(kind: 'postgres' | 'pglite', open: (concurrency: number) => Promise<{ sql: SqlClient; url?: string; done: () => Promise<void> }>) {
  const results: Record<string, Record<string, unknown>> = {};
  const levels = (args.get('levels')?.split(',').map(Number) ?? [1, 8, 32]).filter((c) => kind === 'postgres' || c <= 8);
  for (const c of levels) {
    const n = singles[c];
    const row: Record<string, Throughput | Record<string, number>> = {};

    {
      const db = await open(c);
      const store = new SqlEventStore(db.sql);
      const versions = new Map<number, number>();
      await runConcurrent(200, c, async (i, w) => {
        const s = streamFor(i, w, c) + STREAMS;
        const v = versions.get(s) ?? 0;
        await store.append(`warm-${s}`, [purchaseEvent(i)], v === 0 ? 'noStream' : v);
        versions.set(s, v + 1);
      });
      row.crmAppend = await runConcurrent(n, c, async (i, w) => {
        const s = streamFor(i, w, c);
        const v = versions.get(s) ?? 0;
        await store.append(`customer-${s}`, [purchaseEvent(i)], v === 0 ? 'noStream' : v);
        versions.set(s, v + 1);
      });
      await db.done();
    }
    {
      const db = await open(c);
      const versions = new Map<number, number>();
      row.plainInsert = await runConcurrent(n, c, async (i, w) => {
        const s = streamFor(i, w, c);
        const v = (versions.get(s) ?? 0) + 1;
        versions.set(s, v);
        const e = purchaseEvent(i);
        await db.sql.query(INSERT_SQL, [`customer-${s}`, v, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
      });
      await db.done();
    }
    {
      const db = await open(c);
      const versions = new Map<number, number>();
      row.plainInsertPrepared = await runConcurrent(n, c, async (i, w) => {
        const s = streamFor(i, w, c);
        const v = (versions.get(s) ?? 0) + 1;
        versions.set(s, v);
        const e = purchaseEvent(i);
        await db.sql.query(INSERT_SQL, [`customer-${s}`, v, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)], { name: 'bench_insert' });
      });
      await db.done();
    }
    {
      const db = await open(c);
      row.transaction4RoundTrips = await runConcurrent(n, c, async (i, w) => {
        const s = streamFor(i, w, c);
        const e = purchaseEvent(i);
        await db.sql.transaction(async (tx) => {
          const [cur] = await tx.query<{ v: string | null }>('SELECT max(stream_version) AS v FROM crm_events WHERE stream_id = $1', [`customer-${s}`]);
          await tx.query(INSERT_SQL, [`customer-${s}`, Number(cur.v ?? 0) + 1, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
        });
      });
      await db.done();
    }
    if (kind === 'postgres') {
      const name = `crm_bench_emmett_${c}`;
      emmettDatabases.push(name);
      const url = await freshPgDatabase(name);
      const emmett = getPostgreSQLEventStore(url);
      const versions = new Map<number, bigint>();
      await emmett.appendToStream('warm-up', [{ type: 'PurchaseRecorded', data: purchaseEvent(0).data }]);
      row.emmettAppendToStream = await runConcurrent(n, c, async (i, w) => {
        const s = streamFor(i, w, c);
        const v = versions.get(s) ?? 0n;
        const e = purchaseEvent(i);
        const result = await emmett.appendToStream(`customer-${s}`, [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedStreamVersion: v });
        versions.set(s, result.nextExpectedStreamVersion);
      });
      await emmett.close();
    }
    const crm = row.crmAppend as Throughput;
    row.ratios = {
      crmToPlainInsert: ratio(crm.perSec, (row.plainInsert as Throughput).perSec),
      crmToPlainInsertPrepared: ratio(crm.perSec, (row.plainInsertPrepared as Throughput).perSec),
      crmToTransaction4RoundTrips: ratio(crm.perSec, (row.transaction4RoundTrips as Throughput).perSec),
      ...(row.emmettAppendToStream ? { crmToEmmett: ratio(crm.perSec, (row.emmettAppendToStream as Throughput).perSec) } : {}),
    };
    results[`concurrency${c}`] = row;
    log(kind, `concurrency ${c}`, JSON.stringify(row));
  }
  return results;
}

function* bulkBatches(total: number) {
  const streams = Math.ceil(total / EVENTS_PER_STREAM);
  for (let first = 0; first < streams; first += BULK_STREAMS_PER_CALL) {
    const batch = [];
    for (let s = first; s < Math.min(first + BULK_STREAMS_PER_CALL, streams); s++) {
      batch.push({
        streamId: `customer-${s}`,
        expectedVersion: 'noStream' as const,
        events: Array.from({ length: EVENTS_PER_STREAM }, (_, k) => purchaseEvent(s * EVENTS_PER_STREAM + k)),
      });
    }
    yield batch;
  }
}

function copyText(batch: ReturnType<typeof bulkBatches> extends Generator<infer B> ? B : never): string {
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  let out = '';
  for (const r of batch) {
    r.events.forEach((e, k) => {
      out += `${r.streamId}\t${k + 1}\t${e.id}\t${e.type}\t${escape(JSON.stringify(e.data))}\t${escape(JSON.stringify(e.metadata))}\n`;
    });
  }
  return out;
}

const COPY_SQL = 'COPY crm_events (stream_id, stream_version, event_id, type, data, metadata) FROM STDIN';

async function bulkAndRead(kind: 'postgres' | 'pglite', total: number, open: () => Promise<{ sql: SqlClient; url?: string; done: () => Promise<void> }>) {
  const crmDb = await open();
  const store = new SqlEventStore(crmDb.sql);
  const bulk = await timeIt(total, async () => {
    for (const batch of bulkBatches(total)) await store.appendMany(batch);
  });
  log(kind, 'bulk appendMany', JSON.stringify(bulk));

  const copyDb = await open();
  const copy = await timeIt(total, async () => {
    if (kind === 'postgres') {
      const client = new Client({ connectionString: copyDb.url });
      await client.connect();
      try {
        for (const batch of bulkBatches(total)) {
          await pipeline(Readable.from([copyText(batch)]), client.query(copyFrom(COPY_SQL)));
        }
      } finally {
        await client.end();
      }
    } else {
      const lite = copyDb.sql as PGliteClient;
      for (const batch of bulkBatches(total)) {
        await lite.db.query(`${COPY_SQL.replace('STDIN', "'/dev/blob'")}`, [], { blob: new Blob([copyText(batch)]) });
      }
    }
  });
  log(kind, 'bulk COPY', JSON.stringify(copy));
  await copyDb.done();

  // Reads: our gap-safe readAll against a plain keyset SELECT on the same table and page size.
  let read = 0;
  const readAll = await timeIt(total, async () => {
    let after = 0;
    for (;;) {
      const page = await store.readAll({ after, limit: PAGE });
      read += page.events.length;
      after = page.checkpoint;
      if (!page.hasMore) break;
    }
  });
  if (read !== total) throw new Error(`readAll read ${read} of ${total} events`);
  log(kind, 'readAll', JSON.stringify(readAll));
  let keysetRead = 0;
  const keyset = await timeIt(total, async () => {
    let after = 0;
    for (;;) {
      const rows = await crmDb.sql.query<{ global_position: string }>(
        `SELECT global_position, stream_id, stream_version, event_id, type, data, metadata, recorded_at
           FROM crm_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
        [after, PAGE],
      );
      keysetRead += rows.length;
      if (rows.length < PAGE) break;
      after = Number(rows[rows.length - 1].global_position);
    }
  });
  if (keysetRead !== total) throw new Error(`keyset read ${keysetRead} of ${total}`);
  log(kind, 'keyset SELECT', JSON.stringify(keyset));
  await crmDb.done();
  return {
    bulk: { events: total, crmAppendMany: bulk, copy, ratio: ratio(bulk.perSec, copy.perSec), eventsPerCall: BULK_STREAMS_PER_CALL * EVENTS_PER_STREAM },
    readAll: { events: total, pageSize: PAGE, crmReadAll: readAll, keysetSelect: keyset, ratio: ratio(readAll.perSec, keyset.perSec) },
  };
}

async function main() {
  const report: Record<string, unknown> = { benchmark: 'store', date: new Date().toISOString(), scale: SCALE, machine: machine() };
  const only = args.get('only'); // postgres | pglite
  const part = args.get('part'); // singles | bulk

  if (!only || only === 'postgres') {
    let n = 0;
    const openPg = async (max = 8) => {
      const name = `crm_bench_${n++}`;
      const url = await freshPgDatabase(name);
      const sql = new PostgresClient(url, { max });
      await migrate(sql, eventStoreMigrations);
      return {
        sql,
        url,
        done: async () => {
          await sql.close();
          await dropPgDatabase(name);
        },
      };
    };
    const version = await (async () => {
      const p = new Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
      const { rows } = await p.query('SHOW server_version');
      await p.end();
      return rows[0].server_version;
    })();
    report.postgres = {
      server: version,
      ...(part !== 'bulk' ? { singleAppends: await singleAppends('postgres', openPg) } : {}),
      ...(part !== 'singles' ? await bulkAndRead('postgres', BULK_EVENTS, () => openPg(4)) : {}),
    };
  }

  if (!only || only === 'pglite') {
    const openLite = async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-'));
      const sql = await PGliteClient.open(dir);
      await migrate(sql, eventStoreMigrations);
      return {
        sql,
        done: async () => {
          await sql.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    };
    report.pglite = {
      note: 'one embedded connection: concurrent commands queue; Emmett is not run here (PostgreSQL only)',
      ...(part !== 'bulk' ? { singleAppends: await singleAppends('pglite', openLite) } : {}),
      ...(part !== 'singles' ? await bulkAndRead('pglite', PGLITE_BULK_EVENTS, openLite) : {}),
    };
  }

  const pg = report.postgres as
    undefined | { singleAppends: Record<string, { crmAppend: Throughput; ratios: Record<string, number> }>; bulk: { ratio: number }; readAll: { ratio: number } };
  if (pg?.singleAppends && pg.bulk) {
    const c8 = pg.singleAppends.concurrency8;
    report.targets = {
      'append c8 >= 70% of plain INSERT': { value: c8.ratios.crmToPlainInsert, pass: c8.ratios.crmToPlainInsert >= 0.7 },
      'append c8 >= 2x Emmett': { value: c8.ratios.crmToEmmett, pass: c8.ratios.crmToEmmett >= 2 },
      'append c8 p99 < 5 ms': { value: c8.crmAppend.p99Ms, pass: (c8.crmAppend.p99Ms ?? Infinity) < 5 },
      'bulk >= 50% of COPY': { value: pg.bulk.ratio, pass: pg.bulk.ratio >= 0.5 },
      'readAll >= 70% of keyset SELECT': { value: pg.readAll.ratio, pass: pg.readAll.ratio >= 0.7 },
    };
  }
  console.log(JSON.stringify(report, null, 2));
  // Emmett keeps idle connections after close(); dropping its databases ends them.
  process.on('uncaughtException', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  });
  for (const name of emmettDatabases) await dropPgDatabase(name);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
