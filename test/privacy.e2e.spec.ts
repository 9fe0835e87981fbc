// Personal data: sealed in the events with the customer's own key, opened for
// those who may read it, exported on request, and erased for good - the raw
// events, every table and the service's log hold none of it afterwards, even
// after a rebuild - while purchases, tiers and the timeline stay usable.
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, as, eventCount, http, purchaseBody } from './support/http';
import { EVENT_STORE, EventStore } from '../libs/event-store/src';
import { SQL_CLIENT, SqlClient } from '../libs/database/src';
import { rebuildProjections } from '../libs/projections/src';
import { allProjectors } from '@crm/wiring';
import { APP_CONFIG, AppConfig } from '../libs/shared/src';

const personal = {
  name: 'Erasable Lin Xiaomei',
  phone: '+86 138 0013 8000',
  email: 'xiaomei.erasable@example.cn',
  shippingAddress: '88 Erasable Road, Hangzhou',
  birthDate: '1990-04-01',
  nickname: 'erasable-mei',
};
const secrets = Object.values(personal);

/** Every text the database holds, table by table, as one string per table. */
async function everyTable(sql: SqlClient): Promise<Map<string, string>> {
  const tables = await sql.query<{ schemaname: string; tablename: string }>(
    `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const out = new Map<string, string>();
  for (const t of tables) {
    const rows = await sql.query(`SELECT * FROM "${t.schemaname}"."${t.tablename}"`);
    out.set(`${t.schemaname}.${t.tablename}`, JSON.stringify(rows));
  }
  return out;
}

function hits(text: string): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
}

for (const database of testDatabases()) {
  describe(`personal data on ${database.name}`, () => {
    let app: RunningApp;
    let sql: SqlClient;
    let id = '';
    let lastPosition = 0;
    const logged: string[] = [];
    const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    beforeAll(async () => {
      // The service's log output, to search it too.
      process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), writes.out(chunk as string, ...(rest as [])))) as typeof process.stdout.write;
      process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (logged.push(String(chunk)), writes.err(chunk as string, ...(rest as [])))) as typeof process.stderr.write;
      app = await startTestApp(database, { LOG_LEVEL: 'verbose' });
      sql = app.app.get(SQL_CLIENT);
      const res = await http(app)
        .post(`${API}/customers`)
        .send({ customerRef: 'PRIV-1', ...personal, region: { province: '浙江', city: '杭州' } })
        .expect(201);
      id = res.body.customerId;
      await http(app).patch(`${API}/customers/${id}`).send({ nickname: 'erasable-mei-2' }).expect(200);
      secrets.push('erasable-mei-2');
      lastPosition = (await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('PRIV-O1', '600.00')).expect(201)).body.position;
    });
    afterAll(async () => {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
      await app?.close();
    });

    it('the events hold the personal fields sealed, never in clear', async () => {
      const rows = await sql.query<{ data: unknown }>('SELECT data FROM crm_events WHERE stream_id = $1', [`customer-${id}`]);
      expect(hits(JSON.stringify(rows))).toEqual([]);
      expect(JSON.stringify(rows)).toContain('"sealed"');
    });

    it('those who may read the customer see the fields; the export gives everything', async () => {
      const view = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(view.body.profile).toMatchObject({ ...personal, nickname: 'erasable-mei-2' });
      expect(view.body.personalDataErased).toBe(false);
      const exported = await http(app).get(`${API}/customers/${id}/export?waitFor=${lastPosition}`).expect(200);
      expect(JSON.stringify(exported.body)).toContain(personal.email);
      expect(exported.body.events.map((e: { type: string }) => e.type).sort()).toEqual(['CustomerProfileUpdated', 'CustomerRegistered', 'PurchaseRecorded']);
    });

    it('an agent may not erase nor export', async () => {
      const agent = await as(app, 'agent.priv', 'agent');
      await agent.post(`${API}/customers/${id}/erasure`).expect(403);
      await agent.get(`${API}/customers/${id}/export`).expect(403);
    });

    it('erasure leaves no trace of the personal fields in the events, any table, or the log; the history stays usable', async () => {
      const erased = await http(app).post(`${API}/customers/${id}/erasure`).expect(200);
      const wait = `waitFor=${erased.body.position}`;
      const view = await http(app).get(`${API}/customers/${id}?${wait}`).expect(200);
      expect(view.body).toMatchObject({ personalDataErased: true, netSpend: '600.00', purchaseCount: 1, tier: 'SENIOR' });
      expect(view.body.profile).toEqual({ region: { province: '浙江', city: '杭州' } });
      const timeline = await http(app).get(`${API}/customers/${id}/timeline?derived=false&${wait}`).expect(200);
      const entry = (type: string) => timeline.body.items.find((e: { type: string }) => e.type === type);
      expect(timeline.body.items).toHaveLength(4);
      expect(entry('CustomerRegistered').data.profile).toMatchObject({ name: '[erased]', email: '[erased]', region: { province: '浙江' } });
      expect(entry('CustomerErased').actor).toBe('test-admin');
      const list = await http(app).get(`${API}/customers?${wait}`).expect(200);
      expect(list.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({ name: null, netSpend: '600.00' });

      for (const [table, text] of await everyTable(sql)) expect({ table, hits: hits(text) }).toEqual({ table, hits: [] });
      expect(hits(logged.join(''))).toEqual([]);
    });

    it('erasing again records nothing; no personal field is stored for the customer again', async () => {
      const before = await eventCount(app);
      const again = await http(app).post(`${API}/customers/${id}/erasure`).expect(200);
      expect(again.body.unchanged).toBe(true);
      const refused = await http(app).patch(`${API}/customers/${id}`).send({ phone: '+8613800138001' }).expect(422);
      expect(refused.body.code).toBe('PersonalDataErased');
      await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('PRIV-O2', '10.00')).expect(201);
      expect(await eventCount(app)).toBe(before + 1);
    });

    it('a rebuild after the erasure yields the erased state, never the old values', async () => {
      const config = app.app.get<AppConfig>(APP_CONFIG);
      await rebuildProjections(app.app.get<EventStore>(EVENT_STORE), sql, allProjectors(config));
      for (const [table, text] of await everyTable(sql)) expect({ table, hits: hits(text) }).toEqual({ table, hits: [] });
      const [row] = await sql.query<{ name: string | null; birthday: string | null }>('SELECT name, birthday FROM rm_customers WHERE customer_id = $1', [id]);
      expect(row).toEqual({ name: null, birthday: null });
    });

    it('an unknown customer cannot be erased (404)', async () => {
      await http(app).post(`${API}/customers/00000000-0000-4000-8000-000000000000/erasure`).expect(404);
    });
  });
}
