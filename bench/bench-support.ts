// Shared helpers for the benchmarks: timing, percentiles, machine facts,
// fresh PostgreSQL databases, and realistic event payloads.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import * as os from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * The CLI as `npm run cli` starts it, node flags included (a heap limit:
 * without one V8 lets the heap grow to what a large machine allows).
 */
const cliScript: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).scripts.cli;
export const CLI: string[] = [
  ...(cliScript
    .match(/ node ((?:--\S+ )*)dist/)?.[1]
    .split(' ')
    .filter(Boolean) ?? []),
  'dist/apps/cli/src/main.js',
];

/**
 * One master key for every process a benchmark starts (the CLI, services,
 * workers): each would otherwise make its own in its data folder, and the
 * second to start on a database refuses a key that cannot open the first's
 * key check. Made per run: nothing to keep.
 */
process.env.CRM_MASTER_KEY ??= randomBytes(32).toString('base64');

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function freshPgDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabase(PG_URL, name);
}

export async function dropPgDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface Throughput {
  ops: number;
  seconds: number;
  perSec: number;
  p50Ms?: number;
  p99Ms?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `total` operations with `concurrency` workers; op(i, worker) performs operation i. */
export async function runConcurrent(total: number, concurrency: number, op: (i: number, worker: number) => Promise<void>): Promise<Throughput> {
  const latencies: number[] = new Array(total);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = process.hrtime.bigint();
        await op(i, worker);
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    ops: total,
    seconds: round(seconds, 3),
    perSec: Math.round(total / seconds),
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
  };
}

export async function timeIt(ops: number, fn: () => Promise<void>): Promise<Throughput> {
  const started = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ops, seconds: round(seconds, 3), perSec: Math.round(ops / seconds) };
}

export function ratio(a: number, b: number): number {
  return round(a / b, 3);
}

export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/** Whole numbers below n from a fixed seed (mulberry32): the same sequence on every run. */
export function randomInts(seed: number): (n: number) => number {
  // mulberry32: 32-bit integer steps (a product of two 31-bit numbers would lose bits in a double).
  let x = seed >>> 0;
  return (n: number) => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** A purchase-shaped event: the size of what the product stores most. */
export function purchaseEvent(i: number) {
  return {
    id: randomUUID(),
    type: 'PurchaseRecorded',
    data: {
      orderId: `ORD-${i}`,
      amountMinor: 12_900 + (i % 1000),
      currency: 'CNY',
      channel: 'tmall',
      occurredAt: '2024-05-31T10:00:00.000Z',
      items: [{ sku: `SKU-${i % 97}`, category: 'dresses', quantity: 1, unitPriceMinor: 12_900 }],
    },
    metadata: { actor: 'bench', correlationId: randomUUID(), source: 'api' as const, occurredAt: '2024-05-31T10:00:00.000Z' },
  };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One HTTP request over a kept-alive connection with node:http: the load
 * generator shares the cores with the service, and undici's fetch costs
 * several times more CPU a request (a POST body is teed and cloned).
 */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: () => unknown; text: () => string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: () => JSON.parse(text), text: () => text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Resolves once `url` answers 200 (a service started as a child process), failing after two minutes. */
export async function untilUp(url: string): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    const up = await request(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Runs a benchmark's main, prints its result as one JSON document and exits once stdout is written (a pipe is asynchronous). */
export function printResult(main: () => Promise<unknown>): void {
  main().then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** The segment the segment benchmarks publish and preview: lifecycle, money and a time-caused condition. */
export const ACTIVE_OR_BIG_SPENDERS = {
  name: '活跃或高消费',
  match: 'any',
  conditions: [
    { field: 'lifecycle', op: 'in', value: ['NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT'] },
    { field: 'netSpend', op: '>=', value: '3000.00' },
  ],
  groups: [{ match: 'all', conditions: [{ field: 'daysSinceLastPurchase', op: 'between', value: [30, 90] }] }],
};
