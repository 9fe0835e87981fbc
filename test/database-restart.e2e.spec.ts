// The database goes away and comes back, on a PostgreSQL this test starts on
// its own port and data folder (initdb + pg_ctl: the shared server is not
// touched). While it is down: writes and reads answer 503 problem+json with
// Retry-After, liveness holds and readiness fails. When it is back: the same
// Idempotency-Key goes through within seconds, the projections resume at once
// (a read waiting for the write's position answers fresh), nothing is lost
// and nothing doubled. Skipped where PostgreSQL's server programs are not
// installed, except in CI.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PostgresClient } from '../libs/database/src/postgres-client';
import { RunningApp, startTestApp } from './support/test-app';
import { anonymous, API, http, purchaseBody, register } from './support/http';
import type { TestDatabase } from './support/test-databases';

function serverPrograms(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(root, v, 'bin')).find((bin) => fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl')));
}

const bin = serverPrograms();
if (!bin && process.env.CI === 'true') throw new Error('CI=true but initdb and pg_ctl are not installed (/usr/lib/postgresql/<version>/bin)');
const suite = bin ? describe : describe.skip;

/** PostgreSQL refuses to run as root: as root the server runs as the postgres user. */
const asRoot = process.getuid?.() === 0;
function pg(program: string, args: string[]): void {
  const full = path.join(bin as string, program);
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
  else execFileSync(full, args, { stdio: 'pipe' });
}

suite('PostgreSQL stops and starts again under the service', () => {
  jest.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-pg-restart-'));
  const data = path.join(dir, 'data');
  const port = 55_000 + Math.floor(Math.random() * 4_000);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = () => pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start']);
  const stop = () => pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  let app: RunningApp;
  const readyWithin = async (ms: number, status: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      if ((await anonymous(app).get('/health/ready')).status === status) return true;
    }
    return false;
  };

  beforeAll(async () => {
    if (asRoot) execFileSync('chown', ['postgres', dir]);
    pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
    start();
    const database: TestDatabase = {
      name: 'postgres',
      open: async () => ({ sql: new PostgresClient(url), url, dataDir: path.join(dir, 'app'), dispose: async () => undefined }),
    };
    app = await startTestApp(database, { PROJECTION_RETRY_MAX_MS: '30000' });
  });

  afterAll(async () => {
    await app?.close();
    try {
      stop();
    } catch {
      // already stopped
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it is down, and goes on at once when it is back: nothing lost, nothing doubled', async () => {
    const id = await register(app, { customerRef: 'RESTART-1' });
    await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('R-1', '100.00')).expect(201);

    stop();
    const write = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'restart-key-1').send(purchaseBody('R-2', '200.00'));
    expect(write.status).toBe(503);
    expect(write.headers['content-type']).toContain('application/problem+json');
    expect(write.headers['retry-after']).toBeDefined();
    expect(write.body.code).toBe('StorageUnavailable');
    const read = await http(app).get(`${API}/customers/${id}`);
    expect(read.status).toBe(503);
    expect(read.headers['retry-after']).toBeDefined();
    await anonymous(app).get('/health/live').expect(200);
    // Readiness answers from its last check, made every second in the background.
    expect(await readyWithin(3_000, 503)).toBe(true);
    // Down long enough for the projections' retries to back off.
    await new Promise((r) => setTimeout(r, 4_000));

    start();
    const back = Date.now();
    let retried = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'restart-key-1').send(purchaseBody('R-2', '200.00'));
    while (retried.status !== 201 && Date.now() - back < 15_000) {
      await new Promise((r) => setTimeout(r, 200));
      retried = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'restart-key-1').send(purchaseBody('R-2', '200.00'));
    }
    expect(retried.status).toBe(201);
    expect(Date.now() - back).toBeLessThan(10_000);
    // The same key again: the same answer, nothing written twice.
    const again = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'restart-key-1').send(purchaseBody('R-2', '200.00'));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(retried.body);

    const fresh = await http(app).get(`${API}/customers/${id}/tier?waitFor=${retried.body.position}`).expect(200);
    expect(fresh.headers['x-data-stale']).toBeUndefined();
    expect(fresh.body.basis).toBe('300.00');
    expect(Date.now() - back).toBeLessThan(10_000);
    expect(await readyWithin(3_000, 200)).toBe(true);

    const sql = new PostgresClient(url);
    try {
      const rows = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM crm_events WHERE stream_id = $1 AND type = 'PurchaseRecorded'`, [`customer-${id}`]);
      expect(Number(rows[0].n)).toBe(2);
    } finally {
      await sql.close();
    }
  });
});
