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

    it('a cause outside the events (every row refused) is shown as failed with its position and error, fails readiness, holds back no other projector, and resumes when fixed', async () => {
      const [one, two] = [await register(app), await register(app)];
      // The cause: the customer list's table refuses every row (as a full disk or a broken migration would).
      await sql.exec('ALTER TABLE rm_customer_contacts ADD CONSTRAINT broken CHECK (false)');
      await http(app).post(`${API}/customers/${one}/contacts`).send({ kind: 'care', channel: 'sms', occurredAt: '2024-06-01T10:00:00Z' }).expect(201);
      const write = await http(app).post(`${API}/customers/${two}/contacts`).send({ kind: 'care', channel: 'sms', occurredAt: '2024-06-01T10:00:00Z' }).expect(201);

      const health = await until(
        () => http(app).get('/health'),
        (res) => res.body.projections.some((p: { state: string }) => p.state === 'failed'),
      );
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('degraded');
      const failed = health.body.projections.find((p: { name: string }) => p.name === 'customer-list');
      expect(failed).toMatchObject({ state: 'failed', failure: { after: expect.any(Number), attempts: expect.any(Number), error: expect.stringContaining('broken') } });
      expect(failed.failure.after).toBeLessThan(write.body.position);
      await http(app).get('/health/ready').expect(503);
      await http(app).get('/health/live').expect(200);

      // The timeline is not held back by the customer list.
      const timeline = await until(
        () => sql.query<{ n: string }>('SELECT count(*)::text AS n FROM rm_timeline WHERE position = $1', [write.body.position]),
        (rows) => rows[0].n === '1',
      );
      expect(timeline[0].n).toBe('1');
      // Not one stream's fault: nothing is parked, however long it fails.
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await http(app).get(`${API}/dead-letters`).expect(200)).body.items).toEqual([]);

      await sql.exec('ALTER TABLE rm_customer_contacts DROP CONSTRAINT broken');
      const healed = await until(
        () => http(app).get('/health/ready'),
        (res) => res.status === 200,
      );
      expect(healed.body.status).toBe('ok');
      expect(healed.body.projections.every((p: { state: string; failure?: unknown }) => p.state === 'running' && p.failure === undefined)).toBe(true);
      const contacts = await sql.query<{ customer_id: string }>('SELECT customer_id FROM rm_customer_contacts WHERE customer_id::text = ANY ($1::text[])', [[one, two]]);
      expect(contacts).toHaveLength(2);
    });

    it('one event it cannot apply parks its customer (a dead letter): the others go on, readiness holds, and a retry after the fix applies it', async () => {
      const [id, other] = [await register(app), await register(app)];
      // The poison: a row only this event makes is refused.
      await sql.exec("ALTER TABLE rm_customer_contacts ADD CONSTRAINT poison CHECK (channel <> 'other')");
      await http(app).post(`${API}/customers/${id}/contacts`).send({ kind: 'care', channel: 'other', occurredAt: '2024-06-01T10:00:00Z' }).expect(201);
      const later = await http(app).post(`${API}/customers/${other}/tags`).send({ tag: 'after-the-poison' }).expect(201);

      // Parked within the failing batch's retries; the projection reports running once the batch without it commits.
      const parked = await until(
        () => http(app).get('/health'),
        (res) => res.body.parkedStreams === 1 && res.body.projections.find((p: { name: string }) => p.name === 'customer-list')?.state === 'running',
      );
      expect(parked.body.status).toBe('degraded');
      expect(parked.body.projections.find((p: { name: string }) => p.name === 'customer-list')).toMatchObject({ state: 'running', parkedStreams: 1 });
      await http(app).get('/health/ready').expect(200);
      const letters = (await http(app).get(`${API}/dead-letters`).expect(200)).body.items;
      expect(letters).toEqual([
        expect.objectContaining({ projector: 'customer-list', streamId: `customer-${id}`, eventType: 'ContactLogged', error: expect.stringContaining('poison') }),
      ]);
      // The other customer's later event went through.
      expect((await http(app).get(`${API}/customers?tag=after-the-poison&waitFor=${later.body.position}`).expect(200)).body.items.map((c: { id: string }) => c.id)).toEqual([
        other,
      ]);

      await sql.exec('ALTER TABLE rm_customer_contacts DROP CONSTRAINT poison');
      const retried = await http(app)
        .post(`${API}/dead-letters/actions`)
        .send({ action: 'retry', projector: 'customer-list', streamId: `customer-${id}` })
        .expect(200);
      expect(retried.body).toEqual({ applied: 1 });
      expect(await sql.query<{ channel: string }>('SELECT channel FROM rm_customer_contacts WHERE customer_id = $1', [id])).toEqual([{ channel: 'other' }]);
      expect((await http(app).get('/health').expect(200)).body.status).toBe('ok');
    });
  });
}
