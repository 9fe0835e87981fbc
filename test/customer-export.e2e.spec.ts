// GET /customers/export: the whole filtered list as CSV for a sender or a
// spreadsheet: every page, consent per channel, CJK names with a BOM, formula
// text defused, and the list's filters and their refusals.
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, as, http, purchaseBody } from './support/http';

for (const database of testDatabases()) {
  describe(`customer export on ${database.name}`, () => {
    let app: RunningApp;
    let last = 0;
    beforeAll(async () => {
      app = await startTestApp(database);
      for (let i = 0; i < 3; i++) {
        const reg = await http(app)
          .post(`${API}/customers`)
          .send({ customerRef: `EX-${i}`, name: i === 2 ? '=SUM(A1)' : `王小${i}`, region: { province: '浙江', city: '杭州' } })
          .expect(201);
        const id = reg.body.customerId;
        await http(app)
          .put(`${API}/customers/${id}/consent`)
          .send({ sms: i === 0, wechat: true })
          .expect(200);
        last = (
          await http(app)
            .post(`${API}/customers/${id}/purchases`)
            .send(purchaseBody(`EX-O-${i}`, `${(i + 1) * 100}.00`))
            .expect(201)
        ).body.position;
      }
    });
    afterAll(async () => app?.close());

    it('answers every customer of the filter as CSV with consent columns', async () => {
      const res = await http(app).get(`${API}/customers/export?region=浙江&waitFor=${last}`).buffer(true).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="customers-today\.csv"/);
      const text = String(res.text);
      expect(text.startsWith('\uFEFF')).toBe(true);
      const lines = text.slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'id,customer_ref,name,province,city,tags,tier,lifecycle,net_spend,purchase_count,first_purchase_at,last_purchase_at,consent_sms,consent_email,consent_phone,consent_wechat',
      );
      const rows = lines.slice(1).map((l) => l.split(','));
      expect(rows.map((r) => r[1]).sort()).toEqual(['EX-0', 'EX-1', 'EX-2']);
      const byRef = new Map(rows.map((r) => [r[1], r]));
      expect(byRef.get('EX-0')?.slice(2, 5)).toEqual(['王小0', '浙江', '杭州']);
      expect(byRef.get('EX-0')?.slice(-4)).toEqual(['yes', '', '', 'yes']);
      // Withdrawing what was never given records nothing: empty, as never asked.
      expect(byRef.get('EX-1')?.slice(-4)).toEqual(['', '', '', 'yes']);
      expect(byRef.get('EX-2')?.[2]).toBe("'=SUM(A1)");
      expect(byRef.get('EX-2')?.[8]).toBe('300.00');
    });

    it('is open to agents, filtered like the list, and refuses what the list refuses', async () => {
      const agent = await as(app, 'agent.export');
      const none = await agent.get(`${API}/customers/export?tag=nobody-has-this`).buffer(true).expect(200);
      expect(String(none.text).slice(1).trimEnd().split('\r\n')).toHaveLength(1);
      const unknownTier = await http(app).get(`${API}/customers/export?tier=PLATINUM`).expect(422);
      expect(unknownTier.body.code).toBe('UnknownTier');
      await http(app).get(`${API}/customers/export?lifecycle=SOMETIMES`).expect(400);
      await http(app).get(`${API}/customers/export?asOf=9999-99-99`).expect(400);
    });
  });
}
