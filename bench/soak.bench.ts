// npm run bench:soak: a long steady load on the built service as production
// runs it - PostgreSQL, an API that does not project (PROJECTIONS=off) and
// one projection worker - to see that nothing grows: every --sample seconds
// the resident memory and open file handles of each process, the database
// connections, the projections' lag, and the window's writes, reads and
// errors. The verdict compares the start of the steady part (after the
// warm-up) with its end, medians of three samples each: RSS within 10%,
// handles and connections not growing, lag bounded.
// Options: --minutes=30 --warmup=5 --rate=100 (writes/s) --reads=50 (reads/s)
// --customers=2000 --sample=30 (seconds). The heap each process reports
// (/metrics, used and after its last full collection) is sampled beside RSS:
// RSS includes what V8 has not given back yet, and with heap room to spare V8
// collects the old generation rarely, so the heap left after each full
// collection (--trace-gc's Mark-Compact lines) is what tells growth from
// garbage not yet collected. --snapshots writes a heap
// snapshot of the API at the end of the warm-up and at the end
// (--heapsnapshot-signal; into /tmp/crm-bench-soak) to tell what grew.
// Prints one JSON document.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { dropPgDatabase, freshPgDatabase, machine, percentile, printResult, request, untilUp } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const MINUTES = Number(args.get('minutes') ?? 30);
const WARMUP = Number(args.get('warmup') ?? 5);
const RATE = Number(args.get('rate') ?? 100);
const READS = Number(args.get('reads') ?? 50);
const CUSTOMERS = Number(args.get('customers') ?? 2_000);
const SAMPLE = Number(args.get('sample') ?? 30);
const SNAPSHOTS = args.has('snapshots');
const DB = 'crm_bench_soak';
const API_PORT = 3951;
const WORKER_PORT = 3952;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const log = (...a: unknown[]) => console.error('[bench]', ...a);

/** Resident memory (MiB) and open file handles of a process, from /proc. */
function processFacts(pid: number): { rssMiB: number; handles: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round((rssKiB / 1024) * 10) / 10, handles: fs.readdirSync(`/proc/${pid}/fd`).length };
}

/** The heap left after each full collection, read from a process's --trace-gc output. */
class MajorCollections {
  count = 0;
  lastAfterMiB = NaN;
  private pending = '';

  listen(child: ChildProcess): void {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const lines = (this.pending + chunk).split('\n');
      this.pending = lines.pop() ?? '';
      for (const line of lines) {
        const after = /Mark-Compact[^>]*-> ([\d.]+) \(/.exec(line);
        if (after) {
          this.count++;
          this.lastAfterMiB = Number(after[1]);
        }
      }
    });
  }
}

/** The V8 heap in use and held, and the memory outside it (buffers), in MiB, as the process's /metrics reports them. */
async function heapFacts(port: number): Promise<{ heapUsedMiB: number; heapTotalMiB: number; externalMiB: number }> {
  const text = (await request(`http://127.0.0.1:${port}/metrics`).catch(() => undefined))?.text() ?? '';
  const mib = (name: string) => Math.round((Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20) * 10) / 10;
  return { heapUsedMiB: mib('nodejs_heap_size_used_bytes'), heapTotalMiB: mib('nodejs_heap_size_total_bytes'), externalMiB: mib('nodejs_external_memory_bytes') };
}

