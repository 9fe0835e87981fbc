// npm run bench:graphql: the GraphQL customer page (100 customers with their
// tier and lifecycle) at concurrency 8, beside the REST list of the same
// 100 customers (GET /customers?limit=100, which answers tier and lifecycle
// too), in the same process and run, on PostgreSQL. Rounds alternate; the
// ratio is the median of each GraphQL round over the REST round before it. Prints one JSON document. The npm script sets
// NODE_ENV=production as deployments do (graphql-js reads it when loaded).
// --modes=graphql runs one side only (for profiling).
import { INestApplication } from '@nestjs/common';
import { createApp } from '../apps/api/src/create-app';
import { AccountsService } from '@crm/accounts';
import { CustomerCommandsService } from '@crm/customers';
import { contextFor, loadConfig, operatorPrincipal } from '@crm/shared';
import { dropPgDatabase, freshPgDatabase, machine, ratio, request, runConcurrent, Throughput } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const CUSTOMERS = Number(args.get('customers') ?? 2_000);
const PER_ROUND = Number(args.get('requests') ?? 1_000);
const ROUNDS = Number(args.get('rounds') ?? 5);
const CONCURRENCY = 8;
const log = (...a: unknown[]) => console.error('[bench]', ...a);

const QUERY =
  process.env.BENCH_QUERY ??
  `query ($after: String) { customers(first: 100, after: $after) { edges { node { id customerRef netSpend purchaseCount tier { tier } lifecycle { lifecycle } } } pageInfo { endCursor } } }`;

function pairedRatio(a: Throughput[], b: Throughput[]): number {
  const ratios = a.map((t, i) => ratio(t.perSec, b[i].perSec)).sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)];
}

async function main() {
  const database = 'crm_bench_graphql';
  const url = await freshPgDatabase(database);
  let app: INestApplication | undefined;
  try {
    app = await createApp(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DATA_DIR: '/tmp/crm-bench-graphql', RATE_LIMIT_PER_MINUTE: '1000000' }));
    await app.listen(0);
    const port = (app.getHttpServer().address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    const customers = app.get(CustomerCommandsService);
    const operator = contextFor(operatorPrincipal());
    log(`loading ${CUSTOMERS} customers with 3 purchases each`);
    await runConcurrent(CUSTOMERS, CONCURRENCY, async (i) => {
      const { ids } = await customers.register({ customerRef: `B-${i}`, name: `Customer ${i}` }, operator);
      for (let p = 0; p < 3; p++) {
        await customers.recordPurchase(
          ids.customerId,
          { orderId: `B-${i}-${p}`, occurredAt: `2024-0${1 + p * 3}-15T10:00:00Z`, amount: `${(i % 50) * 40 + p}.00`, currency: 'CNY' },
          operator,
        );
      }
    });
    const accounts = app.get(AccountsService);
    await accounts.create({ username: 'bench.manager', password: 'a long enough password', role: 'manager' }, operator);
    const { accessToken } = await accounts.login('bench.manager', 'a long enough password');
    const auth = { authorization: `Bearer ${accessToken}` };
    // Wait until the list read model has every customer.
    for (;;) {
      const res = await fetch(`${base}/health`);
      const health = (await res.json()) as { projections: Array<{ lag: number }> };
      if (health.projections.every((p) => p.lag === 0)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Pages of 100 (cursors of the first pages, so every request reads a full page).
    const restCursors: Array<string | null> = [null];
    const gqlCursors: Array<string | null> = [null];
    for (let i = 0; i < Math.min(10, Math.floor(CUSTOMERS / 100) - 1); i++) {
      const rest = (await (await fetch(`${base}/api/v1/customers?limit=100${restCursors[i] ? `&cursor=${restCursors[i]}` : ''}`, { headers: auth })).json()) as {
        nextCursor: string;
      };
      restCursors.push(rest.nextCursor);
      const gql = (await (
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ query: QUERY, variables: { after: gqlCursors[i] } }),
        })
      ).json()) as { data: { customers: { pageInfo: { endCursor: string } } } };
      gqlCursors.push(gql.data.customers.pageInfo.endCursor);
    }
    const modes: Record<string, (i: number) => Promise<void>> = {
      rest: async (i) => {
        const cursor = restCursors[i % restCursors.length];
        const res = await request(`${base}/api/v1/customers?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
        const body = res.json() as { items: unknown[] };
        if (res.status !== 200 || body.items.length !== 100) throw new Error(`REST page: ${res.status}`);
      },
      graphql: async (i) => {
        const res = await request(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ query: QUERY, variables: { after: gqlCursors[i % gqlCursors.length] } }),
        });
        const body = res.json() as { data?: { customers: { edges: unknown[] } }; errors?: unknown };
        if (res.status !== 200 || body.errors || body.data?.customers.edges.length !== 100) throw new Error(`GraphQL page: ${res.status} ${JSON.stringify(body.errors)}`);
      },
    };
    const only = args.get('modes')?.split(',');
    for (const mode of Object.keys(modes)) if (only && !only.includes(mode)) delete modes[mode];
    for (const run of Object.values(modes)) await runConcurrent(50, CONCURRENCY, (i) => run(i));
    const results: Record<string, Throughput[]> = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [mode, run] of Object.entries(modes)) {
        const t = await runConcurrent(PER_ROUND, CONCURRENCY, (i) => run(i));
        results[mode].push(t);
        log(`round ${r + 1} ${mode}: ${t.perSec} pages/s p50 ${t.p50Ms} ms p99 ${t.p99Ms} ms`);
      }
    }
    const median = (ts: Throughput[]) => [...ts].sort((a, b) => a.perSec - b.perSec)[Math.floor(ts.length / 2)];
    console.log(
      JSON.stringify(
        {
          benchmark: 'graphql',
          machine: machine(),
          storage: 'postgres',
          customers: CUSTOMERS,
          pageSize: 100,
          concurrency: CONCURRENCY,
          requestsPerRound: PER_ROUND,
          pagesPerSec: Object.fromEntries(Object.entries(results).map(([mode, ts]) => [mode, { median: median(ts), rounds: ts.map((t) => t.perSec) }])),
          // Each GraphQL round against the REST round just before it (the VM's speed drifts between rounds), the median pair.
          graphqlVsRest: results.graphql && results.rest ? pairedRatio(results.graphql, results.rest) : null,
          ratioOfMedians: results.graphql && results.rest ? ratio(median(results.graphql).perSec, median(results.rest).perSec) : null,
          target: 'graphql >= 0.70 of rest',
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
