// Imports over REST: a CSV upload answered 202, its progress and rejected
// rows at GET /imports/{id}, the same rows and rules as `crm import`, the
// access matrix, bad uploads, and an import a stopped service left running
// resumed on the next start.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { SQL_CLIENT, SqlClient } from '../libs/database/src';
import { customerIdForRef } from '../libs/customers/src';
import { ImportsService } from '../libs/imports/src';
import { APP_CONFIG, AppConfig, startOfShopDay } from '../libs/shared/src';
import { EVENT_STORE, EventStore } from '../libs/event-store/src';
import { startTestApp, RunningApp } from './support/test-app';
import { anonymous, API, as, eventCount, http, purchaseBody } from './support/http';
import { testDatabases } from './support/test-databases';

const HEADER = 'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items';
const csv = (lines: string[]) => [HEADER, ...lines].join('\n');

for (const database of testDatabases()) {
  describe(`imports over REST on ${database.name}`, () => {
    jest.setTimeout(60_000);
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(database);
    });
    afterAll(async () => app?.close());

    const upload = (body: string, query = '') => http(app).post(`${API}/imports${query}`).set('Content-Type', 'text/csv').send(body);
    const finished = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const res = await http(app).get(`${API}/imports/${id}`).expect(200);
        if (res.body.status !== 'running') return res.body;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`import ${id} still running`);
    };

    it('takes a CSV upload (202 + Location), imports it in the background, lists rejected rows; the same file again writes nothing', async () => {
      const file = csv([
        'REST-1,purchase,REST-O1,,2024-01-05T10:00:00+08:00,300.00,CNY,web,,',
        'REST-1,refund,REST-O1,REST-R1,2024-01-06T10:00:00+08:00,500.00,CNY,,,',
        'REST-2,purchase,REST-O2,,2024-13-05,10.00,CNY,,,',
        'REST-3,purchase,REST-O3,,2024-01-05T10:00:00+08:00,10.00,CNY,,12" PIZZA,',
      ]);
      const res = await upload(file).expect(202);
      expect(res.headers.location).toBe(`/api/v1/imports/${res.body.importId}`);
      expect(res.body).toMatchObject({ status: 'running', createdBy: 'test-admin', options: { allOrNothing: false } });
      const done = await finished(res.body.importId);
      expect(done).toMatchObject({
        status: 'done',
        written: true,
        error: null,
        progress: { rows: 4, imported: 2, rejected: 2, registered: 2, eventsWritten: 4, percent: 100, phase: 'done' },
      });
      expect(done.rejects).toEqual([
        { line: 3, customerRef: 'REST-1', code: 'RefundExceedsOrder', reason: expect.stringContaining('exceeds') },
        { line: 4, customerRef: 'REST-2', code: 'InvalidRow', field: 'occurred_at', reason: expect.stringContaining('occurred_at must be') },
      ]);
      const store = app.app.get<EventStore>(EVENT_STORE);
      const events = await store.readStream(`customer-${customerIdForRef('REST-1')}`);
      expect(events.map((e) => [e.type, e.metadata.actor])).toEqual([
        ['CustomerRegistered', 'test-admin'],
        ['PurchaseRecorded', 'test-admin'],
      ]);

      const before = await eventCount(app);
      const again = await finished((await upload(file).expect(202)).body.importId);
      expect(again.progress).toMatchObject({ imported: 2, rejected: 2, eventsWritten: 0 });
      expect(await eventCount(app)).toBe(before);
    });

    it("takes dates without a time (the shop's day) and a new customer's name, phone, email and birth date, sealed like any personal data", async () => {
      const header = `${HEADER},name,phone,email,birth_date`;
      const file = [
        header,
        'PROF-1,purchase,PROF-O1,,2024-03-05,120.00,CNY,,浙江,,林小姐,+86 138 0000 0000,lin@example.com,1990-04-12',
        'PROF-1,purchase,PROF-O2,,2024-03-09T10:00:00+08:00,30.00,CNY,,,,,,,',
        'PROF-2,purchase,PROF-O3,,2024-03-05,10.00,CNY,,,,王先生,,not-an-email,',
      ].join('\n');
      const done = await finished((await upload(file).expect(202)).body.importId);
      expect(done.progress).toMatchObject({ imported: 2, rejected: 1 });
      expect(done.rejects).toEqual([{ line: 4, customerRef: 'PROF-2', code: 'InvalidRow', field: 'email', reason: expect.stringMatching(/^email: /) }]);
      const id = customerIdForRef('PROF-1');
      const customer = (await http(app).get(`${API}/customers/${id}`).expect(200)).body;
      expect(customer.profile).toMatchObject({ name: '林小姐', phone: '+86 138 0000 0000', email: 'lin@example.com', birthDate: '1990-04-12', region: { province: '浙江' } });
      const events = await app.app.get<EventStore>(EVENT_STORE).readStream(`customer-${id}`);
      // The purchase dated 2024-03-05 is that day's start in the shop's zone; the stored registration holds no name in clear.
      expect(events.map((e) => e.type)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRecorded']);
      expect((events[1].data as { occurredAt: string }).occurredAt).toBe(startOfShopDay('2024-03-05', app.app.get<AppConfig>(APP_CONFIG).shopTimezone).toISOString());
      expect(JSON.stringify(events[0].data)).not.toContain('林小姐');
      expect(JSON.stringify(events[0].data)).not.toContain('lin@example.com');
    });

    it('imports the sample file of docs/examples whole', async () => {
      const sample = fs.readFileSync(path.join(__dirname, '../docs/examples/import-sample.csv'), 'utf8');
      const done = await finished((await upload(sample).expect(202)).body.importId);
      expect(done).toMatchObject({ status: 'done', progress: { rows: 5, imported: 5, rejected: 0, registered: 3 } });
    });

    it('imported history does not flood the care due list: only a purchase still within its greeting window when imported is due', async () => {
      const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const res = await upload(csv([`CARE-1,purchase,CARE-O1,,${daysAgo(1)},50.00,CNY,web,,`, `CARE-2,purchase,CARE-O2,,${daysAgo(6)},50.00,CNY,web,,`])).expect(202);
      expect(await finished(res.body.importId)).toMatchObject({ status: 'done', progress: { imported: 2 } });
      // A live purchase of six days ago is still owed its (overdue) greeting.
      const live = (await http(app).post(`${API}/customers`).send({ customerRef: 'CARE-3', name: 'Live Li' }).expect(201)).body.customerId;
      const bought = await http(app)
        .post(`${API}/customers/${live}/purchases`)
        .send(purchaseBody('CARE-O3', '50.00', { occurredAt: daysAgo(6) }))
        .expect(201);
      const due = await http(app).get(`${API}/care/due?limit=500&waitFor=${bought.body.position}`).expect(200);
      const orders = due.body.greetings.map((g: { orderId: string }) => g.orderId);
      expect(orders).toEqual(expect.arrayContaining(['CARE-O1', 'CARE-O3']));
      expect(orders).not.toContain('CARE-O2');
    });

    it('maps headers (?map=) and with ?allOrNothing=true writes nothing when a row is bad', async () => {
      const mapped = csv(['MAP-1,purchase,MAP-O1,,2024-01-05T10:00:00+08:00,1.00,CNY,,,']).replace('customer_ref', 'CustomerID');
      const ok = await finished((await upload(mapped, '?map=customer_ref=CustomerID').expect(202)).body.importId);
      expect(ok.progress).toMatchObject({ imported: 1, rejected: 0 });

      const before = await eventCount(app);
      const none = await finished(
        (
          await upload(
            csv(['AON-1,purchase,AON-O1,,2024-01-05T10:00:00+08:00,1.00,CNY,,,', 'AON-2,gift,AON-O2,,2024-01-05T10:00:00+08:00,1.00,CNY,,,']),
            '?allOrNothing=true',
          ).expect(202)
        ).body.importId,
      );
      expect(none).toMatchObject({ status: 'done', written: false, progress: { rejected: 1, phase: 'done' } });
      expect(await eventCount(app)).toBe(before);

      const noHeader = await finished((await upload('customer_ref,amount\nC1,1\n').expect(202)).body.importId);
      expect(noHeader).toMatchObject({ status: 'failed', error: expect.stringContaining('lacks kind, occurred_at, currency') });
    });

    it('is for managers, admins and granted keys; refuses bad uploads with a clear 4xx and stores nothing', async () => {
      const body = csv(['ACL-1,purchase,ACL-O1,,2024-01-05T10:00:00+08:00,1.00,CNY,,,']);
      await (await as(app, 'import.agent', 'agent')).post(`${API}/imports`).set('Content-Type', 'text/csv').send(body).expect(403);
      await anonymous(app).post(`${API}/imports`).set('Content-Type', 'text/csv').send(body).expect(401);
      const manager = await (await as(app, 'import.manager', 'manager')).post(`${API}/imports`).set('Content-Type', 'text/csv').send(body).expect(202);
      await (await as(app, 'import.agent', 'agent')).get(`${API}/imports/${manager.body.importId}`).expect(403);

      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      const count = async () => Number((await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM crm_imports'))[0].n);
      const before = await count();
      for (const [req, status, code] of [
        [http(app).post(`${API}/imports`).send({ rows: [] }), 415, 'UnsupportedMediaType'],
        [http(app).post(`${API}/imports`).set('Content-Type', 'text/csv').send(''), 400, 'EmptyImport'],
        [http(app).post(`${API}/imports?map=nonsense=X`).set('Content-Type', 'text/csv').send(body), 400, 'InvalidMap'],
        [http(app).post(`${API}/imports?map=customer_ref=a%00b`).set('Content-Type', 'text/csv').send(body), 400, undefined],
        [http(app).post(`${API}/imports?allOrNothing=yes`).set('Content-Type', 'text/csv').send(body), 400, 'ValidationFailed'],
        [http(app).get(`${API}/imports/${randomUUID()}`), 404, 'ImportNotFound'],
        [http(app).get(`${API}/imports/__proto__`), 400, undefined],
      ] as const) {
        const res = await req;
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toContain('application/problem+json');
        if (code) expect(res.body.code).toBe(code);
      }
      expect(await count()).toBe(before);
    });

    it('resumes on start an import whose service stopped mid-way, and ends with the rows in once', async () => {
      const config = app.app.get<AppConfig>(APP_CONFIG);
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      const importId = randomUUID();
      const lines = Array.from({ length: 50 }, (_, i) => `RES-${i % 10},purchase,RES-O${i},,2024-01-05T10:00:00+08:00,1.00,CNY,,,`);
      fs.mkdirSync(path.join(config.dataDir, 'imports'), { recursive: true });
      fs.writeFileSync(path.join(config.dataDir, 'imports', `${importId}.csv`), csv(lines));
      // What a killed service leaves: the file, a running import and part of its rows.
      await sql.query(
        `INSERT INTO crm_imports (import_id, status, source, options, principal, created_by, total_bytes, heartbeat_at, rows_read)
         VALUES ($1, 'running', $2, '{"allOrNothing":false}', '{"kind":"operator","id":"ops"}', 'ops', 100, now() - interval '1 hour', 20)`,
        [importId, `import-${importId}`],
      );
      // The rows it had written before it stopped.
      await finished((await upload(csv(lines.slice(0, 20))).expect(202)).body.importId);
      await app.app.get(ImportsService).onApplicationBootstrap();
      const done = await finished(importId);
      expect(done).toMatchObject({ status: 'done', progress: { rows: 50, imported: 50, rejected: 0 } });
      expect(fs.existsSync(path.join(config.dataDir, 'imports', `${importId}.csv`))).toBe(false);
      const [row] = await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM crm_events WHERE type = 'PurchaseRecorded' AND data->>'orderId' LIKE 'RES-O%'");
      expect(Number(row.n)).toBe(50);
    });
  });
}
