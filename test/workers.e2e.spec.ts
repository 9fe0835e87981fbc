// Projection workers beside an API that only writes and reads
// (PROJECTIONS=off), on PostgreSQL: two worker processes share the
// projectors, split in two partitions each (PROJECTION_PARTITIONS=2), through
// leases; one of them is killed with SIGKILL while 20k+ events are written;
// the survivor takes its partitions over within the lease time, finishes,
// and the read models equal a clean rebuild row by row. On the embedded database a worker refuses to start (one process owns
// the folder).
import request from 'supertest';
import { APP_CONFIG, AppConfig } from '../libs/shared/src';
import { SqlEventStore } from '../libs/event-store/src/adapters';
import { PostgresClient } from '../libs/database/src/postgres-client';
import { partitionNames, rebuildProjections } from '../libs/projections/src';
import { allProjectors } from '@crm/wiring';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, http, register } from './support/http';
import { historyFor, snapshot } from './support/history';
import { child, Child } from './support/child';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const postgres = testDatabases().find((d) => d.name === 'postgres');
// Thirteen units: five read models in two partitions each, the tier and segment membership read models and the webhook outbox (one order across streams: whole).
const UNITS = [
  ...['customer-list', 'service-history', 'timeline', 'segments', 'campaigns'].flatMap((name) => partitionNames(name, 2)),
  'tier-periods',
  'segment-members',
  'webhook-outbox',
];

