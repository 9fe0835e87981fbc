// A projection batch that keeps failing: the projector backs off, shows as
// failed on /health with the position and the error, readiness fails, the
// other projectors go on, and it resumes by itself once the cause is gone.
import { SQL_CLIENT, SqlClient } from '../libs/database/src';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, http, register } from './support/http';

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const database of testDatabases()) {
  describe(`a poisoned projection batch on ${database.name}`, () => {
    let app: RunningApp;
    let sql: SqlClient;
    beforeAll(async () => {
      app = await startTestApp(database, { PROJECTION_FAIL_AFTER: '2', PROJECTION_RETRY_MAX_MS: '200' });
      sql = app.app.get(SQL_CLIENT);
    });
    afterAll(async () => app?.close());

    it('is shown as failed with its position and error, fails readiness, holds back no other projector, and resumes when fixed', async () => {
      const id = await register(app);
      // The cause: the customer list's table refuses a row (as a full disk or a broken migration would).
      await sql.exec("ALTER TABLE rm_customer_contacts ADD CONSTRAINT poison CHECK (channel <> 'other')");
      const write = await http(app).post(`${API}/customers/${id}/contacts`).send({ kind: 'care', channel: 'other', occurredAt: '2024-06-01T10:00:00Z' }).expect(201);

      const health = await until(
        () => http(app).get('/health'),
        (res) => res.body.projections.some((p: { state: string }) => p.state === 'failed'),
      );
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('degraded');
      const failed = health.body.projections.find((p: { name: string }) => p.name === 'customer-list');
      expect(failed).toMatchObject({ state: 'failed', failure: { after: expect.any(Number), attempts: expect.any(Number), error: expect.stringContaining('poison') } });
      expect(failed.failure.after).toBeLessThan(write.body.position);
      await http(app).get('/health/ready').expect(503);
      await http(app).get('/health/live').expect(200);

      // The timeline is not held back by the customer list.
      const timeline = await until(
        () => sql.query<{ n: string }>('SELECT count(*)::text AS n FROM rm_timeline WHERE position = $1', [write.body.position]),
        (rows) => rows[0].n === '1',
      );
      expect(timeline[0].n).toBe('1');

      await sql.exec('ALTER TABLE rm_customer_contacts DROP CONSTRAINT poison');
      const healed = await until(
        () => http(app).get('/health/ready'),
        (res) => res.status === 200,
      );
      expect(healed.body.status).toBe('ok');
      expect(healed.body.projections.every((p: { state: string; failure?: unknown }) => p.state === 'running' && p.failure === undefined)).toBe(true);
      const contacts = await sql.query<{ channel: string }>('SELECT channel FROM rm_customer_contacts WHERE customer_id = $1', [id]);
      expect(contacts).toEqual([{ channel: 'other' }]);
    });
  });
}
