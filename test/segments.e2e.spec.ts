// Segments over HTTP: publish, the next version under If-Match, retire; the
// list; a preview on a date (time alone moves a customer out) and its
// enter/leave diff against a published version; hostile definitions answer
// 400 with the bad part's path and write nothing; agents read, managers define.
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, as, eventCount, http, purchaseBody, settledHttp } from './support/http';

const active = { field: 'lifecycle', op: 'in', value: ['NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT'] };

for (const database of testDatabases()) {
  describe(`segments on ${database.name}`, () => {
    let app: RunningApp;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      app = await startTestApp(database, { SHOP_TIMEZONE: 'Asia/Shanghai' });
      const customer = async (ref: string, profile: Record<string, unknown>) =>
        (
          await http(app)
            .post(`${API}/customers`)
            .send({ customerRef: ref, occurredAt: '2024-01-01T08:00:00+08:00', ...profile })
            .expect(201)
        ).body.customerId as string;
      ids.lin = await customer('S-LIN', { name: '林小美', region: { province: '广东', city: '广州' }, channel: 'tmall', birthDate: '1990-06-10' });
      ids.wang = await customer('S-WANG', { name: '王建国', region: { province: '浙江', city: '杭州' }, channel: 'wechat' });
      ids.zhang = await customer('S-ZHANG', { name: '张伟', region: { province: '广东', city: '深圳' } });
      await http(app)
        .post(`${API}/customers/${ids.lin}/purchases`)
        .send(purchaseBody('S-1', '1200.00', { occurredAt: '2024-05-20T10:00:00+08:00', items: [{ sku: 'D1', category: '连衣裙', quantity: 2, unitPrice: '600.00' }] }))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${ids.wang}/purchases`)
        .send(purchaseBody('S-2', '80.00', { occurredAt: '2024-03-01T10:00:00+08:00', items: [{ sku: 'S1', category: '鞋', quantity: 1, unitPrice: '80.00' }] }))
        .expect(201);
      await http(app).post(`${API}/customers/${ids.lin}/tags`).send({ tag: 'dress lover' }).expect(201);
      await http(app).put(`${API}/customers/${ids.lin}/consent`).send({ sms: true }).expect(200);
    });
    afterAll(async () => app?.close());

    it('publishes version 1, answers a repeat unchanged, takes the next version under If-Match, and retires', async () => {
      const body = { id: 'south-active', name: '南方活跃客户', conditions: [active, { field: 'region.province', op: '=', value: '广东' }] };
      const created = await http(app).post(`${API}/segments`).send(body).expect(201);
      expect(created.headers.location).toBe('/api/v1/segments/south-active');
      expect(created.body).toMatchObject({ segmentId: 'south-active', version: 1, unchanged: false });
      const again = await http(app).post(`${API}/segments`).send(body).expect(200);
      expect(again.body).toMatchObject({ unchanged: true, position: created.body.position });
      await http(app)
        .post(`${API}/segments`)
        .send({ ...body, name: 'other' })
        .expect(409);

      const read = await http(app).get(`${API}/segments/south-active`).expect(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.body).toMatchObject({ segmentId: 'south-active', version: 1, status: 'active', definition: { name: '南方活跃客户', match: 'all', windowMonths: 3 } });
      const v2 = { ...body, windowMonths: 6 };
      await http(app).put(`${API}/segments/south-active`).set('If-Match', '"0"').send(v2).expect(412);
      const revised = await http(app).put(`${API}/segments/south-active`).set('If-Match', '"1"').send(v2).expect(200);
      expect(revised.body).toMatchObject({ version: 2, unchanged: false });
      const both = await http(app).get(`${API}/segments/south-active`).expect(200);
      expect(both.body.versions.map((v: { version: number; definition: { windowMonths: number } }) => [v.version, v.definition.windowMonths])).toEqual([
        [1, 3],
        [2, 6],
      ]);

      const listed = await (await settledHttp(app)).get(`${API}/segments`).expect(200);
      expect(listed.body.items).toContainEqual(expect.objectContaining({ segmentId: 'south-active', name: '南方活跃客户', version: 2, status: 'active' }));

      await http(app).post(`${API}/segments/south-active/retire`).send({}).expect(200);
      await http(app).put(`${API}/segments/south-active`).send(body).expect(422);
      expect((await http(app).get(`${API}/segments/south-active`).expect(200)).body.status).toBe('retired');
      const after = await (await settledHttp(app)).get(`${API}/segments`).expect(200);
      expect(after.body.items.map((s: { segmentId: string }) => s.segmentId)).not.toContain('south-active');
      const all = await http(app).get(`${API}/segments?includeRetired=true`).expect(200);
      expect(all.body.items.map((s: { segmentId: string }) => s.segmentId)).toContain('south-active');
    });

    it('an id is optional; unknown segments are 404', async () => {
      const made = await http(app).post(`${API}/segments`).send({ name: 'everyone' }).expect(201);
      expect(made.body.segmentId).toMatch(/^[0-9a-f-]{36}$/);
      await http(app).get(`${API}/segments/nope`).expect(404);
      await http(app).put(`${API}/segments/nope`).send({ name: 'x' }).expect(404);
      await http(app).post(`${API}/segments`).send({ id: 'rfm', name: 'x' }).expect(400);
    });

    it('a preview counts and lists the members on a date: time alone moves a customer out', async () => {
      const settled = await settledHttp(app);
      const preview = (asOf: string, conditions: unknown[]) =>
        settled
          .post(`${API}/segments/preview`)
          .send({ definition: { name: 'p', conditions }, asOf })
          .expect(200);
      const inMay = await preview('2024-05-31', [active]);
      expect(inMay.body.count).toBe(2);
      expect(inMay.body.members.map((m: { customerId: string }) => m.customerId).sort()).toEqual([ids.lin, ids.wang].sort());
      // Wang's one purchase (1 March) is outside the 3-month window from 1 June: she is SILENT then, with no event.
      const onJune = await preview('2024-06-01', [active]);
      expect(onJune.body.members.map((m: { customerId: string }) => m.customerId)).toEqual([ids.lin]);
      expect(onJune.body.members[0]).toMatchObject({ tier: expect.any(String), lifecycle: 'NEW_ONCE', netSpend: '1200.00' });

      const rich = await preview('2024-06-01', [
        { field: 'region.city', op: '=', value: '广州' },
        { field: 'channel', op: '=', value: 'tmall' },
        { field: 'tag', op: 'has', value: 'dress lover' },
        { field: 'consent.sms', op: '=', value: true },
        { field: 'netSpend', op: '>=', value: '1200.00' },
        { field: 'boughtCategory', op: 'has', value: '连衣裙', days: 30 },
        { field: 'categorySpendShare', op: '>=', value: '1', category: '连衣裙' },
        { field: 'birthdayWithinDays', op: '<=', value: 9 },
        { field: 'openComplaint', op: '=', value: false },
        { field: 'rfm.r', op: '>=', value: 1 },
      ]);
      expect(rich.body.members.map((m: { customerId: string }) => m.customerId)).toEqual([ids.lin]);
      expect((await preview('2024-06-01', [{ field: 'birthdayWithinDays', op: '<=', value: 8 }])).body.count).toBe(0);
    });

    it('a preview against a published segment lists who would enter and who would leave, and writes nothing', async () => {
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'guangdong', name: '广东', conditions: [{ field: 'region.province', op: '=', value: '广东' }] })
        .expect(201);
      const before = await eventCount(app);
      const diff = await (
        await settledHttp(app)
      )
        .post(`${API}/segments/preview`)
        .send({ definition: { name: '有购买', conditions: [{ field: 'purchaseCount', op: '>=', value: 1 }] }, compareTo: 'guangdong', asOf: '2024-06-01' })
        .expect(200);
      expect(diff.body.compared).toMatchObject({ segmentId: 'guangdong', version: 1, count: 2 });
      expect(diff.body.compared.entering.customers.map((m: { customerId: string }) => m.customerId)).toEqual([ids.wang]);
      expect(diff.body.compared.leaving.customers.map((m: { customerId: string }) => m.customerId)).toEqual([ids.zhang]);
      expect(await eventCount(app)).toBe(before);
    });

    it('members on a date come from the membership read model, with since when; time alone moves them out', async () => {
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'active', name: '活跃客户', conditions: [active] })
        .expect(201);
      const settled = await settledHttp(app);
      const members = async (asOf: string) =>
        (await settled.get(`${API}/segments/active/members?asOf=${asOf}`).expect(200)).body.items.map((m: { customerId: string; since: string }) => [m.customerId, m.since]);
      expect(await members('2024-05-31')).toEqual(
        [
          [ids.lin, '2024-05-20'],
          [ids.wang, '2024-03-01'],
        ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
      expect(await members('2024-06-01')).toEqual([[ids.lin, '2024-05-20']]);
      expect(await members('2024-08-20')).toEqual([]);

      const history = await settled.get(`${API}/segments/active/history?from=2024-01-01&to=2024-12-31`).expect(200);
      expect(
        history.body.items.map((h: { date: string; change: string; customerId: string; cause: { kind: string; type?: string; what?: string } }) => [
          h.date,
          h.change,
          h.customerId,
          h.cause.kind,
          h.cause.type ?? h.cause.what,
        ]),
      ).toEqual([
        ['2024-03-01', 'entered', ids.wang, 'event', 'PurchaseRecorded'],
        ['2024-05-20', 'entered', ids.lin, 'event', 'PurchaseRecorded'],
        ['2024-06-01', 'left', ids.wang, 'time', 'lifecycle SILENT'],
        ['2024-08-20', 'left', ids.lin, 'time', 'lifecycle SILENT'],
      ]);
      const paged = await settled.get(`${API}/segments/active/history?from=2024-01-01&to=2024-12-31&limit=3`).expect(200);
      const rest = await settled.get(`${API}/segments/active/history?from=2024-01-01&to=2024-12-31&limit=3&cursor=${paged.body.nextCursor}`).expect(200);
      expect([...paged.body.items, ...rest.body.items]).toEqual(history.body.items);

      const sizes = await settled.get(`${API}/segments/active/sizes?from=2024-02-01&to=2024-09-01&every=month`).expect(200);
      expect(sizes.body.points.map((p: { size: number }) => p.size)).toEqual([0, 1, 1, 1, 1, 1, 1, 0]);

      const mine = await settled.get(`${API}/customers/${ids.lin}/segments?asOf=2024-06-15`).expect(200);
      expect(mine.body.items).toContainEqual({ segmentId: 'active', name: '活跃客户', since: '2024-05-20', version: 1 });
      expect((await settled.get(`${API}/customers/${ids.lin}/segments?asOf=2024-09-01`).expect(200)).body.items.map((s: { segmentId: string }) => s.segmentId)).not.toContain(
        'active',
      );
    });

    it("a customer's timeline shows her entries and exits: after the purchase that caused one, at the start of the day time caused one", async () => {
      const settled = await settledHttp(app);
      const page = await settled.get(`${API}/customers/${ids.lin}/timeline?limit=1000`).expect(200);
      const entries = page.body.items as Array<{ type: string; occurredAt: string; causationId: string | null; data: Record<string, unknown> }>;
      const entered = entries.findIndex((e) => e.type === 'SegmentEntered' && e.data.segmentId === 'active');
      const cause = entries.findIndex((e) => (e as { eventId?: string }).eventId === (entries[entered].causationId as string));
      expect(entries[cause]).toMatchObject({ type: 'PurchaseRecorded' });
      // Right after its cause: only other changes the purchase derived lie between.
      expect(entries.slice(cause + 1, entered).every((e) => (e as { derived?: boolean }).derived)).toBe(true);
      expect(entries[entered]).toMatchObject({
        derived: true,
        causationId: expect.any(String),
        data: { name: '活跃客户', version: 1, cause: { kind: 'event', type: 'PurchaseRecorded' } },
      });
      const left = entries.find((e) => e.type === 'SegmentLeft' && e.data.segmentId === 'active');
      expect(left).toMatchObject({ occurredAt: '2024-08-19T16:00:00.000Z', causationId: null, data: { date: '2024-08-20', cause: { kind: 'time', what: 'lifecycle SILENT' } } });
      const only = await settled.get(`${API}/customers/${ids.lin}/timeline?types=SegmentEntered,SegmentLeft&limit=1000`).expect(200);
      expect(only.body.items.every((e: { type: string }) => e.type.startsWith('Segment'))).toBe(true);
      const newest = await settled.get(`${API}/customers/${ids.lin}/timeline?from=newest&limit=1000`).expect(200);
      expect(newest.body.items).toEqual([...entries].reverse());
      // GraphQL's last entries (the console's) hold them too, in the same order.
      const last = await http(app)
        .post('/graphql')
        .send({ query: `{ customer(id: "${ids.lin}") { timeline(last: 3) { edges { node { type } } } } }` })
        .expect(200);
      expect(last.body.data.customer.timeline.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(entries.slice(-3).map((e) => e.type));
    });

    it('members by the read model equal the definition evaluated on each date (the preview, from the totals once nothing is dated later), under a new version and new events', async () => {
      const definition = {
        name: '买过连衣裙或高消费',
        match: 'any',
        conditions: [
          { field: 'boughtCategory', op: 'has', value: '连衣裙', days: 45 },
          { field: 'netSpend', op: '>=', value: '1000.00' },
        ],
        // SILENT in one-month windows: time alone moves customers in and out within the dates walked
        groups: [
          { match: 'all', conditions: [{ field: 'daysSinceLastPurchase', op: 'between', value: [20, 60] }] },
          { match: 'all', conditions: [{ field: 'lifecycle', op: 'in', value: ['SILENT'] }] },
        ],
        windowMonths: 1,
      };
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'mixed', ...definition })
        .expect(201);
      await http(app)
        .post(`${API}/customers/${ids.zhang}/purchases`)
        .send(purchaseBody('S-3', '30.00', { occurredAt: '2024-04-10T10:00:00+08:00' }))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${ids.wang}/refunds`)
        .send({ refundId: 'S-R1', orderId: 'S-2', occurredAt: '2024-03-05T10:00:00+08:00', amount: '10.00', currency: 'CNY' })
        .expect(201);
      const settled = await settledHttp(app);
      for (let date = '2024-01-01'; date <= '2024-10-01'; date = new Date(Date.parse(date) + 9 * 86_400_000).toISOString().slice(0, 10)) {
        const kept = (await settled.get(`${API}/segments/mixed/members?asOf=${date}&limit=1000`).expect(200)).body.items.map((m: { customerId: string }) => m.customerId);
        const evaluated = (await settled.post(`${API}/segments/preview`).send({ definition, asOf: date, limit: 1000 }).expect(200)).body.members.map(
          (m: { customerId: string }) => m.customerId,
        );
        expect([date, kept]).toEqual([date, evaluated.sort()]);
      }
    });

    it('a definition ranking the base (RFM) is evaluated on the date asked; it keeps no history', async () => {
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'top-m', name: 'top spenders', conditions: [{ field: 'rfm.m', op: '>=', value: 4 }] })
        .expect(201);
      const settled = await settledHttp(app);
      const members = await settled.get(`${API}/segments/top-m/members?asOf=2024-06-01`).expect(200);
      expect(members.body.evaluated).toBe(true);
      expect(members.body.items).toContainEqual({ customerId: ids.lin, since: null });
      expect(members.body.items.map((m: { customerId: string }) => m.customerId)).not.toContain(ids.zhang);
      expect((await settled.get(`${API}/segments/top-m/history`).expect(422)).body.code).toBe('SegmentNotProjected');
    });

    it.each([
      ['an unknown field', { name: 'x', conditions: [{ field: 'shoeSize', op: '=', value: 1 }] }, 'conditions[0].field'],
      ['a wrong value type', { name: 'x', conditions: [{ field: 'netSpend', op: '>=', value: 12 }] }, 'conditions[0].value'],
      ['10,000 conditions', { name: 'x', conditions: Array(10_000).fill({}) }, 'conditions'],
      ['groups 6 deep', { name: 'x', groups: [{ groups: [{ groups: [{ groups: [{ groups: [{}] }] }] }] }] }, 'groups[0].groups[0].groups[0].groups[0].groups[0]'],
      ['null conditions', { name: 'x', conditions: [null] }, 'conditions[0]'],
    ])('%s is a 400 naming the part, and writes nothing', async (_, body, path) => {
      const before = await eventCount(app);
      const res = await http(app).post(`${API}/segments`).send(body).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'InvalidSegmentDefinition', path });
      expect(await eventCount(app)).toBe(before);
    });

    it('a lone surrogate or U+0000 in a name is refused as text, before the definition is read', async () => {
      for (const name of ['\ud800', 'a\u0000b']) {
        const res = await http(app).post(`${API}/segments`).send({ name }).expect(400);
        expect(res.body.code).toBe('InvalidText');
      }
    });

    it.each([
      [2_000, 400],
      [10_000, 413],
    ])('definitions nested %i deep are refused (%i: a 10,000-deep body is over the size limit) and write nothing', async (depth, status) => {
      let deep = '{"match":"all"}';
      for (let i = 0; i < depth; i++) deep = `{"groups":[${deep}]}`;
      const before = await eventCount(app);
      const res = await http(app).post(`${API}/segments`).set('Content-Type', 'application/json').send(`{"name":"x","groups":[${deep}]}`);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await eventCount(app)).toBe(before);
    });

    it('GraphQL publishes, previews and reads segments through the same rules (typed errors with the path)', async () => {
      const gql = async (query: string, variables: Record<string, unknown>) => (await http(app).post('/graphql').send({ query, variables }).expect(200)).body;
      const published = await gql('mutation($d: JSON!) { publishSegment(definition: $d) { id version unchanged position } }', {
        d: { id: 'gql-guangdong', name: '广东 (GraphQL)', conditions: [{ field: 'region.province', op: '=', value: '广东' }] },
      });
      expect(published.data.publishSegment).toMatchObject({ id: 'gql-guangdong', version: 1, unchanged: false });
      const read = await gql(
        `query($w: Float) { segment(segmentId: "gql-guangdong") { name version status versions { version } }
           segmentMembers(segmentId: "gql-guangdong", asOf: "2024-06-01", waitFor: $w) { evaluated items { customerId since } }
           segmentSizes(segmentId: "gql-guangdong", from: "2024-01-01", to: "2024-01-02", waitFor: $w) { points { date size } }
           customerSegments(customerId: "${ids.zhang}", asOf: "2024-06-01", waitFor: $w) { segmentId since } }`,
        { w: published.data.publishSegment.position },
      );
      expect(read.errors).toBeUndefined();
      expect(read.data.segment).toMatchObject({ name: '广东 (GraphQL)', version: 1, status: 'active' });
      expect(read.data.segmentMembers.items.map((m: { customerId: string }) => m.customerId).sort()).toEqual([ids.lin, ids.zhang].sort());
      expect(read.data.segmentSizes.points).toEqual([
        { date: '2024-01-01', size: 2 },
        { date: '2024-01-02', size: 2 },
      ]);
      expect(read.data.customerSegments).toContainEqual({ segmentId: 'gql-guangdong', since: '2024-01-01' });
      const preview = await gql(
        'query($d: JSON!) { segmentPreview(definition: $d, asOf: "2024-06-01", compareTo: "gql-guangdong") { count compared { entering { count } leaving { count } } } }',
        {
          d: { name: 'p', conditions: [{ field: 'purchaseCount', op: '>=', value: 1 }] },
        },
      );
      expect(preview.data.segmentPreview).toMatchObject({ count: 3, compared: { entering: { count: 1 }, leaving: { count: 0 } } });
      const bad = await gql('mutation($d: JSON!) { publishSegment(definition: $d) { id } }', { d: { name: 'x', conditions: [{ field: 'shoeSize', op: '=', value: 1 }] } });
      expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'InvalidSegmentDefinition' });
    });

    it('a segment published asTag shows as a tag on its members, on the dates they are members, and the list filter sees it', async () => {
      const published = await http(app)
        .post(`${API}/segments`)
        .send({ id: 'tag-south', name: '南方', asTag: true, conditions: [{ field: 'region.province', op: '=', value: '广东' }] })
        .expect(201);
      const read = await settledHttp(app);
      const lin = await read.get(`${API}/customers/${ids.lin}?waitFor=${published.body.position}`).expect(200);
      expect(lin.body.tags).toEqual(['dress lover', '南方']);
      expect((await read.get(`${API}/customers/${ids.wang}`).expect(200)).body.tags).not.toContain('南方');
      // Before she registered she was in no segment.
      expect((await read.get(`${API}/customers/${ids.lin}?asOf=2023-12-31`).expect(404)).status).toBe(404);
      const listed = await read.get(`${API}/customers?tag=${encodeURIComponent('南方')}&limit=100`).expect(200);
      expect(listed.body.items.map((c: { id: string }) => c.id).sort()).toEqual([ids.lin, ids.zhang].sort());
      expect(listed.body.items.find((c: { id: string }) => c.id === ids.lin).tags).toEqual(['dress lover', '南方']);
      // A recorded tag still filters as before.
      const recorded = await read.get(`${API}/customers?tag=${encodeURIComponent('dress lover')}`).expect(200);
      expect(recorded.body.items.map((c: { id: string }) => c.id)).toEqual([ids.lin]);
      await http(app).post(`${API}/segments/tag-south/retire`).send({}).expect(200);
    });

    it('agents read segments; only managers define them', async () => {
      const agent = await as(app, 'seg.agent', 'agent');
      await agent.get(`${API}/segments`).expect(200);
      await agent.post(`${API}/segments`).send({ name: 'x' }).expect(403);
      await agent
        .post(`${API}/segments/preview`)
        .send({ definition: { name: 'x' } })
        .expect(403);
      const manager = await as(app, 'seg.manager', 'manager');
      await manager.post(`${API}/segments`).send({ id: 'by-manager', name: 'x' }).expect(201);
    });
  });
}
