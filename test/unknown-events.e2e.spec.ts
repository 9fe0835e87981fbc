// An event of a type this build does not know, in one customer's stream, as
// a newer version writes it during a rolling upgrade: it is not a poison. The
// read models skip it and go on for everyone, /health says so (still "ok")
// and /metrics counts it; the customer's own page leaves it out, and a
// command on that customer is refused with a clear 409 rather than decided on
// a history this version cannot read whole.
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '../libs/event-store/src';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, http, purchaseBody, register } from './support/http';

for (const database of testDatabases()) {
  describe(`an unknown event type on ${database.name}`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(database);
    });
    afterAll(async () => app?.close());

    it('is skipped and counted by the read models, shown on /health, and refused plainly for commands', async () => {
      const upgraded = await register(app, { name: '新版' });
      const other = await register(app, { name: 'Other' });
      const store: EventStore = app.app.get(EVENT_STORE);
      const stream = `customer-${upgraded}`;
      await store.append(stream, [{ id: randomUUID(), type: 'LoyaltyPointsAwarded', data: { customerId: upgraded, points: 120 }, metadata: { actor: 'newer-version' } }]);
      // Everyone else's writes are projected and visible past it.
      const bought = await http(app).post(`${API}/customers/${other}/purchases`).send(purchaseBody('UNK-1')).expect(201);
      const list = await http(app).get(`${API}/customers?waitFor=${bought.body.position}&limit=100`).expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([upgraded, other]));
      expect(list.body.items.find((c: { id: string }) => c.id === other).purchaseCount).toBe(1);

      const health = await http(app).get('/health').expect(200);
      expect(health.body.status).toBe('ok');
      const customerList = health.body.projections.find((p: { name: string }) => p.name === 'customer-list');
      expect(customerList).toMatchObject({
        state: 'running',
        lag: 0,
        unknownEvents: { count: 1, byType: { LoyaltyPointsAwarded: 1 }, last: { streamId: stream, type: 'LoyaltyPointsAwarded' } },
      });
      await http(app).get('/health/ready').expect(200);
      const metrics = await request(app.app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/crm_projection_unknown_events_total\{projection="customer-list",type="LoyaltyPointsAwarded"\} [1-9]/);

      // The customer's page and timeline answer without it.
      const page = await http(app).get(`${API}/customers/${upgraded}`).expect(200);
      expect(page.body.profile.name).toBe('新版');
      await http(app).get(`${API}/customers/${upgraded}/timeline`).expect(200);
      // A command is not decided on a history this version cannot read whole.
      const refused = await http(app).post(`${API}/customers/${upgraded}/purchases`).send(purchaseBody('UNK-2')).expect(409);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({ code: 'UnknownEventType', type: expect.any(String) });
      expect(refused.body.detail).toContain('LoyaltyPointsAwarded');
    });

    it('in a complaint stream: the complaint answers without it, a step on it is refused plainly', async () => {
      const customerId = await register(app, { name: 'Complainer' });
      const opened = await http(app).post(`${API}/complaints`).send({ customerId, subject: 'late', channel: 'phone', priority: 'NORMAL', agent: 'agent.x' }).expect(201);
      const id = opened.body.complaintId;
      const store: EventStore = app.app.get(EVENT_STORE);
      await store.append(`complaint-${id}`, [{ id: randomUUID(), type: 'ComplaintTranslated', data: { complaintId: id, language: 'en' }, metadata: { actor: 'newer-version' } }]);
      const view = await http(app).get(`${API}/complaints/${id}`).expect(200);
      expect(view.body).toMatchObject({ subject: 'late', status: 'open' });
      const step = await http(app).post(`${API}/complaints/${id}/respond`).send({ message: 'on it' }).expect(409);
      expect(step.body).toMatchObject({ code: 'UnknownEventType' });
    });
  });
}
