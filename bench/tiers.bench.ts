// npm run bench:tiers: the tier read model on a large base on PostgreSQL.
// The generated shop history of bench:rebuild (default 1M events), projected
// with `crm rebuild`; then (1) the single-customer tier read over HTTP, 8
// concurrent clients and one client alone, as bench:reads measures it;
// (2) its data path in process, 8 concurrent, interleaved in rounds: the read
// model's one indexed read against the path before it (the customer's
// stream, the rule sets stream, the walk of tierOn) - the baseline; (3) a rule set (12-month rolling basis) activated from 2025-01-01: the
// seconds until the tier read model is rebuilt side by side and swapped in,
// and what a client reading tiers every 50 ms got meanwhile (which rule set
// answered, how fast, any error), and when a read with ?waitFor=<the
// activation's position> answered. Prints one JSON document.
// Options: --events=N --requests=N
import { spawnSync } from 'node:child_process';
import { INestApplication } from '@nestjs/common';
import { AccountsService } from '@crm/accounts';
import { loadCustomerHistory } from '@crm/customers';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { contextFor, loadConfig, nameUuid, operatorPrincipal } from '@crm/shared';
import { loadRuleSchedule, tierOn, tierStandingOn } from '@crm/tiers';
import { createApp } from '../apps/api/src/create-app';
import { CLI, dropPgDatabase, freshPgDatabase, machine, percentile, printResult, randomInts, request, runConcurrent } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const REQUESTS = Number(args.get('requests') ?? 2_000);
const DB = 'crm_bench_tiers';
const AS_OF = '2025-06-30';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number) => Math.round(n * 10) / 10;

async function main() {
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const url = await freshPgDatabase(DB);
  let app: INestApplication | undefined;
  try {
    log(`seeding ${EVENTS} events`);
    const seeded = await seedShopHistory(url, EVENTS, log);
    log('projecting (crm rebuild)');
    const rebuildStarted = performance.now();
    if (spawnSync(process.execPath, [...CLI, 'rebuild'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'ignore' }).status !== 0) throw new Error('rebuild failed');
    const rebuildSeconds = round((performance.now() - rebuildStarted) / 1000);
    app = await createApp(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DATA_DIR: '/tmp/crm-bench-tiers', RATE_LIMIT_PER_MINUTE: '1000000' }));
    await app.listen(0, '127.0.0.1');
    const root = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const base = `${root}/api/v1`;
    const accounts = app.get(AccountsService);
    await accounts.create({ username: 'bench.manager', password: 'a long enough password', role: 'manager' }, contextFor(operatorPrincipal()));
    const { accessToken } = await accounts.login('bench.manager', 'a long enough password');
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const call = async (path: string, body?: unknown) => {
      const res = await request(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: res.json() as Record<string, unknown> };
    };
    const pick = randomInts(99);
    const someone = () => nameUuid(`bench-customer:7:${pick(seeded.customers)}`);
    const tierRead = async () => {
      const res = await call(`/customers/${someone()}/tier?asOf=${AS_OF}`);
      if (res.status !== 200) throw new Error(`tier: ${res.status}`);
    };

    await runConcurrent(100, 8, tierRead);
    const tierEightClients = await runConcurrent(REQUESTS, 8, tierRead);
    log('tier, 8 clients', JSON.stringify(tierEightClients));
    const tierOneClient = await runConcurrent(REQUESTS / 4, 1, tierRead);
    log('tier, one client', JSON.stringify(tierOneClient));

    // The data path alone, in process: the read model against the stream walk it replaced, interleaved.
    const sql = app.get<SqlClient>(SQL_CLIENT);
    const store = app.get<EventStore>(EVENT_STORE);
    const viaReadModel = async () => void (await tierStandingOn(sql, someone(), AS_OF));
    const viaStreams = async () => {
      const history = await loadCustomerHistory(store, someone(), 'UTC');
      if (history) tierOn(history.facts, await loadRuleSchedule(store), AS_OF, 'CNY');
    };
    const rounds: Array<{ readModel: unknown; streams: unknown }> = [];
    for (let round = 0; round < 3; round++) {
      rounds.push({ readModel: await runConcurrent(REQUESTS / 2, 8, viaReadModel), streams: await runConcurrent(REQUESTS / 2, 8, viaStreams) });
      log(`data path round ${round + 1}`, JSON.stringify(rounds[round]));
    }

    const ruleSet = {
      id: 'rolling-12',
      name: 'Rolling 12 months',
      tiers: [
        { code: 'NORMAL', threshold: '0' },
        { code: 'SENIOR', threshold: '500' },
        { code: 'VIP', threshold: '3000' },
        { code: 'SUPREME', threshold: '8000' },
      ],
      basis: { kind: 'rollingMonths', months: 12 },
    };
    if ((await call('/tier-rule-sets', ruleSet)).status !== 201) throw new Error('publish failed');
    const started = performance.now();
    const activated = await call('/tier-rule-sets/rolling-12/activate', { effectiveFrom: '2025-01-01' });
    if (activated.status !== 200 && activated.status !== 201) throw new Error(`activate: ${activated.status}`);
    const position = Number(activated.body.position);
    log(`activated at position ${position}`);

    // Meanwhile: one client reads tiers every 50 ms and notes which rule set answered.
    const meanwhile: Array<{ ms: number; ruleSetId: string | null; status: number }> = [];
    let swappedAtMs: number | undefined;
    const progress: unknown[] = [];
    while (swappedAtMs === undefined && performance.now() - started < 30 * 60_000) {
      const t0 = performance.now();
      const res = await call(`/customers/${someone()}/tier?asOf=${AS_OF}`);
      meanwhile.push({ ms: performance.now() - t0, status: res.status, ruleSetId: (res.body.ruleSetId as string | undefined) ?? null });
      if (res.body.ruleSetId === 'rolling-12') swappedAtMs = performance.now() - started;
      if (meanwhile.length % 40 === 0) {
        const health = (await request(`${root}/health`, { headers })).json() as { projections?: Array<{ name: string; rebuilding?: unknown }> };
        const tier = health.projections?.find((p) => p.name === 'tier-periods');
        progress.push({ atSeconds: round((performance.now() - started) / 1000), rebuilding: tier?.rebuilding ?? null });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const waited0 = performance.now();
    const waited = await call(`/customers/${someone()}/tier?asOf=${AS_OF}&waitFor=${position}`);
    const latencies = meanwhile.map((m) => m.ms).sort((a, b) => a - b);
    return {
      benchmark: 'tiers',
      machine: machine(),
      storage: 'postgres',
      log: seeded,
      crmRebuildSeconds: rebuildSeconds,
      tierRead: { eightClients: tierEightClients, oneClient: tierOneClient },
      dataPathEightConcurrent: rounds,
      activation: {
        secondsUntilSwap: swappedAtMs === undefined ? null : round(swappedAtMs / 1000),
        readsMeanwhile: {
          count: meanwhile.length,
          answeredOldRuleSet: meanwhile.filter((m) => m.status === 200 && m.ruleSetId !== 'rolling-12').length,
          answeredNewRuleSet: meanwhile.filter((m) => m.ruleSetId === 'rolling-12').length,
          errors: meanwhile.filter((m) => m.status !== 200).length,
          p50Ms: round(percentile(latencies, 50)),
          p99Ms: round(percentile(latencies, 99)),
        },
        progress,
        afterSwapWithWaitFor: { status: waited.status, ruleSetId: waited.body.ruleSetId ?? null, ms: round(performance.now() - waited0) },
      },
    };
  } finally {
    await app?.close();
    await dropPgDatabase(DB);
  }
}

printResult(main);
