// Tier rule sets over HTTP: publish, simulate (what-if, nothing written),
// activate from a date mid-history; tier as of a date with basis, rule set
// and reason; tier history with causes; derived changes on the timeline.
import { SQL_CLIENT, SqlClient } from '../libs/database/src';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, as, settledHttp } from './support/http';

const rollingRules = {
  id: 'rolling-6m',
  name: 'Rolling 6 months; VIP at 2500; keep a tier 3 months',
  tiers: [
    { code: 'NORMAL', threshold: '0' },
    { code: 'SENIOR', threshold: '500' },
    { code: 'VIP', threshold: '2500' },
  ],
  basis: { kind: 'rollingMonths', months: 6 },
  downgrade: { retentionMonths: 3 },
};

for (const database of testDatabases()) {
  describe(`tiers on ${database.name}`, () => {
    let app: RunningApp;
    let lin: string;
    let wu: string;
    beforeAll(async () => {
      app = await startTestApp(database, { SHOP_TIMEZONE: 'Asia/Shanghai' });
      lin = (await http(app).post(`${API}/customers`).send({ customerRef: 'T-LIN', occurredAt: '2024-01-01T08:00:00+08:00' }).expect(201)).body.customerId;
      wu = (await http(app).post(`${API}/customers`).send({ customerRef: 'T-WU', occurredAt: '2024-01-01T08:00:00+08:00' }).expect(201)).body.customerId;
      await http(app)
        .post(`${API}/customers/${lin}/purchases`)
        .send(purchaseBody('T-1', '600.00', { occurredAt: '2024-01-10T10:00:00+08:00' }))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${lin}/purchases`)
        .send(purchaseBody('T-2', '2500.00', { occurredAt: '2024-03-10T10:00:00+08:00' }))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${lin}/refunds`)
        .send({ refundId: 'T-R1', orderId: 'T-2', occurredAt: '2024-04-10T10:00:00+08:00', amount: '200.00', currency: 'CNY' })
        .expect(201);
      await http(app)
        .post(`${API}/customers/${wu}/purchases`)
        .send(purchaseBody('T-3', '520.00', { occurredAt: '2024-05-01T10:00:00+08:00' }))
        .expect(201);
    });
    afterAll(async () => app?.close());

    it('answers the tier as of a date with basis, rule set and reason; refunds lower it from their date', async () => {
      const before = await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2024-04-09`).expect(200);
      expect(before.body).toMatchObject({ tier: 'VIP', basis: '3100.00', ruleSetId: 'default', since: '2024-03-10', basisTier: 'VIP' });
      expect(before.body.reason).toContain('lifetime net spend');
      const after = await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2024-04-10`).expect(200);
      expect(after.body).toMatchObject({ tier: 'SENIOR', basis: '2900.00', ruleSetId: 'default' });
      const prospect = await (await settledHttp(app)).get(`${API}/customers/${wu}/tier?asOf=2024-04-30`).expect(200);
      expect(prospect.body).toMatchObject({ tier: null, basis: '0.00' });
    });

    it('the shop time zone decides the date: 00:30 in Shanghai is the next day', async () => {
      const id = (await http(app).post(`${API}/customers`).send({ customerRef: 'T-TZ', occurredAt: '2024-01-01T08:00:00+08:00' }).expect(201)).body.customerId;
      await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody('T-TZ-1', '500.00', { occurredAt: '2024-03-31T16:30:00Z' }))
        .expect(201);
      expect((await (await settledHttp(app)).get(`${API}/customers/${id}/tier?asOf=2024-03-31`).expect(200)).body.tier).toBeNull();
      expect((await (await settledHttp(app)).get(`${API}/customers/${id}/tier?asOf=2024-04-01`).expect(200)).body.tier).toBe('SENIOR');
    });

    it('history recorded for a customer registered later counts from its first purchase (list, tier, simulation alike)', async () => {
      const late = (await http(app).post(`${API}/customers`).send({ customerRef: 'T-LATE' }).expect(201)).body.customerId; // registered today
      const buy = await http(app)
        .post(`${API}/customers/${late}/purchases`)
        .send(purchaseBody('T-LATE-1', '800.00', { occurredAt: '2024-02-01T10:00:00+08:00' }))
        .expect(201);
      expect((await (await settledHttp(app)).get(`${API}/customers/${late}/tier?asOf=2024-03-01`).expect(200)).body.tier).toBe('SENIOR');
      await (await settledHttp(app)).get(`${API}/customers/${late}/tier?asOf=2024-01-31`).expect(404);
      const listed = await http(app).get(`${API}/customers?asOf=2024-03-01&tier=SENIOR&waitFor=${buy.body.position}`).expect(200);
      expect(listed.body.items.map((c: { customerRef: string }) => c.customerRef)).toContain('T-LATE');
      const lateOne = await http(app).get(`${API}/customers/${late}?asOf=2024-03-01`).expect(200);
      expect(lateOne.body).toMatchObject({ tier: 'SENIOR', netSpend: '800.00', purchaseCount: 1 });
      // Not part of the other tests' base: record its refund so that it is NORMAL from then on, outside their dates.
      await http(app)
        .post(`${API}/customers/${late}/refunds`)
        .send({ refundId: 'T-LATE-R', occurredAt: '2024-02-02T10:00:00+08:00', amount: '800.00', currency: 'CNY' })
        .expect(201);
    });

    it('tier history lists each change with the event that caused it', async () => {
      const res = await (await settledHttp(app)).get(`${API}/customers/${lin}/tier-history?asOf=2024-12-31`).expect(200);
      expect(res.body.items.map((c: { date: string; from: string | null; to: string }) => [c.date, c.from, c.to])).toEqual([
        ['2024-01-10', null, 'SENIOR'],
        ['2024-03-10', 'SENIOR', 'VIP'],
        ['2024-04-10', 'VIP', 'SENIOR'],
      ]);
      expect(res.body.items[2]).toMatchObject({ direction: 'down', ruleSetId: 'default', basis: '2900.00', cause: { kind: 'event', type: 'RefundRecorded' } });
    });

    it('a tier read reads the tier read model and no event stream', async () => {
      const client = await settledHttp(app);
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      const original = sql.query.bind(sql);
      const seen: string[] = [];
      sql.query = ((...args: Parameters<SqlClient['query']>) => (seen.push(String(args[0])), original(...args))) as SqlClient['query'];
      try {
        await client.get(`${API}/customers/${lin}/tier?asOf=2024-04-09`).expect(200);
        await client.get(`${API}/customers/${lin}/tier-history?asOf=2024-12-31`).expect(200);
      } finally {
        sql.query = original;
      }
      // The projections poll the log in this process too: those reads are of the whole log, never of a stream.
      expect(seen.filter((q) => /FROM crm_events WHERE stream_id/.test(q))).toEqual([]);
      expect(seen.filter((q) => q.includes('FROM rm_tier_periods'))).toHaveLength(2);
    });

    it('publishes a rule set as a draft: republishing the same is a no-op, other rules under its id conflict, unsound ones are refused', async () => {
      const first = await (await as(app, 'manager.li', 'manager')).post(`${API}/tier-rule-sets`).send(rollingRules).expect(201);
      expect(first.body).toMatchObject({ ruleSetId: 'rolling-6m', unchanged: false });
      expect(first.headers.location).toBe('/api/v1/tier-rule-sets/rolling-6m');
      const again = await http(app).post(`${API}/tier-rule-sets`).send(rollingRules).expect(200);
      expect(again.body.unchanged).toBe(true);
      await http(app)
        .post(`${API}/tier-rule-sets`)
        .send({ ...rollingRules, refundsCount: false })
        .expect(409);
      const count = await eventCount(app);
      for (const [body, status] of [
        [
          {
            ...rollingRules,
            id: 'bad-order',
            tiers: [
              { code: 'NORMAL', threshold: '0' },
              { code: 'VIP', threshold: '500' },
              { code: 'SENIOR', threshold: '400' },
            ],
          },
          422,
        ],
        [{ ...rollingRules, id: 'no-floor', tiers: [{ code: 'VIP', threshold: '500' }] }, 422],
        [{ ...rollingRules, id: 'no-months', basis: { kind: 'rollingMonths' } }, 422],
        [{ ...rollingRules, id: 'Upper Case' }, 400],
        [{ ...rollingRules, id: 'x', tiers: [{ code: 'vip', threshold: '0' }] }, 400],
        [{ ...rollingRules, id: 'x', tiers: [{ code: 'VIP', threshold: -1 }] }, 400],
        [{ ...rollingRules, id: 'x', basis: { kind: 'forever' } }, 400],
        [{ ...rollingRules, id: 'x', downgrade: { retentionMonths: 1.5 } }, 400],
        [{ ...rollingRules, id: 'x', color: 'red' }, 400],
        [{ name: 'no id', tiers: [] }, 400],
      ] as const) {
        const res = await http(app).post(`${API}/tier-rule-sets`).send(body);
        expect([res.status, res.headers['content-type']]).toEqual([status, expect.stringContaining('application/problem+json')]);
      }
      expect(await eventCount(app)).toBe(count);
      const list = await http(app).get(`${API}/tier-rule-sets`).expect(200);
      expect(list.body.inForce).toBe('default');
      expect(list.body.items.find((r: { id: string }) => r.id === 'rolling-6m')).toMatchObject({ status: 'draft', publishedBy: 'manager.li', activations: [] });
    });

    it('simulates a rule set over the whole history: migration matrix and movers, writing nothing', async () => {
      const count = await eventCount(app);
      const [{ last }] = await app.app.get(SQL_CLIENT).query('SELECT max(global_position)::text AS last FROM crm_events');
      const res = await http(app).post(`${API}/tier-rule-sets/rolling-6m/simulations?waitFor=${last}`).send({ asOf: '2024-06-01' }).expect(200);
      // Lin: lifetime 2900 = SENIOR now; 2900 in the last 6 months reaches VIP (2500) under the candidate. Wu and T-TZ: SENIOR both ways; T-LATE: NORMAL both ways.
      expect(res.body).toMatchObject({ ruleSetId: 'rolling-6m', asOf: '2024-06-01', customers: 4, upgraded: 1, downgraded: 0, unchanged: 3 });
      expect(res.body.matrix).toEqual({ SENIOR: { VIP: 1, SENIOR: 2 }, NORMAL: { NORMAL: 1 } });
      expect(res.body.movers).toEqual([{ customerId: lin, customerRef: 'T-LIN', from: 'SENIOR', to: 'VIP', direction: 'up', basis: '2900.00', basisBefore: '2900.00' }]);
      expect(await eventCount(app)).toBe(count);
      await http(app).post(`${API}/tier-rule-sets/nope/simulations`).send({}).expect(404);
      await http(app).post(`${API}/tier-rule-sets/rolling-6m/simulations`).send({ asOf: '2024-02-30' }).expect(400);
      await http(app).post(`${API}/tier-rule-sets/rolling-6m/simulations`).send({ moversLimit: -1 }).expect(400);
    });

    it('simulates a draft that is not published, over REST and GraphQL alike, and refuses a bad draft', async () => {
      const count = await eventCount(app);
      const before = (await http(app).get(`${API}/tier-rule-sets`).expect(200)).body.items.length;
      const draft = { ...rollingRules, id: 'trial-only', name: 'a trial' };
      const rest = await http(app).post(`${API}/tier-rule-sets/simulations`).send({ ruleSet: draft, asOf: '2024-06-01' }).expect(200);
      // The same rules as rolling-6m under another id: the same answer.
      const published = await http(app).post(`${API}/tier-rule-sets/rolling-6m/simulations`).send({ asOf: '2024-06-01' }).expect(200);
      expect({ ...rest.body, ruleSetId: 'rolling-6m' }).toEqual(published.body);
      const gql = await http(app)
        .post('/graphql')
        .send({
          query: 'query ($r: JSON!) { draftRuleSetSimulation(ruleSet: $r, asOf: "2024-06-01") { ruleSetId upgraded matrix { from to customers } } }',
          variables: { r: draft },
        })
        .expect(200);
      expect(gql.body.data.draftRuleSetSimulation).toMatchObject({ ruleSetId: 'trial-only', upgraded: rest.body.upgraded });
      expect(await eventCount(app)).toBe(count);
      expect((await http(app).get(`${API}/tier-rule-sets`).expect(200)).body.items).toHaveLength(before);
      await http(app).post(`${API}/tier-rule-sets/simulations`).send({ asOf: '2024-06-01' }).expect(400);
      await http(app)
        .post(`${API}/tier-rule-sets/simulations`)
        .send({ ruleSet: { ...draft, tiers: [{ code: 'vip', threshold: '0' }] } })
        .expect(400);
      await http(app)
        .post(`${API}/tier-rule-sets/simulations`)
        .send({ ruleSet: [draft] })
        .expect(400);
      const bad = await http(app)
        .post('/graphql')
        .send({ query: 'query ($r: JSON!) { draftRuleSetSimulation(ruleSet: $r) { ruleSetId } }', variables: { r: { ...draft, color: 'red' } } })
        .expect(200);
      expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const agent = await as(app, 'agent.draft');
      await agent.post(`${API}/tier-rule-sets/simulations`).send({ ruleSet: draft }).expect(403);
    });

    it('activates a rule set mid-history: dates before keep the old answers, later dates follow the new rules, with retention', async () => {
      const activated = await http(app).post(`${API}/tier-rule-sets/rolling-6m/activate`).send({ effectiveFrom: '2024-05-01' }).expect(200);
      expect(activated.body).toMatchObject({ ruleSetId: 'rolling-6m', effectiveFrom: '2024-05-01', unchanged: false });
      await http(app).post(`${API}/tier-rule-sets/rolling-6m/activate`).send({ effectiveFrom: '2024-05-01' }).expect(200);
      await http(app).post(`${API}/tier-rule-sets/default/activate`).send({ effectiveFrom: '2024-04-30' }).expect(422);
      await http(app).post(`${API}/tier-rule-sets/ghost/activate`).send({ effectiveFrom: '2025-01-01' }).expect(404);
      await http(app).post(`${API}/tier-rule-sets/rolling-6m/activate`).send({ effectiveFrom: 'tomorrow' }).expect(400);

      expect((await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2024-04-30`).expect(200)).body).toMatchObject({ tier: 'SENIOR', ruleSetId: 'default' });
      expect((await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2024-05-01`).expect(200)).body).toMatchObject({ tier: 'VIP', ruleSetId: 'rolling-6m' });
      // 2024-07-10: T-1 leaves the window, basis 2300 < 2500; the 3-month retention keeps VIP until 2024-10-10.
      const kept = await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2024-10-09`).expect(200);
      expect(kept.body).toMatchObject({ tier: 'VIP', basisTier: 'NORMAL', downgradeDue: '2024-10-10' });
      expect((await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2024-10-10`).expect(200)).body).toMatchObject({ tier: 'NORMAL', downgradeDue: null });

      const history = await (await settledHttp(app)).get(`${API}/customers/${lin}/tier-history?asOf=2024-12-31`).expect(200);
      const switched = history.body.items.find((c: { date: string }) => c.date === '2024-05-01');
      expect(switched).toMatchObject({
        from: 'SENIOR',
        to: 'VIP',
        ruleSetId: 'rolling-6m',
        cause: { kind: 'ruleSetActivated', ruleSetId: 'rolling-6m', position: activated.body.position },
      });

      const list = await http(app).get(`${API}/tier-rule-sets`).expect(200);
      expect(list.body.schedule.map((s: { ruleSetId: string; effectiveFrom: string | null }) => [s.ruleSetId, s.effectiveFrom])).toEqual([
        ['default', null],
        ['rolling-6m', '2024-05-01'],
      ]);
      const listed = await http(app).get(`${API}/customers?asOf=2024-10-09&tier=VIP&waitFor=${activated.body.position}`).expect(200);
      expect(listed.body.items.map((c: { customerRef: string }) => c.customerRef)).toEqual(['T-LIN']);
      await http(app).get(`${API}/customers?tier=GOLD`).expect(422);
    });

    it('the timeline shows derived tier and lifecycle changes right after the events that caused them', async () => {
      const res = await http(app).get(`${API}/customers/${lin}/timeline?limit=1000`).expect(200);
      const items = res.body.items as Array<{ type: string; derived: boolean; causationId: string | null; eventId?: string; data: Record<string, unknown> }>;
      const purchase = items.findIndex((e) => e.type === 'PurchaseRecorded');
      expect(items[purchase + 1]).toMatchObject({ type: 'TierChanged', derived: true, actor: 'system', causationId: items[purchase].eventId, data: { from: null, to: 'SENIOR' } });
      expect(items[purchase + 2]).toMatchObject({ type: 'LifecycleChanged', derived: true, data: { from: 'PROSPECT', to: 'NEW_ONCE', direction: 'forward' } });
      expect(items.some((e) => e.type === 'LifecycleChanged' && e.data.to === 'SILENT' && e.causationId === null)).toBe(true);
      // Paging one entry at a time visits the same entries in the same order.
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ type: string; occurredAt: string }>; nextCursor: string | null } } = await http(app)
          .get(`${API}/customers/${lin}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        paged.push(...page.body.items.map((e) => `${e.type}@${e.occurredAt}`));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(items.map((e) => `${e.type}@${(e as unknown as { occurredAt: string }).occurredAt}`));
    });

    it("refuses bad reads of a customer's standing", async () => {
      await (await settledHttp(app)).get(`${API}/customers/${lin}/tier?asOf=2023-12-31`).expect(404);
      await http(app).get(`${API}/customers/00000000-0000-4000-8000-000000000000/tier`).expect(404);
      for (const q of ['tier?asOf=2024-02-30', 'tier-history?asOf=x', 'lifecycle?window=5', 'rfm?asOf=2024-1-1', 'tier?extra=1']) {
        const res = await http(app).get(`${API}/customers/${lin}/${q}`);
        expect([q, res.status]).toEqual([q, 400]);
      }
      await http(app).get(`${API}/customers/not-a-uuid/tier`).expect(400);
      await http(app).get(`${API}/tier-rule-sets/Bad%20Id`).expect(400);
      await http(app).get(`${API}/tier-rule-sets/never-published`).expect(404);
      expect((await http(app).get(`${API}/tier-rule-sets/rolling-6m`).expect(200)).body).toMatchObject({
        id: 'rolling-6m',
        status: 'in-force',
        activations: [{ effectiveFrom: '2024-05-01' }],
      });
    });
  });
}