async function main() {
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const url = await freshPgDatabase(DB);
  const dataDir = '/tmp/crm-bench-soak';
  fs.rmSync(dataDir, { recursive: true, force: true });
  const env = { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'error', AUTH_JWT_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: '1000000' };
  const children: Record<string, ChildProcess> = {};
  const pg = new Client({ connectionString: url });
  try {
    const snapshotFlags = SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dataDir}`] : [];
    const collections = { api: new MajorCollections(), worker: new MajorCollections() };
    children.api = spawn(process.execPath, ['--trace-gc', ...snapshotFlags, 'dist/apps/api/src/main.js'], {
      env: { ...env, PORT: String(API_PORT), PROJECTIONS: 'off' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    collections.api.listen(children.api);
    await untilUp(`http://127.0.0.1:${API_PORT}/health`);
    children.worker = spawn(process.execPath, ['--trace-gc', 'dist/apps/worker/src/main.js'], {
      env: { ...env, WORKER_PORT: String(WORKER_PORT) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    collections.worker.listen(children.worker);
    await untilUp(`http://127.0.0.1:${WORKER_PORT}/health`);
    await pg.connect();
    const base = `http://127.0.0.1:${API_PORT}/api/v1`;
    const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
    const login = await request(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const headers = { authorization: `Bearer ${(login.json() as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
    const customers: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const res = await request(`${base}/customers`, { method: 'POST', headers, body: JSON.stringify({ name: `顾客 ${i}`, customerRef: `SOAK-${i}` }) });
      if (res.status !== 201) throw new Error(`register: ${res.status}`);
      customers.push((res.json() as { customerId: string }).customerId);
    }
    log(`${CUSTOMERS} customers; ${RATE} writes/s and ${READS} reads/s for ${MINUTES} min`);

    let window = { writes: [] as number[], reads: [] as number[], errors: 0 };
    let sent = 0;
    const write = async () => {
      const i = sent++;
      const t0 = performance.now();
      const res = await request(`${base}/customers/${customers[i % customers.length]}/purchases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ orderId: `S-${i}`, occurredAt: new Date().toISOString(), amount: `${(i % 500) + 10}.00`, currency: 'CNY' }),
      }).catch(() => ({ status: 0 }));
      if (res.status === 201) window.writes.push(performance.now() - t0);
      else window.errors++;
    };
    const read = async () => {
      const t0 = performance.now();
      const who = customers[Math.floor(Math.random() * customers.length)];
      const res = await request(`${base}/customers/${who}${Math.random() < 0.5 ? '/tier' : ''}`, { headers }).catch(() => ({ status: 0 }));
      if (res.status === 200) window.reads.push(performance.now() - t0);
      else window.errors++;
    };
    // Open loop: the load is sent on its schedule whatever the answers take.
    const started = Date.now();
    const writer = setInterval(() => void write(), 1_000 / RATE);
    const reader = setInterval(() => void read(), 1_000 / READS);
    const samples: Array<Record<string, unknown>> = [];
    let snapshotAtWarmup = !SNAPSHOTS;
    try {
      while (Date.now() - started < MINUTES * 60_000) {
        await new Promise((r) => setTimeout(r, SAMPLE * 1_000));
        if (!snapshotAtWarmup && Date.now() - started >= WARMUP * 60_000) {
          snapshotAtWarmup = true;
          children.api.kill('SIGUSR2');
        }
        const [{ n }] = (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [DB])).rows;
        const health = (await request(`http://127.0.0.1:${WORKER_PORT}/health`).then((r) => r.json())) as { projections: Array<{ lag: number }> };
        const w = window;
        window = { writes: [], reads: [], errors: 0 };
        const sortedWrites = [...w.writes].sort((a, b) => a - b);
        const sample = {
          minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10,
          api: { ...processFacts(children.api.pid as number), ...(await heapFacts(API_PORT)), heapAfterFullGcMiB: collections.api.lastAfterMiB, fullGcs: collections.api.count },
          worker: {
            ...processFacts(children.worker.pid as number),
            ...(await heapFacts(WORKER_PORT)),
            heapAfterFullGcMiB: collections.worker.lastAfterMiB,
            fullGcs: collections.worker.count,
          },
          connections: n,
          maxLag: Math.max(0, ...health.projections.map((p) => p.lag)),
          writes: w.writes.length,
          writeP99Ms: Math.round(percentile(sortedWrites, 99) * 10) / 10,
          reads: w.reads.length,
          errors: w.errors,
        };
        samples.push(sample);
        log(JSON.stringify(sample));
      }
    } finally {
      clearInterval(writer);
      clearInterval(reader);
    }
    if (SNAPSHOTS) {
      children.api.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 20_000));
    }
    const steady = samples.filter((s) => (s.minute as number) >= WARMUP);
    const verdict = (proc: 'api' | 'worker') => {
      const facts = steady.map((s) => s[proc] as { rssMiB: number; handles: number; heapUsedMiB: number; externalMiB: number; heapAfterFullGcMiB: number; fullGcs: number });
      // Medians of three samples at each end: the heap breathes between collections; growth is the trend.
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
      const first = median(facts.slice(0, 3).map((f) => f.rssMiB));
      const last = median(facts.slice(-3).map((f) => f.rssMiB));
      const growth = first > 0 ? last / first - 1 : 0;
      // The lowest heap of each end's samples: nearest to what a collection leaves.
      const heapFirst = Math.min(...facts.slice(0, 3).map((f) => f.heapUsedMiB));
      const heapLast = Math.min(...facts.slice(-3).map((f) => f.heapUsedMiB));
      return {
        rssAfterWarmupMiB: first,
        rssAtEndMiB: last,
        rssMaxMiB: Math.max(...facts.map((f) => f.rssMiB)),
        rssGrowthPercent: Math.round(growth * 1_000) / 10,
        rssFlatWithin10Percent: Math.abs(growth) <= 0.1,
        heapUsedAfterWarmupMiB: heapFirst,
        heapUsedAtEndMiB: heapLast,
        externalAfterWarmupMiB: median(facts.slice(0, 3).map((f) => f.externalMiB)),
        externalAtEndMiB: median(facts.slice(-3).map((f) => f.externalMiB)),
        heapAfterFullGcAfterWarmupMiB: facts[0]?.heapAfterFullGcMiB,
        heapAfterFullGcAtEndMiB: facts[facts.length - 1]?.heapAfterFullGcMiB,
        fullGcsInSteadyPart: (facts[facts.length - 1]?.fullGcs ?? 0) - (facts[0]?.fullGcs ?? 0),
        handles: { first: facts[0]?.handles, max: Math.max(...facts.map((f) => f.handles)), last: facts[facts.length - 1]?.handles },
      };
    };
    const connections = steady.map((s) => s.connections as number);
    return {
      benchmark: 'soak',
      machine: machine(),
      storage: 'postgres',
      setup: { minutes: MINUTES, warmupMinutes: WARMUP, writesPerSec: RATE, readsPerSec: READS, customers: CUSTOMERS, processes: 'API (PROJECTIONS=off) + 1 worker' },
      writesSent: sent,
      errors: samples.reduce((n, s) => n + (s.errors as number), 0),
      api: verdict('api'),
      worker: verdict('worker'),
      connections: { first: connections[0], max: Math.max(...connections), last: connections[connections.length - 1] },
      maxLag: Math.max(...steady.map((s) => s.maxLag as number)),
      samples,
    };
  } finally {
    for (const child of Object.values(children)) child.kill('SIGTERM');
    await pg.end().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2_000));
    await dropPgDatabase(DB);
  }
}

printResult(main);
