// npm run bench:import: `crm import` of a generated shop history (1M rows,
// 100k customers by default) on PostgreSQL, beside COPY of the very events
// it stored into the same table of a fresh database, in the same run; then
// the same import on PGlite (a smaller file by default), reported on its own.
// With --old=DIR the build in DIR (a built `git worktree` of an older commit)
// imports the same file into a database of its own, rounds interleaved
// (--rounds=N, default 1). Beside each import, the CPU the local PostgreSQL
// server spent on it (its processes in /proc; omitted when it runs elsewhere).
// Prints one JSON document. Options: --rows=N --customers=N --pglite-rows=N --old=DIR --rounds=N.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { CLI, dropPgDatabase, freshPgDatabase, machine, ratio } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const ROWS = Number(args.get('rows') ?? 1_000_000);
const CUSTOMERS = Number(args.get('customers') ?? 100_000);
const PGLITE_ROWS = Number(args.get('pglite-rows') ?? 100_000);
const OLD = args.get('old');
const ROUNDS = Number(args.get('rounds') ?? 1);
const ROOT = path.resolve(__dirname, '..');
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const HEADER = 'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items';

/** A shop's history in time order, customers interleaved: purchases with an item, one refund in twenty. */
function writeHistory(file: string, rows: number, customers: number): void {
  const fd = fs.openSync(file, 'w');
  const start = Date.parse('2022-01-01T00:00:00Z');
  const step = Math.floor((3 * 365 * 86_400_000) / rows);
  let chunk = `${HEADER}\n`;
  for (let i = 0; i < rows; i++) {
    const c = (i * 7919) % customers;
    const at = new Date(start + i * step).toISOString().replace('.000Z', 'Z');
    if (i % 20 === 19) chunk += `B-${c},refund,,BR-${i},${at},1.00,CNY,,,\n`;
    else
      chunk += `B-${c},purchase,BO-${i},,${at},${(i % 500) + 10}.90,CNY,web,Zhejiang,"[{""sku"":""SKU-${i % 977}"",""category"":""home & living"",""quantity"":1,""unitPrice"":""${(i % 500) + 10}.90""}]"\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

interface ImportRun {
  seconds: number;
  rows: number;
  rowsPerSec: number;
  imported: number;
  rejected: number;
  peakRssMiB: number;
  eventsWritten: number;
}

/** CPU seconds the local PostgreSQL server's processes have used, ended ones included (the postmaster's children's time). */
function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let found = false;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0);
      found = true;
    } catch {
      // a process that ended meanwhile
    }
  }
  return found ? ticks / 100 : undefined;
}

function crmImport(file: string, env: NodeJS.ProcessEnv, dir = ROOT): ImportRun {
  const run = spawnSync(process.execPath, [...CLI, 'import', file], {
    cwd: dir,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0 && run.status !== 2) throw new Error(`crm import failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout);
}

