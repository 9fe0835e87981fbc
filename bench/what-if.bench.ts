// npm run bench:what-if: the what-if replay of a candidate rule set (rolling
// 12 months instead of lifetime spend) over a generated shop history (default
// 1M events, ~100k customers) on PostgreSQL, as `POST /tier-rule-sets/{id}/
// simulations` runs it (simulateRuleSet over the read model's dated facts),
// beside the floor measured in the same run on the same log: a raw keyset
// read of every event and a plain in-memory fold to each customer's tier
// under both rule sets. Median of 3 runs each. Prints one JSON document.
// Options: --events=N
import { spawnSync } from 'node:child_process';
import { PostgresClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { scanCustomerFacts } from '@crm/figures';
import { parseAmount } from '@crm/shared';
import { DEFAULT_RULE_SET, simulateRuleSet, TierRuleSet } from '@crm/tiers';
import { CLI, dropPgDatabase, freshPgDatabase, machine, printResult, ratio } from './bench-support';
import { seedShopHistory } from './shop-history';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const EVENTS = Number(args.get('events') ?? 1_000_000);
const DB = 'crm_bench_what_if';
const AS_OF = '2025-06-30';
const log = (...a: unknown[]) => console.error('[bench]', ...a);
const round = (n: number) => Math.round(n * 100) / 100;
const candidate: TierRuleSet = { ...DEFAULT_RULE_SET, id: 'rolling-12', name: 'rolling 12 months', basis: { kind: 'rollingMonths', months: 12 } };

async function median(runs: number, fn: () => Promise<unknown>): Promise<{ seconds: number; runs: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return { seconds: round([...times].sort((a, b) => a - b)[Math.floor(runs / 2)]), runs: times.map(round) };
}

/** The floor: every event read by keyset, folded in memory to net spend per customer (lifetime and last 12 months), then each tier under both. */
async function fold(sql: PostgresClient): Promise<Map<string, number>> {
  const since = '2024-06-30';
  const spend = new Map<string, { lifetime: number; rolling: number }>();
  let after = 0;
  for (;;) {
    const rows = await sql.query<{ p: string; type: string; data: { customerId: string; amountMinor: number }; metadata: { occurredAt: string } }>(
      `SELECT global_position AS p, type, data, metadata FROM crm_events WHERE global_position > $1 ORDER BY global_position LIMIT 10000`,
      [after],
    );
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1].p);
    for (const e of rows) {
      if (e.type !== 'PurchaseRecorded' && e.type !== 'RefundRecorded') continue;
      const on = e.metadata.occurredAt.slice(0, 10);
      if (on > AS_OF) continue;
      const sign = e.type === 'PurchaseRecorded' ? 1 : -1;
      const s = spend.get(e.data.customerId) ?? { lifetime: 0, rolling: 0 };
      s.lifetime += sign * e.data.amountMinor;
      if (on > since) s.rolling += sign * e.data.amountMinor;
      spend.set(e.data.customerId, s);
    }
  }
  const thresholds = DEFAULT_RULE_SET.tiers.map((t) => parseAmount(t.threshold, 'CNY'));
  const tierOf = (basis: number) => thresholds.filter((t) => basis >= t).length;
  const matrix = new Map<string, number>();
  for (const s of spend.values()) {
    const cell = `${tierOf(s.lifetime)}->${tierOf(s.rolling)}`;
    matrix.set(cell, (matrix.get(cell) ?? 0) + 1);
  }
  return matrix;
}

async function main() {
  log('building the command line');
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const url = await freshPgDatabase(DB);
  try {
    log(`seeding ${EVENTS} events`);
    const seeded = await seedShopHistory(url, EVENTS, log);
    log('projecting (crm rebuild)');
    const rebuilt = spawnSync(process.execPath, [...CLI, 'rebuild'], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'ignore', 'ignore'] });
    if (rebuilt.status !== 0) throw new Error('crm rebuild failed');
    const sql = new PostgresClient(url, { max: 4 });
    const store = new SqlEventStore(sql);
    const facts = { scan: (asOf: string, onBatch: Parameters<typeof scanCustomerFacts>[2]) => scanCustomerFacts(sql, asOf, onBatch) };
    const config = { shopCurrency: 'CNY', shopTimezone: 'UTC' };
    let customers = 0;
    const floor = await median(3, async () => {
      customers = [...(await fold(sql)).values()].reduce((a, b) => a + b, 0);
    });
    log(`floor ${JSON.stringify(floor)}`);
    let moved = {};
    const simulation = await median(3, async () => {
      const answer = await simulateRuleSet(store, facts, config, candidate, { asOf: AS_OF });
      moved = { customers: answer.customers, unchanged: answer.unchanged, upgraded: answer.upgraded, downgraded: answer.downgraded };
    });
    log(`simulation ${JSON.stringify(simulation)}`);
    await store.close();
    await sql.close();
    return {
      benchmark: 'what-if',
      machine: machine(),
      storage: 'postgres',
      log: seeded,
      candidate: candidate.name,
      asOf: AS_OF,
      purchasersFolded: customers,
      simulation: {
        ...simulation,
        what: 'simulateRuleSet (the service method behind POST /tier-rule-sets/{id}/simulations): every customer, both schedules, matrix and movers',
        ...moved,
      },
      floor: { ...floor, what: 'keyset read of every event + in-memory fold to net spend and tier under both rule sets' },
      simulationVsFloor: ratio(simulation.seconds, floor.seconds),
      targets: { within3xOfFold: simulation.seconds <= 3 * floor.seconds, under10s: simulation.seconds < 10 },
    };
  } finally {
    await dropPgDatabase(DB);
  }
}

printResult(main);
