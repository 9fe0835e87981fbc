// Races and crashes at the write path: only the writer whose event was stored
// hears "recorded", and an Idempotency-Key claimed by a process that died is
// taken over by the next retry, which then goes through exactly once.
import { AccountsService } from '../libs/accounts/src';
import { APP_CONFIG } from '../libs/shared/src';
import { PostgresClient, SQL_CLIENT, SqlClient } from '../libs/database/src';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, register } from './support/http';

for (const database of testDatabases()) {
  describe(`concurrent writes on ${database.name}`, () => {
    let app: RunningApp;
    let sql: SqlClient;
    beforeAll(async () => {
      app = await startTestApp(database, { IDEMPOTENCY_CLAIM_TTL_SECONDS: '2' });
      sql = app.app.get(SQL_CLIENT);
    });
    afterAll(async () => app?.close());

    it.each([1, 2, 3, 4, 5])('20 concurrent purchases with one order id and different amounts (round %d): one is recorded, the rest hear the truth', async (round) => {
      const id = await register(app);
      const amounts = Array.from({ length: 20 }, (_, i) => `${(i % 4) + 1}.00`);
      const server = app.app.getHttpServer();
      const answers = await Promise.all(
        amounts.map((amount) =>
          require('supertest')(server)
            .post(`${API}/customers/${id}/purchases`)
            .set('Authorization', `Bearer ${app.token}`)
            .send(purchaseBody(`RACE-${round}`, amount)),
        ),
      );
      const [stored] = (await app.app.get(require('../libs/event-store/src').EVENT_STORE).readStream(`customer-${id}`)).filter(
        (e: { type: string }) => e.type === 'PurchaseRecorded',
      );
      const recordedAmount = ((stored.data as { amountMinor: number }).amountMinor / 100).toFixed(2);
      const recorded = answers.filter((r: { status: number }) => r.status === 201);
      expect(recorded).toHaveLength(1);
      expect(recorded[0].body).toMatchObject({ unchanged: false, eventIds: [stored.id] });
      expect(amounts[answers.indexOf(recorded[0])]).toBe(recordedAmount);
      answers.forEach((r: { status: number; body: Record<string, unknown> }, i: number) => {
        if (r.status === 201) return;
        if (amounts[i] === recordedAmount) expect([r.status, r.body.unchanged, r.body.eventIds]).toEqual([200, true, [stored.id]]);
        else expect([r.status, r.body.code, r.body.recordedAmount]).toEqual([409, 'OrderIdInUse', recordedAmount]);
      });
    });

    it('an Idempotency-Key left claimed by a killed process: 409 while the claim is fresh, then the retry goes through once', async () => {
      const id = await register(app);
      const body = purchaseBody('CRASH-1', '7.00');
      const hash = require('node:crypto')
        .createHash('sha256')
        .update(`POST ${API}/customers/${id}/purchases\n${JSON.stringify(body)}`)
        .digest('hex');
      // What a process that claimed the key and was killed before answering leaves behind (keys are kept per account).
      const scoped = `account:${await app.app.get(AccountsService).accountIdOf('test-admin')}:crash-key`;
      await sql.query('INSERT INTO crm_idempotency_keys (key, request_hash) VALUES ($1, $2)', [scoped, hash]);
      const busy = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'crash-key').send(body).expect(409);
      expect(busy.body.code).toBe('IdempotencyKeyInProgress');
      const before = await eventCount(app);
      await sql.query("UPDATE crm_idempotency_keys SET created_at = now() - interval '3 seconds' WHERE key = $1", [scoped]);
      const retried = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'crash-key').send(body).expect(201);
      expect(await eventCount(app)).toBe(before + 1);
      const again = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'crash-key').send(body).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(retried.body);
      expect(await eventCount(app)).toBe(before + 1);
    });

    it('a claim whose process is gone is taken over at once, well before its TTL; a live process keeps its claim', async () => {
      const id = await register(app);
      const body = purchaseBody('GONE-1', '9.00');
      const hash = require('node:crypto')
        .createHash('sha256')
        .update(`POST ${API}/customers/${id}/purchases\n${JSON.stringify(body)}`)
        .digest('hex');
      const account = await app.app.get(AccountsService).accountIdOf('test-admin');
      // Another process: on PostgreSQL a session of its own (closed: the process was killed); on PGlite another instance.
      const other = database.name === 'postgres' ? new PostgresClient(app.app.get(APP_CONFIG).databaseUrl as string) : undefined;
      let gone = 'local:a-process-that-is-gone';
      if (other) {
        const stop = await other.listen(['crm_test_presence'], () => undefined);
        gone = other.presence() as string;
        await stop();
        await other.close();
        await new Promise((r) => setTimeout(r, 200)); // the session leaves pg_stat_activity
      }
      const live = sql.presence() as string;
      await sql.query('INSERT INTO crm_idempotency_keys (key, request_hash, owner) VALUES ($1, $2, $3)', [`account:${account}:live-owner`, hash, live]);
      const busy = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'live-owner').send(body).expect(409);
      expect([busy.body.code, busy.headers['retry-after']]).toEqual(['IdempotencyKeyInProgress', '1']);

      await sql.query('INSERT INTO crm_idempotency_keys (key, request_hash, owner) VALUES ($1, $2, $3)', [`account:${account}:gone-owner`, hash, gone]);
      const before = await eventCount(app);
      await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'gone-owner').send(body).expect(201);
      expect(await eventCount(app)).toBe(before + 1);
    });

    it('a taken-over claim whose first run had appended records nothing twice', async () => {
      const id = await register(app);
      const body = purchaseBody('CRASH-2', '8.00');
      const first = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'crash-key-2').send(body).expect(201);
      // As if the process died after the append but before storing the answer.
      await sql.query("UPDATE crm_idempotency_keys SET status = NULL, body = NULL, created_at = now() - interval '3 seconds' WHERE key LIKE '%:crash-key-2'");
      const before = await eventCount(app);
      const retried = await http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', 'crash-key-2').send(body);
      expect([200, 201]).toContain(retried.status);
      expect(retried.body.eventIds).toEqual(first.body.eventIds);
      expect(await eventCount(app)).toBe(before);
    });
  });
}
