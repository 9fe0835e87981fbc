// npm run bench:auth: what authentication costs an append. The real service
// (PostgreSQL, projections inline) records purchases over HTTP at
// concurrency 8, with a bearer access token, with an API key, and without
// credentials - the baseline, served by the same process, which the
// benchmark alone can open (never configuration). Rounds alternate so that
// drift hits every mode alike; the median round counts. Prints one JSON document.
import { INestApplication } from '@nestjs/common';
import { createApp } from '../apps/api/src/create-app';
import { AccountsService } from '@crm/accounts';
import { contextFor, loadConfig, operatorPrincipal, Principal } from '@crm/shared';
import { dropPgDatabase, freshPgDatabase, machine, ratio, runConcurrent, Throughput } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const PER_ROUND = Number(args.get('requests') ?? 3_000);
const ROUNDS = Number(args.get('rounds') ?? 3);
const CONCURRENCY = 8;
const CUSTOMERS_PER_WORKER = 100;
const log = (...a: unknown[]) => console.error('[bench]', ...a);

const baseline: Principal = { kind: 'operator', id: 'bench', name: 'bench' };

async function main() {
  const database = 'crm_bench_auth';
  const url = await freshPgDatabase(database);
  let app: INestApplication | undefined;
  try {
    app = await createApp(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DATA_DIR: '/tmp/crm-bench-auth', RATE_LIMIT_PER_MINUTE: '1000000' }), {
      benchmarkPrincipal: baseline,
    });
    await app.listen(0);
    const port = (app.getHttpServer().address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}/api/v1`;
    const accounts = app.get(AccountsService);
    const operator = contextFor(operatorPrincipal());
    await accounts.create({ username: 'bench.agent', password: 'a long enough password', role: 'agent' }, operator);
    const { accessToken } = await accounts.login('bench.agent', 'a long enough password');
    const { ids } = await accounts.issueApiKey({ name: 'bench', operations: ['purchases.record', 'customers.register'] }, operator);

    const modes: Record<string, Record<string, string>> = {
      unauthenticated: {},
      token: { authorization: `Bearer ${accessToken}` },
      apiKey: { authorization: `Bearer ${ids.key}` },
    };
    // Customers of their own for each worker and mode: appends never contend for a stream, and no
    // stream grows long (a command folds its customer's stream).
    const customers = new Map<string, string[][]>();
    for (const [mode, headers] of Object.entries(modes)) {
      const lists: string[][] = Array.from({ length: CONCURRENCY }, () => []);
      await runConcurrent(CONCURRENCY * CUSTOMERS_PER_WORKER, CONCURRENCY, async (i, w) => {
        const res = await fetch(`${base}/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ name: `${mode} ${i}` }),
        });
        if (res.status !== 201) throw new Error(`register as ${mode}: ${res.status} ${await res.text()}`);
        lists[w].push(((await res.json()) as { customerId: string }).customerId);
      });
      customers.set(mode, lists);
    }

    let order = 0;
    const round = (mode: string, n: number): Promise<Throughput> =>
      runConcurrent(n, CONCURRENCY, async (i, w) => {
        const mine = customers.get(mode)?.[w] ?? [];
        const res = await fetch(`${base}/customers/${mine[i % mine.length]}/purchases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...modes[mode] },
          body: JSON.stringify({ orderId: `B-${++order}`, occurredAt: '2024-05-31T10:00:00+08:00', amount: '19.90', currency: 'CNY', channel: 'tmall' }),
        });
        if (res.status !== 201) throw new Error(`append as ${mode}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });

    for (const mode of Object.keys(modes)) await round(mode, 300);
    const results: Record<string, Throughput[]> = { unauthenticated: [], token: [], apiKey: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of Object.keys(modes)) {
        const t = await round(mode, PER_ROUND);
        results[mode].push(t);
        log(`round ${r + 1} ${mode}: ${t.perSec}/s p99 ${t.p99Ms} ms`);
      }
    }
    const median = (ts: Throughput[]) => [...ts].sort((a, b) => a.perSec - b.perSec)[Math.floor(ts.length / 2)];
    const summary = Object.fromEntries(Object.entries(results).map(([mode, ts]) => [mode, { median: median(ts), rounds: ts.map((t) => t.perSec) }]));
    const unauth = median(results.unauthenticated).perSec;
    console.log(
      JSON.stringify(
        {
          benchmark: 'auth',
          machine: machine(),
          storage: 'postgres',
          concurrency: CONCURRENCY,
          requestsPerRound: PER_ROUND,
          rounds: ROUNDS,
          appendsPerSec: summary,
          tokenVsUnauthenticated: ratio(median(results.token).perSec, unauth),
          apiKeyVsUnauthenticated: ratio(median(results.apiKey).perSec, unauth),
          target: 'authenticated >= 0.90 of unauthenticated',
        },
        null,
        2,
      ),
    );
  } finally {
    await app?.close();
    await dropPgDatabase(database);
  }
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
