// Read models over HTTP: written through the API, projected from the stored
// log, read with ?waitFor=<position> (read-your-writes).
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, http, purchaseBody, as } from './support/http';

for (const database of testDatabases()) {
  describe(`read models on ${database.name}`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(database, { SHOP_TIMEZONE: 'Asia/Shanghai' });
    });
    afterAll(async () => app?.close());

    it('lists customers as of a date with tier, lifecycle and spend, filtered and paged by cursor', async () => {
      let last = 0;
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const reg = await http(app)
          .post(`${API}/customers`)
          .send({ customerRef: `L-${i}`, name: `C${i}`, region: { province: i % 2 ? '广东' : '浙江', city: i % 2 ? '广州' : '杭州' }, occurredAt: '2024-01-01T08:00:00+08:00' })
          .expect(201);
        ids.push(reg.body.customerId);
        const buy = await http(app)
          .post(`${API}/customers/${reg.body.customerId}/purchases`)
          .send(purchaseBody(`L-O-${i}`, `${(i + 1) * 300}.00`, { occurredAt: '2024-05-01T10:00:00+08:00' }))
          .expect(201);
        last = buy.body.position;
      }
      await http(app).post(`${API}/customers/${ids[0]}/tags`).send({ tag: 'south' }).expect(201);
      const tagged = await http(app).post(`${API}/customers/${ids[1]}/tags`).send({ tag: 'south' }).expect(201);
      last = tagged.body.position;

      const all = await http(app).get(`${API}/customers?asOf=2024-05-31&limit=3&waitFor=${last}`).expect(200);
      expect(all.headers['x-data-stale']).toBeUndefined();
      expect(all.body.items).toHaveLength(3);
      expect(all.body.nextCursor).toEqual(expect.any(String));
      const seen = [...all.body.items];
      let cursor = all.body.nextCursor;
      while (cursor) {
        const page = await http(app).get(`${API}/customers?asOf=2024-05-31&limit=3&cursor=${cursor}`).expect(200);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      }
      expect(seen.map((c) => c.customerRef).sort()).toEqual(['L-0', 'L-1', 'L-2', 'L-3', 'L-4', 'L-5', 'L-6']);
      const c1 = seen.find((c) => c.customerRef === 'L-1');
      expect(c1).toMatchObject({ tier: 'SENIOR', lifecycle: 'NEW_ONCE', netSpend: '600.00', purchaseCount: 1, tags: ['south'], lastPurchaseAt: '2024-05-01T02:00:00.000Z' });

      // Spend is (i + 1) x 300.00: L-0 300 is NORMAL, L-1 600 .. L-6 2100 are SENIOR, none is VIP.
      const normal = await http(app).get(`${API}/customers?asOf=2024-05-31&tier=NORMAL`).expect(200);
      expect(normal.body.items.map((c: { customerRef: string }) => c.customerRef)).toEqual(['L-0']);
      const senior = await http(app).get(`${API}/customers?asOf=2024-05-31&tier=SENIOR&limit=4`).expect(200);
      expect(senior.body.items).toHaveLength(4);
      const seniorRest = await http(app).get(`${API}/customers?asOf=2024-05-31&tier=SENIOR&limit=4&cursor=${senior.body.nextCursor}`).expect(200);
      expect(seniorRest.body.items).toHaveLength(2);
      expect((await http(app).get(`${API}/customers?asOf=2024-05-31&tier=VIP`).expect(200)).body).toEqual({ items: [], nextCursor: null });
      const south = await http(app).get(`${API}/customers?asOf=2024-05-31&tag=south`).expect(200);
      expect(south.body.items).toHaveLength(2);
      const guangdong = await http(app)
        .get(`${API}/customers?asOf=2024-05-31&region=${encodeURIComponent('广州')}`)
        .expect(200);
      expect(guangdong.body.items).toHaveLength(3);
      // Part of the name, any case; % and _ are taken literally.
      const byName = await http(app).get(`${API}/customers?asOf=2024-05-31&name=c3`).expect(200);
      expect(byName.body.items.map((c: { customerRef: string }) => c.customerRef)).toEqual(['L-3']);
      for (const literal of ['%25', '_', 'C_']) expect((await http(app).get(`${API}/customers?asOf=2024-05-31&name=${literal}`).expect(200)).body.items).toEqual([]);
      const before = await http(app).get(`${API}/customers?asOf=2023-12-31`).expect(200);
      expect(before.body.items).toHaveLength(0);
      const prospects = await http(app).get(`${API}/customers?asOf=2024-04-30&lifecycle=PROSPECT`).expect(200);
      expect(prospects.body.items).toHaveLength(7);
      const silent = await http(app).get(`${API}/customers?asOf=2024-09-01&lifecycle=SILENT`).expect(200);
      expect(silent.body.items).toHaveLength(7);

      // Sorted by net spend, largest first, paged, with the total of the filter; GraphQL the same.
      const refs: string[] = [];
      let next: string | null = null;
      do {
        const page: { body: { items: Array<{ customerRef: string }>; nextCursor: string | null; total: number } } = await http(app)
          .get(`${API}/customers?asOf=2024-05-31&region=${encodeURIComponent('广东')}&sort=-netSpend&limit=2&total=true${next ? `&cursor=${next}` : ''}`)
          .expect(200);
        expect(page.body.total).toBe(3);
        refs.push(...page.body.items.map((c) => c.customerRef));
        next = page.body.nextCursor;
      } while (next);
      expect(refs).toEqual(['L-5', 'L-3', 'L-1']);
      const byRef = await http(app).get(`${API}/customers?asOf=2024-05-31&sort=-ref&limit=2`).expect(200);
      expect(byRef.body.items.map((c: { customerRef: string }) => c.customerRef)).toEqual(['L-6', 'L-5']);
      expect(byRef.body.total).toBeUndefined();
      const gql = await http(app)
        .post('/graphql')
        .send({ query: '{ customers(asOf: "2024-05-31", tier: "SENIOR", sort: "netSpend", first: 2) { totalCount edges { node { customerRef } } } }' })
        .expect(200);
      expect(gql.body.data.customers).toEqual({ totalCount: 6, edges: [{ node: { customerRef: 'L-1' } }, { node: { customerRef: 'L-2' } }] });
      const badSort = await http(app).post('/graphql').send({ query: '{ customers(sort: "name") { totalCount } }' }).expect(200);
      expect(badSort.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('refuses bad list queries with 400', async () => {
      for (const q of [
        'tier=GOLD',
        'tier=vip',
        'lifecycle=ASLEEP',
        'asOf=2024-13-01',
        'limit=0',
        'limit=501',
        'cursor=%25%25',
        'window=4',
        'waitFor=-1',
        'color=red',
        'sort=name',
        'sort=netspend',
        'total=yes',
      ]) {
        const res = await http(app).get(`${API}/customers?${q}`);
        expect([400, 422]).toContain(res.status);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('the timeline shows every event of the customer and their complaints, with who, when and why', async () => {
      const reg = await (
        await as(app, 'alice', 'manager')
      )
        .post(`${API}/customers`)

        .set('X-Correlation-Id', 'tl-1')
        .send({ customerRef: 'TL', occurredAt: '2024-01-01T08:00:00+08:00' })
        .expect(201);
      const id = reg.body.customerId;
      await (
        await as(app, 'shop', 'manager')
      )
        .post(`${API}/customers/${id}/purchases`)

        .send(purchaseBody('TL-1', '100.00', { occurredAt: '2024-02-01T10:00:00+08:00' }))
        .expect(201);
      const complaint = await (
        await as(app, 'agent.wang', 'manager')
      )
        .post(`${API}/complaints`)

        .send({ customerId: id, subject: 'late', channel: 'phone', priority: 'NORMAL', agent: 'agent.wang' })
        .expect(201);
      const responded = await (await as(app, 'agent.wang', 'manager')).post(`${API}/complaints/${complaint.body.complaintId}/respond`).send({ message: 'sorry' }).expect(200);

      const first = await http(app).get(`${API}/customers/${id}/timeline?limit=2&derived=false&waitFor=${responded.body.position}`).expect(200);
      expect(first.body.items.map((e: { type: string }) => e.type)).toEqual(['CustomerRegistered', 'PurchaseRecorded']);
      expect(first.body.items[0]).toMatchObject({ actor: 'alice', correlationId: 'tl-1', source: 'api', occurredAt: '2024-01-01T00:00:00.000Z' });
      expect(first.body.items[0].recordedAt).toEqual(expect.any(String));
      const rest = await http(app).get(`${API}/customers/${id}/timeline?derived=false&cursor=${first.body.nextCursor}`).expect(200);
      expect(rest.body.items.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
        ['ComplaintOpened', 'agent.wang'],
        ['ComplaintResponded', 'agent.wang'],
      ]);
      expect(rest.body.nextCursor).toBeNull();

      // Filtered by type on the server: the whole history of those types, paged the same way.
      const only = await http(app).get(`${API}/customers/${id}/timeline?types=ComplaintResponded,CustomerRegistered&limit=1`).expect(200);
      expect(only.body.items.map((e: { type: string }) => e.type)).toEqual(['CustomerRegistered']);
      const onlyRest = await http(app).get(`${API}/customers/${id}/timeline?types=ComplaintResponded,CustomerRegistered&cursor=${only.body.nextCursor}`).expect(200);
      expect(onlyRest.body).toEqual({ items: [expect.objectContaining({ type: 'ComplaintResponded', actor: 'agent.wang' })], nextCursor: null });
      const tiers = await http(app).get(`${API}/customers/${id}/timeline?types=TierChanged`).expect(200);
      expect(tiers.body.items.length).toBeGreaterThan(0);
      expect(tiers.body.items.every((e: { type: string; derived: boolean }) => e.type === 'TierChanged' && e.derived)).toBe(true);
      for (const bad of ['Nope', 'constructor', '__proto__', '', 'PurchaseRecorded,', 'a'.repeat(41), Array(31).fill('PurchaseRecorded').join(',')]) {
        const res = await http(app).get(`${API}/customers/${id}/timeline?types=${encodeURIComponent(bad)}`);
        expect([bad.slice(0, 20), res.status, res.headers['content-type']]).toEqual([bad.slice(0, 20), 400, expect.stringContaining('application/problem+json')]);
      }
      expect((await http(app).get(`${API}/customers/${id}/timeline?types=Nope`)).body).toMatchObject({
        code: 'InvalidEntryTypes',
        known: expect.arrayContaining(['PurchaseRecorded', 'TierChanged']),
      });
      expect((await http(app).get(`${API}/customers/${id}/timeline?types=PurchaseRecorded&types=RefundRecorded`)).status).toBe(400);
    });

    it('the timeline paged from the newest back holds every entry once, in exactly the reverse order, derived entries beside their causes', async () => {
      const reg = await http(app).post(`${API}/customers`).send({ customerRef: 'NEWEST', occurredAt: '2024-01-01T08:00:00+08:00' }).expect(201);
      const id = reg.body.customerId;
      let last = 0;
      // Purchases that move the tier (derived entries right after them), two at the same instant, then a refund.
      for (const [n, amount, at] of [
        [1, '300.00', '2024-02-01T10:00:00+08:00'],
        [2, '300.00', '2024-03-01T10:00:00+08:00'],
        [3, '2500.00', '2024-03-01T10:00:00+08:00'],
        [4, '10.00', '2024-04-01T10:00:00+08:00'],
      ] as const)
        last = (
          await http(app)
            .post(`${API}/customers/${id}/purchases`)
            .send(purchaseBody(`NEW-${n}`, amount, { occurredAt: at }))
            .expect(201)
        ).body.position;
      last = (
        await http(app)
          .post(`${API}/customers/${id}/refunds`)
          .send({ refundId: 'NEW-R', orderId: 'NEW-3', amount: '2400.00', currency: 'CNY', occurredAt: '2024-04-02T10:00:00+08:00' })
          .expect(201)
      ).body.position;
      const all = async (from: 'oldest' | 'newest', limit: number) => {
        const keys: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { body: { items: Array<{ type: string; occurredAt: string; eventId: string | null; data: { to?: string } }>; nextCursor: string | null } } = await http(app)
            .get(`${API}/customers/${id}/timeline?from=${from}&limit=${limit}&waitFor=${last}${cursor ? `&cursor=${cursor}` : ''}`)
            .expect(200);
          keys.push(...page.body.items.map((e) => `${e.type}@${e.occurredAt}:${e.eventId ?? e.data.to}`));
          cursor = page.body.nextCursor;
        } while (cursor);
        return keys;
      };
      const oldest = await all('oldest', 1000);
      expect(oldest.filter((k) => k.startsWith('TierChanged')).length).toBeGreaterThanOrEqual(2);
      for (const limit of [1, 2, 3, 1000]) expect(await all('newest', limit)).toEqual([...oldest].reverse());
      const gql = await http(app)
        .post('/graphql')
        .send({ query: `{ customer(id: "${id}") { timeline(first: 2, newestFirst: true) { edges { node { type } } } } }` })
        .expect(200);
      expect(gql.body.data.customer.timeline.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(
        oldest
          .slice(-2)
          .reverse()
          .map((k) => k.split('@')[0]),
      );
      await http(app).get(`${API}/customers/${id}/timeline?from=latest`).expect(400);
    });

    it('health shows each projection position and lag', async () => {
      const res = await http(app).get('/health').expect(200);
      expect(res.body.projections.map((p: { name: string }) => p.name).sort()).toEqual([
        'campaigns',
        'customer-list',
        'segment-members',
        'segments',
        'service-history',
        'tier-periods',
        'timeline',
        'webhook-outbox',
      ]);
      expect(res.body.projections[0]).toMatchObject({ state: 'running', lag: expect.any(Number), position: expect.any(Number) });
    });
  });
}
