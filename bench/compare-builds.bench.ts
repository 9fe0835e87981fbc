// npm run bench:compare -- --old=<folder of another build>: the single-customer
// tier read over HTTP, this build against another one (e.g. a `git worktree`
// of an older commit, built with `npx nest build api`), on one PostgreSQL
// database seeded once with the generated shop history of bench:rebuild and
// projected by this build's `crm rebuild`. Both services run as their own
// processes on the same database; 8 clients read in rounds, old and new
// interleaved, so that the machine's drift falls on both. Prints one JSON document.
// Options: --old=DIR (required) --events=N --requests=N --rounds=N
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nameUuid } from '@crm/shared';
import { CLI, dropPgDatabase, freshPgDatabase, machine, printResult, randomInts, request, runConcurrent } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const OLD = args.get('old');
const EVENTS = Number(args.get('events') ?? 1_000_000);
const REQUESTS = Number(args.get('requests') ?? 2_000);
const ROUNDS = Number(args.get('rounds') ?? 3);
const DB = 'crm_bench_compare';
const AS_OF = '2025-06-30';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const log = (...a: unknown[]) => console.error('[bench]', ...a);

async function serve(dir: string, url: string, port: number, dataDir: string): Promise<ChildProcess> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'error', AUTH_JWT_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: '1000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const ok = await request(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${dir} did not start`);
}

async function main() {
  if (!OLD) throw new Error('--old=<folder of the other build> is required');
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const url = await freshPgDatabase(DB);
  const children: ChildProcess[] = [];
  try {
    log(`seeding ${EVENTS} events`);
    const seeded = await seedShopHistory(url, EVENTS, log);
    log('projecting (crm rebuild of this build)');
    if (spawnSync(process.execPath, [...CLI, 'rebuild'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'ignore' }).status !== 0) throw new Error('rebuild failed');
    // This build first: it makes the first admin (its password in its data folder); both share the token secret.
    const newDir = path.resolve(__dirname, '..');
    children.push(await serve(newDir, url, 3931, '/tmp/crm-bench-compare-new'));
    children.push(await serve(path.resolve(OLD), url, 3932, '/tmp/crm-bench-compare-old'));
    const password = fs.readFileSync('/tmp/crm-bench-compare-new/initial-admin-password', 'utf8').trim();
    const login = await request('http://127.0.0.1:3931/api/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const { accessToken } = login.json() as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}` };
    const pick = randomInts(99);
    const someone = () => nameUuid(`bench-customer:7:${pick(seeded.customers)}`);
    const tierRead = (port: number) => async () => {
      const res = await request(`http://127.0.0.1:${port}/api/v1/customers/${someone()}/tier?asOf=${AS_OF}`, { headers });
      if (res.status !== 200) throw new Error(`tier on ${port}: ${res.status}`);
    };
    const builds = { new: 3931, old: 3932 } as const;
    for (const port of Object.values(builds)) await runConcurrent(200, 8, tierRead(port));
    const rounds: Array<Record<string, unknown>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const);
      const r: Record<string, unknown> = {};
      for (const build of order) r[build] = await runConcurrent(REQUESTS, 8, tierRead(builds[build]));
      rounds.push(r);
      log(`round ${round + 1}`, JSON.stringify(r));
    }
    return { benchmark: 'compare-builds', read: 'GET /customers/{id}/tier, 8 clients', machine: machine(), storage: 'postgres', log: seeded, old: path.resolve(OLD), rounds };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    await dropPgDatabase(DB);
  }
}

printResult(main);