(postgres ? describe : describe.skip)('projection workers on postgres', () => {
  jest.setTimeout(300_000);
  let app: RunningApp;
  let config: AppConfig;
  let sql: PostgresClient;
  const workers: Child[] = [];
  const port = () => String(40_000 + Math.floor(Math.random() * 20_000));

  beforeAll(async () => {
    app = await startTestApp(postgres as NonNullable<typeof postgres>, { PROJECTIONS: 'off', PROJECTION_PARTITIONS: '2' });
    config = app.app.get<AppConfig>(APP_CONFIG);
    sql = new PostgresClient(config.databaseUrl as string);
  });
  afterAll(async () => {
    for (const w of workers) w.proc.kill('SIGKILL');
    await sql?.close();
    await app?.close();
  });

  const SCRAPE_TOKEN = 'worker-scrape-token-42';
  const startWorker = (workerPort: string) => {
    // The same DATA_DIR as the API: in development both take the generated master key from there.
    const w = child(['apps/worker/src/main.ts'], {
      DATABASE_URL: config.databaseUrl as string,
      DATA_DIR: config.dataDir,
      WORKER_PORT: workerPort,
      PROJECTION_LEASE_SECONDS: '2',
      PROJECTION_PARTITIONS: '2',
      LOG_LEVEL: 'log',
      METRICS_TOKEN: SCRAPE_TOKEN,
    });
    workers.push(w);
    return w;
  };

  it('given two workers and one killed mid-way, the survivor projects everything and the read models equal a clean rebuild', async () => {
    const ports = [port(), port()];
    const [doomed, survivor] = ports.map(startWorker);
    await Promise.all([doomed.started, survivor.started]);
    const owners = async () =>
      new Map(
        (
          await sql.query<{ owner: string; names: string[] }>(
            "SELECT owner, array_agg(name ORDER BY name) AS names FROM crm_projection_leases WHERE expires_at > now() AND name <> 'webhook-delivery' GROUP BY owner",
          )
        ).map((r) => [r.owner.split(':')[1], r.names]),
      );
    const until = async (check: (held: Map<string, string[]>) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!check(await owners()) && Date.now() < deadline) await sleep(100);
      return owners();
    };
    // Thirteen units, two workers: six and seven, each held once.
    const shared = await until((held) => held.size === 2 && [...held.values()].flat().length === UNITS.length, 10_000);
    expect([...shared.values()].map((names) => names.length).sort()).toEqual([6, 7]);
    expect([...shared.values()].flat().sort()).toEqual([...UNITS].sort());
    // Written through the API (it does not project: PROJECTIONS=off), and in bulk to the same log.
    const named = await register(app, { name: 'Worker Lin' });
    const store = new SqlEventStore(sql);
    const requests = historyFor(3_600, 13);
    let events = 0;
    let killedAt = 0;
    for (let i = 0; i < requests.length; i += 150) {
      const batch = requests.slice(i, i + 150);
      await store.appendMany(batch);
      events += batch.reduce((n, r) => n + r.events.length, 0);
      if (i === 1_500) {
        doomed.proc.kill('SIGKILL');
        killedAt = Date.now();
      }
      await sleep(20);
    }
    expect(events).toBeGreaterThan(20_000);
    expect(await doomed.exited).toBe(null);
    // The survivor holds all thirteen within the lease time (2 s) and a renewal or two.
    const taken = await until((held) => held.get(String(survivor.proc.pid))?.length === UNITS.length, 10_000);
    expect(taken.get(String(survivor.proc.pid))).toEqual([...UNITS].sort());
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    // `crm status` shows who holds what.
    const status = child(['apps/cli/src/main.ts', 'status'], { DATABASE_URL: config.databaseUrl as string }, /^$/);
    expect(await status.exited).toBe(0);
    const shown = JSON.parse(status.output().slice(status.output().indexOf('{')));
    expect(shown.workers).toEqual([expect.objectContaining({ owner: expect.stringContaining(`:${survivor.proc.pid}:`), projectors: [...UNITS].sort() })]);
    // And whether the server keeps the statistics the read models' plans need.
    expect(['on', 'off']).toContain(shown.autovacuum);
    expect(shown.warnings.some((w: string) => w.startsWith('autovacuum is off'))).toBe(shown.autovacuum === 'off');

    const last = await store.lastPosition();
    // Caught up: no partition has an event of its own left (a partition's checkpoint is its last event, not the log's).
    for (let i = 0; i < 1_200; i++) {
      const res = await request(`http://127.0.0.1:${ports[1]}`).get('/health');
      if (res.body.projections?.every((p: { lag: number }) => p.lag === 0)) break;
      await sleep(100);
    }
    const health = await request(app.app.getHttpServer()).get('/health').expect(200);
    expect(health.body).toMatchObject({ projecting: 'none' });
    expect(health.body.projections.every((p: { state: string }) => p.state === 'stopped')).toBe(true);
    // Read-your-writes still works through the API: it waits for the workers' checkpoints.
    const seen = await http(app).get(`${API}/customers?asOf=2030-01-01&limit=1&waitFor=${last}`).timeout(60_000);
    expect(seen.headers['x-data-stale']).toBeUndefined();

    const workerHealth = await request(`http://127.0.0.1:${ports[1]}`).get('/health/ready').expect(200);
    expect(workerHealth.body.projections.every((p: { lag: number; state: string }) => p.lag === 0 && p.state === 'running')).toBe(true);
    const missing = await request(`http://127.0.0.1:${ports[1]}`).get('/api/v1/customers').expect(404);
    expect(missing.headers['content-type']).toBe('application/problem+json');
    expect(missing.body).toMatchObject({ status: 404, code: 'NotFound' });
    const posted = await request(`http://127.0.0.1:${ports[1]}`).post('/metrics').send({ a: 1 }).expect(405);
    expect(posted.body).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
    expect(posted.headers.allow).toBe('GET');
    const unscraped = await request(`http://127.0.0.1:${ports[1]}`).get('/metrics').expect(401);
    expect(unscraped.body).toMatchObject({ status: 401, code: 'MetricsTokenRequired' });
    expect(unscraped.headers['www-authenticate']).toBe('Bearer');
    const metrics = await request(`http://127.0.0.1:${ports[1]}`).get('/metrics').set('Authorization', `Bearer ${SCRAPE_TOKEN}`).expect(200);
    expect(metrics.text).toMatch(/^crm_projection_events_total\{projection="customer-list#1\/2"\} [1-9]\d*$/m);
    // The worker opened the sealed name with the master key it shares with the API.
    const [row] = await sql.query<{ name: string }>('SELECT name FROM rm_customers WHERE customer_id = $1', [named]);
    expect(row.name).toBe('Worker Lin');

    const projectors = allProjectors(config);
    const tables = projectors.flatMap((p) => p.tables);
    const projected = await snapshot(sql, tables);
    survivor.proc.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    await rebuildProjections(store, sql, projectors, { partitions: 2 });
    expect(await snapshot(sql, tables)).toEqual(projected);
    // 20k+ events written, projected by two processes and rebuilt: about a minute on two cores, so the test allows two.
  }, 120_000);
});

describe('a projection worker without PostgreSQL', () => {
  jest.setTimeout(60_000);
  it('refuses to start and says why', async () => {
    const w = child(['apps/worker/src/main.ts'], { DATA_DIR: '/nonexistent-crm-data', WORKER_PORT: '1' });
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain('set DATABASE_URL');
  });
});
