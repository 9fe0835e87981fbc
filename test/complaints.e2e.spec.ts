// The complaint API over HTTP: open, assign, escalate, respond, resolve, reopen.
import { randomUUID } from 'node:crypto';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, register, as } from './support/http';

for (const database of testDatabases()) {
  describe(`complaint API on ${database.name}`, () => {
    let app: RunningApp;
    let customerId: string;
    beforeAll(async () => {
      app = await startTestApp(database, { SLA_HOURS: 'URGENT=3' });
      customerId = await register(app);
    });
    afterAll(async () => app?.close());

    const open = (priority = 'NORMAL') =>
      http(app).post(`${API}/complaints`).send({ customerId, subject: 'parcel damaged', description: 'box crushed', channel: 'wechat', priority, agent: 'agent.wang' });

    it('opens a complaint with the respond-by deadline of its priority (SLA_HOURS applies)', async () => {
      const before = Date.now();
      const res = await open('URGENT').expect(201);
      expect(res.headers.location).toBe(`${API}/complaints/${res.body.complaintId}`);
      const got = (await http(app).get(`${API}/complaints/${res.body.complaintId}`).expect(200)).body;
      expect(got).toMatchObject({ customerId, priority: 'URGENT', status: 'open', agent: 'agent.wang', breached: false, version: 1 });
      const hours = (new Date(got.respondBy).getTime() - before) / 3_600_000;
      expect(hours).toBeGreaterThan(2.99);
      expect(hours).toBeLessThan(3.01);
    });

    it('lists only the complaints opened by a date when asked (a page moved back in time), on REST and GraphQL', async () => {
      const who = await register(app, { occurredAt: '2024-01-05T10:00:00+08:00' });
      const opened = await http(app)
        .post(`${API}/complaints`)
        .send({ customerId: who, subject: 'late', description: 'three days late', channel: 'phone', priority: 'NORMAL', agent: 'agent.wang' })
        .expect(201);
      const list = (q: string) => http(app).get(`${API}/complaints?customerId=${who}&waitFor=${opened.body.position}${q}`).expect(200);
      expect((await list('')).body.items).toHaveLength(1);
      expect((await list('&openedBy=2024-02-01')).body.items).toHaveLength(0);
      expect((await list('&openedBy=2099-12-31')).body.items).toHaveLength(1);
      await http(app).get(`${API}/complaints?openedBy=2024-02-30`).expect(400);
      const nested = await http(app)
        .post('/graphql')
        .send({ query: `{ past: customer(id: "${who}", asOf: "2024-02-01") { complaints { id } } now: customer(id: "${who}") { complaints { id } } }` })
        .expect(200);
      expect(nested.body.data).toEqual({ past: { complaints: [] }, now: { complaints: [{ id: opened.body.complaintId }] } });
    });

    it('a VIP customer gets half the hours (a tier privilege, SLA_TIER_FACTORS), and the complaint says so', async () => {
      const vip = await register(app);
      await http(app)
        .post(`${API}/customers/${vip}/purchases`)
        .send(purchaseBody(`VIP-${randomUUID()}`, '3000.00', { occurredAt: new Date(Date.now() - 86_400_000).toISOString() }))
        .expect(201);
      const before = Date.now();
      const res = await http(app).post(`${API}/complaints`).send({ customerId: vip, subject: 'late', channel: 'phone', priority: 'URGENT', agent: 'agent.wang' }).expect(201);
      const got = (await http(app).get(`${API}/complaints/${res.body.complaintId}`).expect(200)).body;
      expect(got).toMatchObject({ slaHours: 1.5, customerTier: 'VIP' });
      const hours = (new Date(got.respondBy).getTime() - before) / 3_600_000;
      expect(hours).toBeGreaterThan(1.49);
      expect(hours).toBeLessThan(1.51);
      const normal = (await open('URGENT').expect(201)).body.complaintId;
      expect((await http(app).get(`${API}/complaints/${normal}`).expect(200)).body).toMatchObject({ slaHours: 3, customerTier: null });
    });

    it('walks the whole life: assign, escalate, respond, resolve, reopen, respond again', async () => {
      const id = (await open().expect(201)).body.complaintId;
      await http(app).post(`${API}/complaints/${id}/assign`).send({ agent: 'agent.li' }).expect(200);
      const esc = await http(app).post(`${API}/complaints/${id}/escalate`).send({ priority: 'CRITICAL' }).expect(200);
      expect(esc.headers.etag).toBe('"3"');
      await (await as(app, 'agent.li', 'manager')).post(`${API}/complaints/${id}/respond`).send({ message: 'replacement on its way' }).expect(200);
      await http(app).post(`${API}/complaints/${id}/resolve`).send({ resolution: 'replaced', compensation: '20.00' }).expect(200);
      const late = await http(app).post(`${API}/complaints/${id}/respond`).send({ message: 'one more thing' }).expect(422);
      expect(late.body.code).toBe('ComplaintResolved');
      await http(app).post(`${API}/complaints/${id}/reopen`).send({ reason: 'broke again' }).expect(200);
      await http(app).post(`${API}/complaints/${id}/respond`).send({ message: 'we will call you' }).expect(200);
      const got = (await http(app).get(`${API}/complaints/${id}`).expect(200)).body;
      expect(got).toMatchObject({ status: 'open', priority: 'CRITICAL', agent: 'agent.li', reopenCount: 1, resolvedAt: null, version: 7 });
      expect(got.firstResponseAt).not.toBeNull();
    });

    it('refuses lowering the priority, resolving twice and reopening an open complaint (422, nothing written)', async () => {
      const id = (await open('URGENT').expect(201)).body.complaintId;
      const before = await eventCount(app);
      expect((await http(app).post(`${API}/complaints/${id}/escalate`).send({ priority: 'NORMAL' }).expect(422)).body.code).toBe('PriorityNotHigher');
      expect((await http(app).post(`${API}/complaints/${id}/reopen`).send({}).expect(422)).body.code).toBe('ComplaintNotResolved');
      expect(await eventCount(app)).toBe(before);
      await http(app).post(`${API}/complaints/${id}/resolve`).send({ resolution: 'done' }).expect(200);
      expect((await http(app).post(`${API}/complaints/${id}/resolve`).send({ resolution: 'again' }).expect(422)).body.code).toBe('ComplaintAlreadyResolved');
    });

    it('a complaint for an unknown customer is refused; an unknown complaint is 404', async () => {
      const before = await eventCount(app);
      const res = await http(app).post(`${API}/complaints`).send({ customerId: randomUUID(), subject: 's', channel: 'wechat', priority: 'NORMAL', agent: 'a' }).expect(422);
      expect(res.body.code).toBe('UnknownCustomer');
      await http(app).get(`${API}/complaints/${randomUUID()}`).expect(404);
      await http(app).post(`${API}/complaints/${randomUUID()}/respond`).send({ message: 'hi' }).expect(404);
      expect(await eventCount(app)).toBe(before);
    });

    it('a stale If-Match on a complaint step answers 412', async () => {
      const id = (await open().expect(201)).body.complaintId;
      await http(app).post(`${API}/complaints/${id}/assign`).set('If-Match', '"1"').send({ agent: 'agent.zhao' }).expect(200);
      const stale = await http(app).post(`${API}/complaints/${id}/assign`).set('If-Match', '"1"').send({ agent: 'agent.qian' }).expect(412);
      expect(stale.body.code).toBe('StaleVersion');
    });

    it('a retried open with the same Idempotency-Key opens one complaint', async () => {
      const key = `open-${randomUUID()}`;
      const body = { customerId, subject: 'late parcel', channel: 'phone', priority: 'FEEDBACK', agent: 'agent.wang' };
      const first = await http(app).post(`${API}/complaints`).set('Idempotency-Key', key).send(body).expect(201);
      const before = await eventCount(app);
      const again = await http(app).post(`${API}/complaints`).set('Idempotency-Key', key).send(body).expect(201);
      expect(again.body.complaintId).toBe(first.body.complaintId);
      expect(await eventCount(app)).toBe(before);
    });
  });
}
