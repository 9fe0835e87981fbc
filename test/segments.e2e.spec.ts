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