function migrateWith(dir: string, url: string): void {
  const migrated = spawnSync(process.execPath, [...CLI, 'migrate'], { cwd: dir, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' }, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(migrated.stderr);
}

async function copyFloor(sourceUrl: string, targetUrl: string, dumpFile: string): Promise<{ events: number; seconds: number; perSec: number }> {
  const source = new Client({ connectionString: sourceUrl });
  const target = new Client({ connectionString: targetUrl });
  await source.connect();
  await target.connect();
  try {
    const columns = 'stream_id, stream_version, event_id, type, data, metadata';
    await pipeline(source.query(copyTo(`COPY (SELECT ${columns} FROM crm_events ORDER BY global_position) TO STDOUT`)), fs.createWriteStream(dumpFile));
    const started = process.hrtime.bigint();
    await pipeline(fs.createReadStream(dumpFile), target.query(copyFrom(`COPY crm_events (${columns}) FROM STDIN`)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [{ n }] = (await target.query('SELECT count(*)::int AS n FROM crm_events')).rows;
    return { events: n, seconds: Math.round(seconds * 100) / 100, perSec: Math.round(n / seconds) };
  } finally {
    await source.end();
    await target.end();
  }
}

async function main() {
  const built = spawnSync(process.execPath, ['scripts/ensure-build.js', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-import-'));
  const names = ['crm_bench_import', 'crm_bench_import_copy'];
  try {
    const file = path.join(dir, 'history.csv');
    writeHistory(file, ROWS, CUSTOMERS);
    log(`${ROWS} rows, ${CUSTOMERS} customers, ${Math.round(fs.statSync(file).size / 1024 / 1024)} MiB`);
    const [importUrl, copyUrl] = await Promise.all(names.map((n) => freshPgDatabase(n)));
    // The COPY target gets the same schema: migrated by the CLI, as the import's database is.
    migrateWith(ROOT, copyUrl);
    const rounds: Array<Record<string, unknown>> = [];
    let pg: ImportRun | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      for (const build of OLD ? ['old', 'new'] : ['new']) {
        const dirOf = build === 'old' ? path.resolve(OLD as string) : ROOT;
        const url = round === ROUNDS - 1 && build === 'new' ? importUrl : await freshPgDatabase(`crm_bench_import_${build}_${round}`);
        migrateWith(dirOf, url);
        log(`crm import on postgres (${build}, round ${round + 1})`);
        const before = postgresCpuSeconds();
        const run = crmImport(file, { DATABASE_URL: url }, dirOf);
        const after = postgresCpuSeconds();
        const databaseCpuSeconds = before === undefined || after === undefined ? undefined : Math.round((after - before) * 100) / 100;
        log(`import (${build}): ${run.rowsPerSec} rows/s in ${run.seconds} s, peak RSS ${run.peakRssMiB} MiB, database CPU ${databaseCpuSeconds} s`);
        rounds.push({ build, round: round + 1, seconds: run.seconds, eventsPerSec: Math.round(run.eventsWritten / run.seconds), peakRssMiB: run.peakRssMiB, databaseCpuSeconds });
        if (url !== importUrl) await dropPgDatabase(`crm_bench_import_${build}_${round}`);
        else pg = run;
      }
    }
    if (!pg) throw new Error('no import of this build');
    log(`import: ${pg.rowsPerSec} rows/s in ${pg.seconds} s, peak RSS ${pg.peakRssMiB} MiB`);
    log('COPY of the same events');
    const cpuBeforeCopy = postgresCpuSeconds();
    const copy = await copyFloor(importUrl, copyUrl, path.join(dir, 'events.copy'));
    const cpuAfterCopy = postgresCpuSeconds();
    const copyCpu = cpuBeforeCopy === undefined || cpuAfterCopy === undefined ? undefined : Math.round((cpuAfterCopy - cpuBeforeCopy) * 100) / 100;
    const importEventsPerSec = Math.round(pg.eventsWritten / pg.seconds);

    const pgliteFile = path.join(dir, 'history-pglite.csv');
    writeHistory(pgliteFile, PGLITE_ROWS, Math.max(1, Math.round((CUSTOMERS * PGLITE_ROWS) / ROWS)));
    log(`crm import on pglite (${PGLITE_ROWS} rows)`);
    const env: NodeJS.ProcessEnv = { DATA_DIR: path.join(dir, 'pglite') };
    const pglite = crmImport(pgliteFile, { ...env, DATABASE_URL: '' });

    console.log(
      JSON.stringify(
        {
          benchmark: 'import',
          machine: machine(),
          rows: ROWS,
          customers: CUSTOMERS,
          postgres: {
            import: { ...pg, eventsPerSec: importEventsPerSec },
            copy: { ...copy, databaseCpuSeconds: copyCpu },
            importVsCopy: ratio(importEventsPerSec, copy.perSec),
            rounds,
          },
          pglite: { rows: PGLITE_ROWS, import: pglite },
          target: 'import >= 0.50 of COPY (events/s), peak RSS < 300 MiB',
        },
        null,
        2,
      ),
    );
  } finally {
    for (const n of names) await dropPgDatabase(n);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
