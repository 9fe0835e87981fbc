// Webhooks end to end, with a real HTTP receiver on loopback: every
// subscribed event arrives signed (Standard Webhooks) and only those; a
// receiver that is down gets everything once it is back, in order per
// customer; nothing is sent again after a 2xx; a dead-lettered delivery can
// be redelivered; derived events (tier, lifecycle, breached deadlines) go
// out without being written into the streams; bad registrations get a 4xx.
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQL_CLIENT, SqlClient } from '../libs/database/src';
import { APP_CONFIG, AppConfig } from '../libs/shared/src';
import { verify } from '../libs/webhooks/src/signature';
import { sealStoredSecrets } from '../libs/webhooks/src/webhook-secrets';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, as, eventCount, http, purchaseBody, register } from './support/http';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A receiver on 127.0.0.1: records what arrives; a path in `failing` answers 500. */
class Receiver {
  readonly received: Received[] = [];
  readonly failing = new Set<string>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        if (this.failing.has(path)) return void res.writeHead(500).end('no');
        this.received.push({ path, headers: req.headers, body, payload: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Down: the port refuses connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const database of testDatabases()) {
  describe(`webhooks on ${database.name}`, () => {
    let app: RunningApp;
    const receiver = new Receiver();
    beforeAll(async () => {
      await receiver.start();
      // 8 attempts from 25 ms: dead after about 3.2 s. A receiver that is down while a test writes (a loaded CI machine
      // took longer than the 0.8 s that 6 attempts gave) must not dead-letter the first delivery meanwhile.
      app = await startTestApp(database, { WEBHOOK_RETRY_BASE_MS: '25', WEBHOOK_MAX_ATTEMPTS: '8', WEBHOOK_PRIVATE_TARGETS: 'allow' });
    });
    afterAll(async () => {
      await app?.close();
      await receiver.stop();
    });

    const hook = async (path: string, eventTypes: string[]) => {
      const res = await http(app)
        .post(`${API}/webhooks`)
        .send({ url: receiver.url(path), eventTypes, description: 'test, receiver' })
        .expect(201);
      expect(res.body.secret).toMatch(/^whsec_/);
      return res.body as { id: string; secret: string };
    };
    const deliveries = async (id: string, status?: string) =>
      (
        await http(app)
          .get(`${API}/webhooks/${id}/deliveries${status ? `?status=${status}` : ''}`)
          .expect(200)
      ).body.items as Array<{
        id: string;
        status: string;
        attempts: number;
        eventType: string;
      }>;

    it('given webhooks with filters, when customers buy and refund, then each gets exactly its types, signed, with no personal data and derived changes beside', async () => {
      const a = await hook('/a', ['CustomerRegistered', 'PurchaseRecorded', 'TierChanged', 'LifecycleChanged']);
      const b = await hook('/b', ['RefundRecorded']);
      const eventsBefore = await eventCount(app);
      const id = await register(app, { name: 'Webhook Wang', email: 'wang@example.com' });
      await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('WH-1', '600.00')).expect(201);
      await http(app)
        .post(`${API}/customers/${id}/refunds`)
        .send({ orderId: 'WH-1', refundId: 'WH-R1', occurredAt: '2024-06-01T10:00:00+08:00', amount: '10.00', currency: 'CNY' })
        .expect(201);
      await http(app).post(`${API}/complaints`).send({ customerId: id, subject: 'late', channel: 'web', priority: 'NORMAL', agent: 'agent.li' }).expect(201);

      const got = await until('4 deliveries to /a and 1 to /b', () => (receiver.at('/a').length >= 4 && receiver.at('/b').length >= 1 ? true : undefined));
      expect(got).toBe(true);
      const types = receiver.at('/a').map((r) => r.payload.type);
      expect(types).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'TierChanged', 'LifecycleChanged']);
      expect(receiver.at('/b').map((r) => r.payload.type)).toEqual(['RefundRecorded']);
      for (const r of receiver.at('/a')) expect(verify(a.secret, r.headers as never, r.body)).toBe(true);
      for (const r of receiver.at('/b')) expect(verify(b.secret, r.headers as never, r.body)).toBe(true);
      expect(verify(b.secret, receiver.at('/a')[0].headers as never, receiver.at('/a')[0].body)).toBe(false);

      const [registered, purchase, tier, lifecycle] = receiver.at('/a').map((r) => r.payload);
      expect(JSON.stringify(registered)).not.toMatch(/Wang|wang@/);
      expect(registered.data).toMatchObject({ customerId: id });
      expect(registered.data.profile).toBeUndefined();
      expect(purchase.data).toMatchObject({ customerId: id, orderId: 'WH-1', amountMinor: 60000, amount: '600.00', currency: 'CNY' });
      expect(tier.data).toMatchObject({ customerId: id, from: null, to: 'SENIOR', ruleSetId: 'default', causedBy: purchase.data.eventId });
      expect(lifecycle.data).toMatchObject({ customerId: id, to: 'NEW_ONCE', windowMonths: 3, causedBy: purchase.data.eventId });
      // Derived events are not in the log: four source events were written (registration, purchase, refund, complaint).
      expect(await eventCount(app)).toBe(eventsBefore + 4);
    });

    it('given delivered messages, when time passes, then nothing is sent again and the log shows one attempt each', async () => {
      const [a] = (await http(app).get(`${API}/webhooks`).expect(200)).body.items as Array<{ id: string }>;
      const count = receiver.received.length;
      await new Promise((r) => setTimeout(r, 800));
      expect(receiver.received.length).toBe(count);
      const log = await deliveries(a.id);
      expect(log.length).toBe(4);
      for (const d of log) expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('given a receiver that is down, when it comes back, then it gets everything, in order per customer', async () => {
      const c = await hook('/c', ['PurchaseRecorded']);
      await receiver.stop();
      const customers = [await register(app), await register(app)];
      for (let i = 0; i < 4; i++)
        for (const id of customers)
          await http(app)
            .post(`${API}/customers/${id}/purchases`)
            .send(purchaseBody(`DOWN-${id}-${i}`, `${i + 1}.00`))
            .expect(201);
      await until('a failed attempt', async () => ((await deliveries(c.id, 'pending')).some((d) => d.attempts >= 1) ? true : undefined));
      await receiver.start();
      await until('8 deliveries to /c', () => (receiver.at('/c').length >= 8 ? true : undefined));
      for (const id of customers) {
        const orders = receiver
          .at('/c')
          .filter((r) => r.payload.data.customerId === id)
          .map((r) => r.payload.data.orderId);
        expect(orders).toEqual([0, 1, 2, 3].map((i) => `DOWN-${id}-${i}`));
      }
      expect((await deliveries(c.id)).every((d) => d.status === 'delivered')).toBe(true);
    });

    it('given a receiver that keeps failing, when the attempts run out, then the delivery is dead-lettered and a redelivery sends it', async () => {
      receiver.failing.add('/d');
      const d = await hook('/d', ['CustomerTagged']);
      const id = await register(app);
      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'vip-gift' }).expect(201);
      const [dead] = await until('a dead letter', async () => {
        const items = await deliveries(d.id, 'dead');
        return items.length > 0 ? items : undefined;
      });
      expect(dead.attempts).toBe(8);
      receiver.failing.delete('/d');
      const again = await http(app).post(`${API}/webhooks/${d.id}/deliveries/${dead.id}/redeliver`).expect(202);
      expect(again.body).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
      await until('the redelivery', () => (receiver.at('/d').length === 1 ? true : undefined));
      expect(receiver.at('/d')[0].headers['webhook-id']).toBe(dead.id);
      expect((await deliveries(d.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    });

    it('given a complaint whose deadline passed unanswered, then ComplaintDeadlineBreached is delivered once', async () => {
      const e = await hook('/e', ['ComplaintDeadlineBreached']);
      const id = await register(app);
      const opened = await http(app).post(`${API}/complaints`).send({ customerId: id, subject: 'no answer', channel: 'web', priority: 'URGENT', agent: 'agent.li' }).expect(201);
      await http(app).get(`${API}/complaints/${opened.body.complaintId}?waitFor=${opened.body.position}`).expect(200);
      // The deadline is hours away; move it to just after the webhook was registered, as if those hours had passed.
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      await sql.query(`UPDATE rm_complaints SET respond_by = (SELECT created_at FROM crm_webhooks WHERE id = $1) + interval '1 millisecond' WHERE complaint_id = $2`, [
        e.id,
        opened.body.complaintId,
      ]);
      const [breach] = await until('the breach', () => (receiver.at('/e').length > 0 ? receiver.at('/e') : undefined));
      expect(breach.payload).toMatchObject({ type: 'ComplaintDeadlineBreached', data: { complaintId: opened.body.complaintId, customerId: id, priority: 'URGENT' } });
      expect(verify(e.secret, breach.headers as never, breach.body)).toBe(true);
      await new Promise((r) => setTimeout(r, 5_500));
      expect(receiver.at('/e').length).toBe(1);
    });

    it('given a segment, then its members entering and leaving are delivered as SegmentEntered and SegmentLeft, once', async () => {
      const g = await hook('/g', ['SegmentEntered', 'SegmentLeft']);
      // Registered two days ago, to a webhook registered three days ago: she is a member from then, and leaves today.
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      await sql.query(`UPDATE crm_webhooks SET created_at = now() - interval '3 days' WHERE id = $1`, [g.id]);
      const id = await register(app, { region: { province: '海南' }, occurredAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'hainan', name: '海南客户', conditions: [{ field: 'region.province', op: '=', value: '海南' }] })
        .expect(201);
      const [entered] = await until('the entry', () => (receiver.at('/g').length > 0 ? receiver.at('/g') : undefined));
      expect(entered.payload).toMatchObject({ type: 'SegmentEntered', data: { customerId: id, segmentId: 'hainan', version: 1 } });
      expect(verify(g.secret, entered.headers as never, entered.body)).toBe(true);
      await http(app).post(`${API}/segments/hainan/retire`).send({}).expect(200);
      const left = await until('the exit', () => receiver.at('/g').find((r) => r.payload.type === 'SegmentLeft'));
      expect(left.payload).toMatchObject({ data: { customerId: id, segmentId: 'hainan', cause: { kind: 'version', what: 'retired' } } });
      await new Promise((r) => setTimeout(r, 5_500));
      expect(receiver.at('/g').map((r) => r.payload.type)).toEqual(['SegmentEntered', 'SegmentLeft']);
    });

    it('given bad registrations and requests, then each gets a clear 4xx and nothing is registered', async () => {
      const before = (await http(app).get(`${API}/webhooks`).expect(200)).body.items.length;
      const bad = async (body: unknown, code: string) => {
        const res = await http(app)
          .post(`${API}/webhooks`)
          .send(body as object)
          .expect(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(JSON.stringify(res.body)).toMatch(code);
      };
      await bad({ url: 'ftp://example.com/x', eventTypes: ['PurchaseRecorded'] }, 'InvalidWebhookUrl');
      await bad({ url: 'https://user:pw@example.com/x', eventTypes: ['PurchaseRecorded'] }, 'InvalidWebhookUrl');
      await bad({ url: 'not a url', eventTypes: ['PurchaseRecorded'] }, 'InvalidWebhookUrl');
      await bad({ url: 'https://example.com/x', eventTypes: ['Nope'] }, 'event type');
      await bad({ url: 'https://example.com/x', eventTypes: [] }, 'eventTypes');
      await bad({ url: 'https://example.com/x', eventTypes: 'PurchaseRecorded' }, 'eventTypes');
      await bad({ url: 'https://example.com/x', eventTypes: ['PurchaseRecorded'], secret: 'hunter2' }, 'InvalidWebhookSecret');
      await bad({ url: ['https://example.com/x'], eventTypes: ['PurchaseRecorded'] }, 'url');
      await bad({ url: 'https://example.com/x', eventTypes: ['__proto__'] }, 'event type');
      const agent = await as(app, 'agent.webhooks');
      await agent
        .post(`${API}/webhooks`)
        .send({ url: 'https://example.com/x', eventTypes: ['PurchaseRecorded'] })
        .expect(403);
      await agent.get(`${API}/webhooks`).expect(403);
      await http(app).get(`${API}/webhooks/00000000-0000-4000-8000-000000000000/deliveries`).expect(404);
      await http(app).get(`${API}/webhooks/constructor/deliveries`).expect(400);
      await http(app).get(`${API}/webhooks/00000000-0000-4000-8000-000000000000/deliveries?limit=0`).expect(400);
      const [first] = (await http(app).get(`${API}/webhooks`).expect(200)).body.items as Array<{ id: string }>;
      await http(app).post(`${API}/webhooks/${first.id}/deliveries/__proto__/redeliver`).expect(404);
      expect((await http(app).get(`${API}/webhooks`).expect(200)).body.items.length).toBe(before);
    });

    it('given a history import, then only the webhook that asks for imports gets its events', async () => {
      const plain = await hook('/plain', ['PurchaseRecorded']);
      const res = await http(app)
        .post(`${API}/webhooks`)
        .send({ url: receiver.url('/imports'), eventTypes: ['PurchaseRecorded'], includeImports: true })
        .expect(201);
      expect(res.body.includeImports).toBe(true);
      const upload = await http(app)
        .post(`${API}/imports`)
        .set('Content-Type', 'text/csv')
        .send('customer_ref,kind,order_id,refund_id,occurred_at,amount,currency\nWH-IMP,purchase,WH-IMP-1,,2023-01-05T10:00:00+08:00,3.00,CNY\n')
        .expect(202);
      await until('the import', async () => ((await http(app).get(`${API}/imports/${upload.body.importId}`)).body.status === 'done' ? true : undefined));
      const [imported] = await until('the imported purchase', () => (receiver.at('/imports').length > 0 ? receiver.at('/imports') : undefined));
      expect(imported.payload.data).toMatchObject({ orderId: 'WH-IMP-1' });
      // A live purchase after the import reaches both: so the plain webhook has seen everything before it.
      const id = await register(app);
      await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('WH-LIVE-1')).expect(201);
      await until('the live purchase', () => (receiver.at('/plain').length > 0 && receiver.at('/imports').length > 1 ? true : undefined));
      expect(receiver.at('/plain').map((r) => r.payload.data.orderId)).toEqual(['WH-LIVE-1']);
      expect(plain.id).toBeDefined();
    });

    it('given a removed webhook, then it is gone from the list and gets nothing more', async () => {
      const f = await hook('/f', ['CustomerRegistered']);
      await http(app).delete(`${API}/webhooks/${f.id}`).expect(204);
      await http(app).get(`${API}/webhooks/${f.id}`).expect(404);
      const id = await register(app);
      const probe = await hook('/g', ['CustomerRegistered']);
      await register(app);
      await until('the probe delivery', () => (receiver.at('/g').length > 0 ? true : undefined));
      expect(receiver.at('/f')).toEqual([]);
      expect(id).toBeDefined();
      expect(probe.id).not.toBe(f.id);
    });

    it('keeps secrets sealed at rest; one stored in clear by an earlier version is sealed at start and still signs', async () => {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const res = await http(app)
        .post(`${API}/webhooks`)
        .send({ url: receiver.url('/sealed'), eventTypes: ['CustomerTagged'], secret })
        .expect(201);
      expect(res.body.secret).toBe(secret);
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      const stored = async () => (await sql.query<{ secret: string }>('SELECT secret FROM crm_webhooks WHERE id = $1', [res.body.id]))[0].secret;
      expect(await stored()).toMatch(/^v1\./);
      expect(await stored()).not.toContain(secret.slice(6));
      await sql.query('UPDATE crm_webhooks SET secret = $2 WHERE id = $1', [res.body.id, secret]);
      expect(await sealStoredSecrets(sql, app.app.get<AppConfig>(APP_CONFIG).masterKey as Buffer)).toBe(1);
      expect(await stored()).toMatch(/^v1\./);
      const id = await register(app);
      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'sealed' }).expect(201);
      await until('the tag delivered', () => (receiver.at('/sealed').length >= 1 ? true : undefined));
      expect(verify(secret, receiver.at('/sealed')[0].headers as never, receiver.at('/sealed')[0].body)).toBe(true);
    });
  });
}
