// Lifecycle, RFM and segments, stickiness metrics, the complaint list and
// service figures over HTTP, each checked against figures worked out by hand.
import { rfmScores } from '../libs/lifecycle/src';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, http, purchaseBody, as } from './support/http';
import { SQL_CLIENT, type SqlClient } from '../libs/database/src';

for (const database of testDatabases()) {
  describe(`analytics on ${database.name}`, () => {
    let app: RunningApp;
    const ids: Record<string, string> = {};
    let last = 0;

    const customer = async (ref: string, province = '浙江') => {
      const res = await http(app).post(`${API}/customers`).send({ customerRef: ref, region: { province }, occurredAt: '2023-01-01T00:00:00Z' }).expect(201);
      ids[ref] = res.body.customerId;
      return res.body.customerId as string;
    };
    const buy = async (ref: string, order: string, amount: string, at: string, items?: unknown[]) => {
      const res = await http(app)
        .post(`${API}/customers/${ids[ref]}/purchases`)
        .send(purchaseBody(order, amount, { occurredAt: at, ...(items ? { items } : {}) }))
        .expect(201);
      last = res.body.position;
    };

    beforeAll(async () => {
      app = await startTestApp(database);
      // As of 2024-06-30 with W = 3: period (2024-03-30, 2024-06-30] (months back, clamped).
      await customer('A');
      await buy('A', 'A1', '100.00', '2024-04-01T10:00:00Z', [
        { sku: 'S1', category: 'dresses', quantity: 2, unitPrice: '30.00' },
        { sku: 'S2', category: 'shoes', quantity: 1, unitPrice: '40.00' },
      ]);
      await buy('A', 'A2', '50.00', '2024-04-20T10:00:00Z');
      await customer('B', '广东');
      await buy('B', 'B1', '300.00', '2024-06-30T10:00:00Z');
      await customer('C');
      await buy('C', 'C1', '1000.00', '2023-01-15T10:00:00Z');
      await customer('D');
      await buy('D', 'D1', '200.00', '2023-09-10T10:00:00Z');
      await customer('P'); // a prospect
      const refund = await http(app)
        .post(`${API}/customers/${ids.A}/refunds`)
        .send({ refundId: 'A-R1', occurredAt: '2024-05-01T10:00:00Z', amount: '10.00', currency: 'CNY' })
        .expect(201);
      last = refund.body.position;
    });
    afterAll(async () => app?.close());

    it('the day at a glance: registrations, purchases and refunds that day, customers per tier on it (REST and GraphQL alike)', async () => {
      const rest = await http(app).get(`${API}/metrics/day?asOf=2024-04-01&waitFor=${last}`).expect(200);
      expect(rest.body).toMatchObject({ asOf: '2024-04-01', currency: 'CNY', newCustomers: 0, purchases: 1, sales: '100.00', refunds: 0, refunded: '0.00' });
      expect(rest.body.byTier.reduce((n: number, t: { customers: number }) => n + t.customers, 0)).toBeGreaterThan(0);
      const registered = await http(app).get(`${API}/metrics/day?asOf=2023-01-01`).expect(200);
      expect(registered.body.newCustomers).toBeGreaterThanOrEqual(3);
      const gql = await http(app)
        .post('/graphql')
        .send({ query: '{ dayFigures(asOf: "2024-04-01") { asOf newCustomers purchases sales refunds refunded byTier { tier customers } } }' })
        .expect(200);
      expect(gql.body.data.dayFigures).toEqual({ asOf: '2024-04-01', newCustomers: 0, purchases: 1, sales: '100.00', refunds: 0, refunded: '0.00', byTier: rest.body.byTier });
      await http(app).get(`${API}/metrics/day?asOf=2024-02-30`).expect(400);
    });

    it('lifecycle as of a date and window, with its moves', async () => {
      const a = await http(app).get(`${API}/customers/${ids.A}/lifecycle?asOf=2024-06-30`).expect(200);
      expect(a.body).toMatchObject({ lifecycle: 'NEW_REPEAT', windowMonths: 3, window: { after: '2024-03-30', through: '2024-06-30' }, purchasesInWindow: 2, since: '2024-04-20' });
      const d = await http(app).get(`${API}/customers/${ids.D}/lifecycle?asOf=2024-06-30`).expect(200);
      expect(d.body.lifecycle).toBe('SLEEPING');
      expect((await http(app).get(`${API}/customers/${ids.D}/lifecycle?asOf=2024-06-30&window=6`).expect(200)).body.lifecycle).toBe('SILENT');
      expect((await http(app).get(`${API}/customers/${ids.C}/lifecycle?asOf=2024-06-30`).expect(200)).body.lifecycle).toBe('LOST');
      expect((await http(app).get(`${API}/customers/${ids.P}/lifecycle?asOf=2024-06-30`).expect(200)).body).toMatchObject({ lifecycle: 'PROSPECT', moves: [] });
    });

    it('RFM scores by quintile of average ranks, and named segments', async () => {
      // Recency days to 2024-06-30: A 71, B 0, C 532, D 294 -> R ranks (recent high): C 1, D 2, A 3, B 4 -> R = ceil(5r/4): 2, 3, 4, 5.
      // F: A 2, others 1 (tied ranks 1,2,3 -> 2) -> F: A 5, others ceil(10/4) = 3. M: A 140, B 300, C 1000, D 200 -> A 2, D 3, B 4, C 5.
      const a = await http(app).get(`${API}/customers/${ids.A}/rfm?asOf=2024-06-30&waitFor=${last}`).expect(200);
      expect(a.body).toMatchObject({ scored: true, recencyDays: 71, frequency: 2, monetary: '140.00', r: 4, f: 5, m: 2, score: '452', population: 4 });
      expect((await http(app).get(`${API}/customers/${ids.C}/rfm?asOf=2024-06-30`).expect(200)).body).toMatchObject({ r: 2, f: 3, m: 5 });
      expect((await http(app).get(`${API}/customers/${ids.P}/rfm?asOf=2024-06-30`).expect(200)).body).toMatchObject({ scored: false, population: 4 });
      const segments = await http(app).get(`${API}/segments/rfm?asOf=2024-06-30&segment=LOYAL`).expect(200);
      expect(segments.body.customers).toBe(4);
      expect(segments.body.members.map((m: { customerId: string }) => m.customerId)).toEqual([ids.A]);
      expect(segments.body.segments.reduce((n: number, s: { customers: number }) => n + s.customers, 0)).toBe(4);
      await http(app).get(`${API}/segments/rfm?segment=HEROES`).expect(400);
    });

    it('stickiness: repeat rate, active ARPU, retention, composition, to the cent', async () => {
      const res = await http(app).get(`${API}/metrics/stickiness?asOf=2024-06-30&retentionDays=30&waitFor=${last}`).expect(200);
      expect(res.body).toMatchObject({
        period: { after: '2024-03-30', through: '2024-06-30' },
        activeCustomers: 2,
        repeatPurchaseRate: { numerator: 1, denominator: 2, rate: 0.5 },
        sales: '450.00',
        refunds: '10.00',
        netSpend: '440.00',
        activeArpu: '220.00',
        // Purchase days with 30 days to look ahead: A 04-01 (bought again 04-20: retained), A 04-20 (no). B 06-30 is too recent.
        retention: { withinDays: 30, numerator: 1, denominator: 2, rate: 0.5 },
      });
      expect(res.body.composition.byRegion).toEqual([
        { region: '广东', customers: 1, sales: '300.00' },
        { region: '浙江', customers: 1, sales: '150.00' },
      ]);
      expect(res.body.composition.byCategory).toEqual([
        { category: '(no items)', sales: '350.00' },
        { category: 'dresses', sales: '60.00' },
        { category: 'shoes', sales: '40.00' },
      ]);
      expect(res.body.composition.byTier).toEqual([{ tier: 'NORMAL', customers: 2, sales: '450.00' }]);
      // Only B bought in (2024-05-31, 2024-06-30]; A's refund of 2024-05-01 is outside.
      const odd = await http(app).get(`${API}/metrics/stickiness?asOf=2024-06-30&window=1`).expect(200);
      expect(odd.body).toMatchObject({ activeCustomers: 1, activeArpu: '300.00' });
      for (const q of ['window=2', 'retentionDays=0', 'responseDays=400', 'asOf=2024-06-31']) await http(app).get(`${API}/metrics/stickiness?${q}`).expect(400);
    });

    it('wake-up rate: sleeping customers reached by a marketing contact who bought within the response days', async () => {
      // D is SLEEPING on 2024-06-30 (last purchase 2023-09-10). C is LOST: only a yearly promotion may reach them.
      for (const ref of ['C', 'D']) await http(app).put(`${API}/customers/${ids[ref]}/consent`).send({ sms: true }).expect(200);
      await http(app).post(`${API}/customers/${ids.D}/contacts`).send({ kind: 'marketing', channel: 'sms', occurredAt: '2024-07-01T09:00:00Z' }).expect(201);
      const refused = await http(app).post(`${API}/customers/${ids.C}/contacts`).send({ kind: 'marketing', channel: 'sms', occurredAt: '2024-07-01T09:00:00Z' }).expect(422);
      expect(refused.body).toMatchObject({ code: 'ContactPolicy', stage: 'LOST', cap: 0 });
      await http(app).post(`${API}/customers/${ids.C}/contacts`).send({ kind: 'marketing', channel: 'sms', occurredAt: '2024-07-01T09:00:00Z', yearlyPromotion: true }).expect(201);
      await buy('D', 'D2', '80.00', '2024-07-15T10:00:00Z');
      const res = await http(app).get(`${API}/metrics/stickiness?asOf=2024-07-31&responseDays=30&waitFor=${last}`).expect(200);
      expect(res.body.wakeUp).toEqual({ status: 'SLEEPING', withinDays: 30, from: 'contacts', numerator: 1, denominator: 1, rate: 1 });
      expect(res.body.reactivation).toEqual({ status: 'LOST', withinDays: 30, from: 'contacts', numerator: 0, denominator: 1, rate: 0 });
    });

    it('lists complaints with filters and a cursor; service figures per agent and priority', async () => {
      const open = async (agent: string, priority: string) =>
        (await as(app, agent, 'manager')).post(`${API}/complaints`).send({ customerId: ids.A, subject: 'late parcel', channel: 'phone', priority, agent }).expect(201);
      const c1 = (await open('wang', 'URGENT')).body.complaintId;
      const c2 = (await open('wang', 'NORMAL')).body.complaintId;
      const c3 = (await open('zhao', 'NORMAL')).body.complaintId;
      await (await as(app, 'wang', 'manager')).post(`${API}/complaints/${c1}/respond`).send({ message: 'on it' }).expect(200);
      await http(app).post(`${API}/complaints/${c1}/resolve`).send({ resolution: 'resent' }).expect(200);
      await http(app).post(`${API}/complaints/${c1}/reopen`).send({ reason: 'still late' }).expect(200);
      await http(app).post(`${API}/complaints/${c2}/resolve`).send({ resolution: 'refund' }).expect(200);
      await http(app).post(`${API}/complaints/${c3}/rate`).send({ satisfaction: 5 }).expect(422); // not resolved yet
      const resolved = await http(app).post(`${API}/complaints/${c2}/rate`).send({ satisfaction: 4, comment: 'fair' }).expect(200);
      await http(app).post(`${API}/complaints/${c2}/rate`).send({ satisfaction: 5 }).expect(422); // rated once
      for (const bad of [{ satisfaction: 0 }, { satisfaction: '5' }, { satisfaction: 4.5 }, {}, { satisfaction: 3, extra: 1 }])
        await http(app).post(`${API}/complaints/${c2}/rate`).send(bad).expect(400);
      expect((await http(app).get(`${API}/complaints/${c2}`).expect(200)).body).toMatchObject({ satisfaction: 4, satisfactionComment: 'fair' });

      const wang = await http(app).get(`${API}/complaints?agent=wang&waitFor=${resolved.body.position}`).expect(200);
      expect(wang.body.items.map((c: { id: string }) => c.id).sort()).toEqual([c1, c2].sort());
      const openOnes = await http(app).get(`${API}/complaints?status=open&customerId=${ids.A}`).expect(200);
      expect(openOnes.body.items.map((c: { id: string }) => c.id).sort()).toEqual([c1, c3].sort());
      expect(openOnes.body.items.find((c: { id: string }) => c.id === c1)).toMatchObject({ reopenCount: 1, priority: 'URGENT', breached: false });
      expect((await http(app).get(`${API}/complaints?breached=true`).expect(200)).body.items).toEqual([]);
      const page1 = await http(app).get(`${API}/complaints?limit=2`).expect(200);
      const page2 = await http(app).get(`${API}/complaints?limit=2&cursor=${page1.body.nextCursor}`).expect(200);
      expect([...page1.body.items, ...page2.body.items].map((c: { id: string }) => c.id).sort()).toEqual([c1, c2, c3].sort());
      expect(page2.body.nextCursor).toBeNull();

      const figures = await http(app).get(`${API}/metrics/service`).expect(200);
      expect(figures.body.overall).toMatchObject({
        complaints: 3,
        responded: 1,
        resolved: 1,
        breaches: 0,
        reopenRate: { numerator: 1, denominator: 2, rate: 0.5 },
        satisfaction: { rated: 1, mean: 4 },
      });
      expect(figures.body.byAgent.map((a: { agent: string; complaints: number }) => [a.agent, a.complaints])).toEqual([
        ['wang', 2],
        ['zhao', 1],
      ]);
      // Most severe first, not alphabetical.
      expect(figures.body.byPriority.map((a: { priority: string; complaints: number }) => [a.priority, a.complaints])).toEqual([
        ['URGENT', 1],
        ['NORMAL', 2],
      ]);
      for (const q of ['status=closed', 'priority=LOW', 'breached=yes', 'customerId=x', 'limit=501', 'cursor=%25']) {
        const res = await http(app).get(`${API}/complaints?${q}`);
        expect([q, res.status]).toEqual([q, 400]);
      }
      await http(app).get(`${API}/complaints?cursor=abc`).expect(422);
      await http(app).get(`${API}/metrics/service?from=2024-02-01&to=2024-01-01`).expect(422);
    });

    it("one customer's RFM is ranked in a kept distribution of the base, and a write that moves the read model is seen at once", async () => {
      const asOf = '2025-12-31';
      // The expected scores: the pure rfmScores over every customer's facts as their own views give them.
      const expected = async () => {
        const views = await Promise.all(Object.values(ids).map(async (id) => (await http(app).get(`${API}/customers/${id}?asOf=${asOf}`).expect(200)).body));
        const facts = views
          .filter((v) => v.purchaseCount > 0)
          .map((v) => ({ customerId: v.id, lastPurchaseDate: v.lastPurchaseAt.slice(0, 10), purchaseCount: v.purchaseCount, netSpendMinor: Math.round(Number(v.netSpend) * 100) }));
        return new Map(rfmScores(facts, asOf).map((s) => [s.customerId, s]));
      };
      const answers = async (wait: number) =>
        new Map(
          await Promise.all(Object.values(ids).map(async (id) => [id, (await http(app).get(`${API}/customers/${id}/rfm?asOf=${asOf}&waitFor=${wait}`).expect(200)).body] as const)),
        );
      const check = async (wait: number) => {
        const want = await expected();
        for (const [id, got] of await answers(wait)) {
          const w = want.get(id);
          expect(got).toMatchObject(w ? { scored: true, r: w.r, f: w.f, m: w.m, population: want.size } : { scored: false, population: want.size });
        }
      };
      await check(last);
      await buy('C', 'C-later', '20.00', '2025-03-05T10:00:00Z');
      await buy('D', 'D-later', '990.00', '2025-11-05T10:00:00Z');
      await check(last);
    });
    it('care due: the post-purchase greeting, due within 2 days of the purchase, overdue after, gone once a care contact is logged', async () => {
      const on = async (asOf: string) => (await http(app).get(`${API}/care/due?asOf=${asOf}&waitFor=${last}`).expect(200)).body.greetings;
      expect(await on('2024-04-21')).toEqual([expect.objectContaining({ customerRef: 'A', orderId: 'A2', dueOn: '2024-04-22', overdue: false })]);
      expect(await on('2024-07-01')).toEqual([
        expect.objectContaining({ customerId: ids.B, orderId: 'B1', purchasedAt: '2024-06-30T10:00:00.000Z', dueOn: '2024-07-02', overdue: false }),
      ]);
      expect((await on('2024-07-03'))[0]).toMatchObject({ customerRef: 'B', overdue: true });
      // A marketing message is not a greeting; a care contact after the purchase is.
      const care = await http(app).post(`${API}/customers/${ids.B}/contacts`).send({ kind: 'care', channel: 'phone', occurredAt: '2024-07-01T09:00:00Z' }).expect(201);
      last = care.body.position;
      expect(await on('2024-07-03')).toEqual([]);
      expect((await http(app).get(`${API}/care/due?limit=0`)).status).toBe(400);

      // Two ungreeted purchases name the customer once, by the earlier; a care contact between them leaves the later one due.
      const g = (await http(app).post(`${API}/customers`).send({ customerRef: 'G', occurredAt: '2024-01-01T00:00:00Z' }).expect(201)).body.customerId;
      await http(app)
        .post(`${API}/customers/${g}/purchases`)
        .send(purchaseBody('G1', '10.00', { occurredAt: '2024-08-01T10:00:00Z' }))
        .expect(201);
      last = (
        await http(app)
          .post(`${API}/customers/${g}/purchases`)
          .send(purchaseBody('G2', '10.00', { occurredAt: '2024-08-02T10:00:00Z' }))
          .expect(201)
      ).body.position;
      expect((await on('2024-08-03')).map((d: { orderId: string }) => d.orderId)).toEqual(['G1']);
      last = (await http(app).post(`${API}/customers/${g}/contacts`).send({ kind: 'care', channel: 'phone', occurredAt: '2024-08-01T12:00:00Z' }).expect(201)).body.position;
      expect((await on('2024-08-03')).map((d: { orderId: string }) => d.orderId)).toEqual(['G2']);
      last = (await http(app).post(`${API}/customers/${g}/contacts`).send({ kind: 'care', channel: 'sms', occurredAt: '2024-08-02T11:00:00Z' }).expect(201)).body.position;
      expect(await on('2024-08-03')).toEqual([]);

      // The birthday greeting: due in the week before the birthday, overdue in the week after, settled by a care contact in that span.
      const born = await http(app).post(`${API}/customers`).send({ customerRef: 'BD', name: 'Bo Ding', birthDate: '1990-07-05', occurredAt: '2023-01-01T00:00:00Z' }).expect(201);
      last = born.body.position;
      const birthdays = async (asOf: string) => (await http(app).get(`${API}/care/due?asOf=${asOf}&waitFor=${last}`).expect(200)).body.birthdays;
      expect(await birthdays('2024-06-27')).toEqual([]);
      expect(await birthdays('2024-07-01')).toEqual([{ customerId: born.body.customerId, customerRef: 'BD', name: 'Bo Ding', birthday: '2024-07-05', overdue: false }]);
      expect(await birthdays('2024-07-10')).toEqual([expect.objectContaining({ customerRef: 'BD', overdue: true })]);
      expect(await birthdays('2024-07-13')).toEqual([]);
      const greeted = await http(app)
        .post(`${API}/customers/${born.body.customerId}/contacts`)
        .send({ kind: 'care', channel: 'sms', occurredAt: '2024-07-05T09:00:00Z' })
        .expect(201);
      last = greeted.body.position;
      expect(await birthdays('2024-07-10')).toEqual([]);
      expect(await birthdays('2025-07-01')).toEqual([expect.objectContaining({ birthday: '2025-07-05' })]);
      // Nearest birthday first; the limit cuts after that order (29 February falls on the 28th in 2025).
      const leap = await http(app).post(`${API}/customers`).send({ customerRef: 'LP', name: 'Li Pei', birthDate: '1992-02-29', occurredAt: '2023-01-01T00:00:00Z' }).expect(201);
      const march = await http(app).post(`${API}/customers`).send({ customerRef: 'MR', name: 'Ma Rui', birthDate: '1991-03-01', occurredAt: '2023-01-01T00:00:00Z' }).expect(201);
      last = march.body.position;
      const due = (await http(app).get(`${API}/care/due?asOf=2025-02-27&limit=1&waitFor=${last}`).expect(200)).body.birthdays;
      expect(due).toEqual([{ customerId: leap.body.customerId, customerRef: 'LP', name: 'Li Pei', birthday: '2025-02-28', overdue: false }]);
      expect((await birthdays('2025-02-27')).map((b: { customerRef: string }) => b.customerRef)).toEqual(['LP', 'MR']);
    });

    it('whole-base figures asked again are answered without computing them again, and a write is seen by a read that waits for it', async () => {
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      const original = sql.transaction.bind(sql);
      let computed = 0;
      sql.transaction = ((...args: Parameters<SqlClient['transaction']>) => (computed++, original(...args))) as SqlClient['transaction'];
      try {
        const ask = async (waitFor?: number) =>
          (
            await http(app)
              .get(`${API}/metrics/stickiness?asOf=2024-12-31&window=12${waitFor ? `&waitFor=${waitFor}` : ''}`)
              .expect(200)
          ).body;
        const first = await ask(last);
        computed = 0;
        expect(await ask()).toEqual(first);
        expect(computed).toBe(0);
        await buy('A', 'A-KEPT', '12.34', '2024-12-01T10:00:00Z');
        const after = await ask(last);
        expect(computed).toBeGreaterThan(0);
        expect(Number(after.sales) - Number(first.sales)).toBeCloseTo(12.34, 2);
      } finally {
        sql.transaction = original;
      }
    });
  });
}
