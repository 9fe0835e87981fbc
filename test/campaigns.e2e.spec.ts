// Campaigns over HTTP: a draft on a segment, its backtest, the launch with
// each exclusion reason (no consent, cap reached, lost-customer policy,
// erased), a stable holdout, results with known responders, the recipients
// (JSON and CSV, addresses only for those who may read customers), a launch
// killed half-way and re-run (nothing doubled), cancel, and hostile bodies.
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, as, eventCount, http, purchaseBody, settledHttp } from './support/http';
import { CampaignsService, inHoldout } from '../libs/campaigns/src';
import { CustomerCommandsService } from '../libs/customers/src';

const PROVINCE = '活动测试省';
const SEND = '2024-06-01T10:00:00+08:00';

/** The refs of the test's shop: their standing on the send date 2024-06-01 is in the name. */
const REFS = {
  active: 'C-ACTIVE',
  sleeping: 'C-SLEEPING',
  lost: 'C-LOST',
  noConsent: 'C-NOCONSENT',
  capped: 'C-CAPPED',
  erased: 'C-ERASED',
};
const POOL = Array.from({ length: 12 }, (_, i) => `C-P${String(i + 1).padStart(2, '0')}`);

for (const database of testDatabases()) {
  describe(`campaigns on ${database.name}`, () => {
    let app: RunningApp;
    const id: Record<string, string> = {};
    const buy = (ref: string, orderId: string, amount: string, occurredAt: string) =>
      http(app)
        .post(`${API}/customers/${id[ref]}/purchases`)
        .send(purchaseBody(orderId, amount, { occurredAt }))
        .expect(201);

    beforeAll(async () => {
      app = await startTestApp(database, { SHOP_TIMEZONE: 'Asia/Shanghai' });
      for (const ref of [...Object.values(REFS), ...POOL]) {
        const made = await http(app)
          .post(`${API}/customers`)
          .send({
            customerRef: ref,
            name: `客户${ref}`,
            phone: `1380000${String(Object.keys(id).length).padStart(4, '0')}`,
            region: { province: PROVINCE },
            occurredAt: '2023-01-01T08:00:00+08:00',
          })
          .expect(201);
        id[ref] = made.body.customerId;
        if (ref !== REFS.noConsent) await http(app).put(`${API}/customers/${id[ref]}/consent`).send({ sms: true }).expect(200);
      }
      await buy(REFS.active, 'O-A1', '300.00', '2024-05-01T10:00:00+08:00');
      await buy(REFS.sleeping, 'O-S1', '500.00', '2023-09-01T10:00:00+08:00');
      await buy(REFS.lost, 'O-L1', '90.00', '2023-01-02T10:00:00+08:00');
      await buy(REFS.noConsent, 'O-N1', '120.00', '2024-05-02T10:00:00+08:00');
      await buy(REFS.capped, 'O-K1', '120.00', '2024-05-03T10:00:00+08:00');
      await buy(REFS.erased, 'O-E1', '120.00', '2024-05-04T10:00:00+08:00');
      for (const [i, ref] of POOL.entries()) await buy(ref, `O-P${i}`, '100.00', '2024-05-10T10:00:00+08:00');
      // Three marketing contacts in June before the send: the ACTIVE cap (3 a month) is reached.
      for (const hour of ['07', '08', '09']) {
        await http(app)
          .post(`${API}/customers/${id[REFS.capped]}/contacts`)
          .send({ kind: 'marketing', channel: 'sms', occurredAt: `2024-06-01T${hour}:00:00+08:00` })
          .expect(201);
      }
      await http(app).post(`${API}/customers/${id[REFS.erased]}/erasure`).expect(200);
      // Responses: within the window (after the send, through 2024-06-15), before the send, and after the window.
      await buy(REFS.active, 'O-A2', '200.00', '2024-06-05T10:00:00+08:00');
      await buy(REFS.sleeping, 'O-S2', '800.00', '2024-06-15T23:00:00+08:00');
      for (const [i, ref] of POOL.entries()) {
        if (i % 3 === 0) await buy(ref, `O-R${i}`, '50.00', '2024-06-03T10:00:00+08:00');
        if (i % 3 === 1) await buy(ref, `O-R${i}`, '70.00', '2024-06-16T00:30:00+08:00');
        if (i % 3 === 2) await buy(ref, `O-R${i}`, '90.00', '2024-06-01T09:00:00+08:00');
      }
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'campaign-test', name: '活动测试人群', conditions: [{ field: 'region.province', op: '=', value: PROVINCE }] })
        .expect(201);
    });
    afterAll(async () => app?.close());

    const draft = (campaignId: string, extra: Record<string, unknown> = {}) => ({
      id: campaignId,
      name: '六一唤醒',
      segmentId: 'campaign-test',
      channel: 'sms',
      offer: '满300减50',
      sendAt: SEND,
      holdoutPercent: 50,
      ...extra,
    });
    /** Who of the eligible customers the stable hash holds out. */
    const eligible = () => [REFS.active, REFS.sleeping, ...POOL];
    const heldOut = (campaignId: string) => eligible().filter((ref) => inHoldout(campaignId, id[ref], 50));

    it('drafts a campaign (a repeat is unchanged, another draft under the id 409) and lists it', async () => {
      const made = await http(app).post(`${API}/campaigns`).send(draft('june-wake')).expect(201);
      expect(made.headers.location).toBe('/api/v1/campaigns/june-wake');
      expect((await http(app).post(`${API}/campaigns`).send(draft('june-wake')).expect(200)).body.unchanged).toBe(true);
      await http(app)
        .post(`${API}/campaigns`)
        .send(draft('june-wake', { offer: 'other' }))
        .expect(409);
      const read = await http(app).get(`${API}/campaigns/june-wake`).expect(200);
      expect(read.body).toMatchObject({
        campaignId: 'june-wake',
        status: 'draft',
        responseWindowDays: 14,
        holdoutPercent: 50,
        yearlyPromotion: false,
        sendAt: '2024-06-01T02:00:00.000Z',
      });
      const listed = await (await settledHttp(app)).get(`${API}/campaigns?status=draft`).expect(200);
      expect(listed.body.items.map((c: { campaignId: string }) => c.campaignId)).toContain('june-wake');
    });

    it('backtests: the audience on a past date, exclusions by reason, the holdout; consent recorded later does not count; writes nothing', async () => {
      await settledHttp(app);
      const before = await eventCount(app);
      const res = await http(app).post(`${API}/campaigns/june-wake/backtest`).send({}).expect(200);
      // Consent was recorded today (after 2024-06-01): then, nobody had consented.
      expect(res.body.audience).toMatchObject({ audience: 18, contacted: 0, heldOut: 0 });
      expect(res.body.audience.excluded.ConsentMissing + res.body.audience.excluded.CustomerErased).toBe(18);
      expect(await eventCount(app)).toBe(before);
    });

    it('backtests a customer registered later with purchases from before: she is in the audience then, decided on her history up to the send', async () => {
      const late = await http(app)
        .post(`${API}/customers`)
        .send({ customerRef: 'C-LATE', region: { province: '后来省' } })
        .expect(201);
      await http(app)
        .post(`${API}/customers/${late.body.customerId}/purchases`)
        .send(purchaseBody('O-LATE', '100.00', { occurredAt: '2024-05-20T10:00:00+08:00', items: [{ sku: 'L1', category: '后来品类', quantity: 1, unitPrice: '100.00' }] }))
        .expect(201);
      await http(app)
        .post(`${API}/segments`)
        .send({ id: 'late-comers', name: '后来者', conditions: [{ field: 'boughtCategory', op: 'has', value: '后来品类', days: 365 }] })
        .expect(201);
      await http(app)
        .post(`${API}/campaigns`)
        .send({ ...draft('late-test'), segmentId: 'late-comers' })
        .expect(201);
      const res = await (await settledHttp(app)).post(`${API}/campaigns/late-test/backtest`).send({}).expect(200);
      expect(res.body.audience).toMatchObject({ audience: 1, excluded: { ConsentMissing: 1 } });
      expect(res.body.audience.excluded.CustomerNotFound).toBeUndefined();
    });

    it('launches: each exclusion reason counted, the holdout by the stable hash, contacts on the timelines; a re-run changes nothing', async () => {
      await settledHttp(app);
      const res = await http(app).post(`${API}/campaigns/june-wake/launch`).send({}).expect(200);
      const held = heldOut('june-wake');
      expect(res.body).toMatchObject({
        status: 'launched',
        unchanged: false,
        launch: {
          segmentVersion: 1,
          audience: 18,
          contacted: 14 - held.length,
          heldOut: held.length,
          excluded: { ConsentMissing: 1, MarketingCapReached: 1, ContactPolicy: 1, CustomerErased: 1 },
        },
      });
      const after = await eventCount(app);
      expect((await http(app).post(`${API}/campaigns/june-wake/launch`).send({}).expect(200)).body.unchanged).toBe(true);
      expect(await eventCount(app)).toBe(after);

      const timeline = await (await settledHttp(app)).get(`${API}/customers/${id[REFS.active]}/timeline?limit=100`).expect(200);
      const entry = timeline.body.items.find((e: { type: string; data: { campaignId?: string } }) => e.data.campaignId === 'june-wake');
      expect(entry.type).toBe(held.includes(REFS.active) ? 'CampaignHeldOut' : 'ContactLogged');
      expect(entry.data).toMatchObject({ stage: 'ACTIVE', occurredAt: '2024-06-01T02:00:00.000Z' });
      await http(app).post(`${API}/campaigns/june-wake/cancel`).send({}).expect(409);
    });

    it('answers results: responders within the window for contacted and holdout, the lift, incremental net spend, by stage', async () => {
      const res = await (await settledHttp(app)).get(`${API}/campaigns/june-wake/results?asOf=2024-12-31`).expect(200);
      const held = new Set(heldOut('june-wake'));
      // In the window: active (200.00), sleeping (800.00 on the window's last day), every third of the pool (50.00).
      const spend: Record<string, number> = { [REFS.active]: 20000, [REFS.sleeping]: 80000, ...Object.fromEntries(POOL.filter((_, i) => i % 3 === 0).map((ref) => [ref, 5000])) };
      const side = (inHoldoutSide: boolean) => {
        const refs = eligible().filter((ref) => held.has(ref) === inHoldoutSide);
        const responders = refs.filter((ref) => spend[ref]);
        return { customers: refs.length, responders: responders.length, net: responders.reduce((n, ref) => n + spend[ref], 0) };
      };
      const c = side(false);
      const h = side(true);
      expect(res.body.window).toMatchObject({ from: '2024-06-01', through: '2024-06-15', days: 14 });
      expect(res.body.contacted).toMatchObject({ customers: c.customers, responders: c.responders, netSpend: (c.net / 100).toFixed(2) });
      expect(res.body.holdout).toMatchObject({ customers: h.customers, responders: h.responders, netSpend: (h.net / 100).toFixed(2) });
      const lift = Math.round((c.responders / c.customers - h.responders / h.customers) * 10_000) / 100;
      expect(res.body.liftPercentagePoints).toBeCloseTo(lift, 2);
      const expected = Math.round((h.net * c.customers) / h.customers);
      expect(res.body.incrementalNetSpend).toBe(((c.net - expected) / 100).toFixed(2));
      const sleepingContacted = !held.has(REFS.sleeping);
      expect(res.body.byStage.SLEEPING[sleepingContacted ? 'contacted' : 'holdout']).toMatchObject({ customers: 1, responders: 1 });
      expect(res.body.wakeUpRate).toEqual(sleepingContacted ? { numerator: 1, denominator: 1, rate: 1 } : { numerator: 0, denominator: 0, rate: null });
      expect(res.body.audience).toMatchObject({ audience: 18 });
      // The stickiness figures' wake-up rate reads the campaigns' contacts once there are any.
      const sticky = await http(app).get(`${API}/metrics/stickiness?asOf=2024-06-30`).expect(200);
      expect(sticky.body.wakeUp).toMatchObject({ from: 'campaigns', numerator: sleepingContacted ? 1 : 0, denominator: sleepingContacted ? 1 : 0 });
      // As of the send date no response is recorded yet.
      const early = await http(app).get(`${API}/campaigns/june-wake/results?asOf=2024-06-01`).expect(200);
      expect(early.body.contacted.responders + early.body.holdout.responders).toBe(0);
    });

    it('lists recipients with their address for a manager, without it for a key that may not read customers; and as CSV', async () => {
      await settledHttp(app);
      const manager = await as(app, 'campaign.manager', 'manager');
      const page = await manager.get(`${API}/campaigns/june-wake/recipients?limit=5`).expect(200);
      expect(page.body.items.length).toBeGreaterThan(0);
      expect(page.body.items[0]).toMatchObject({ channel: 'sms', outcome: 'contacted', address: expect.stringMatching(/^1380000/) });
      const all: Array<{ customerId: string }> = [];
      for (let cursor: string | null = null; ;) {
        const next: { body: { items: Array<{ customerId: string }>; nextCursor: string | null } } = await manager
          .get(`${API}/campaigns/june-wake/recipients?limit=5${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        all.push(...next.body.items);
        cursor = next.body.nextCursor;
        if (!cursor) break;
      }
      expect(all.length).toBe(14 - heldOut('june-wake').length);
      const key = await http(app)
        .post(`${API}/api-keys`)
        .send({ name: 'sender', operations: ['campaigns.read'] })
        .expect(201);
      const sender = await http(app).get(`${API}/campaigns/june-wake/recipients`).set('Authorization', `Bearer ${key.body.key}`).expect(200);
      expect(sender.body.items[0].address).toBeUndefined();
      const csv = await manager.get(`${API}/campaigns/june-wake/recipients`).set('Accept', 'text/csv').expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('customerId,customerRef,channel,address,stage,occurredAt');
      expect(lines.length - 1).toBe(all.length);
      await (await as(app, 'campaign.agent', 'agent')).get(`${API}/campaigns/june-wake/recipients`).expect(403);
    });

    it('a launch killed half-way and re-run finishes it: every member decided once, the counts whole', async () => {
      await http(app)
        .post(`${API}/campaigns`)
        .send(draft('july-wake', { sendAt: '2024-07-10T10:00:00+08:00' }))
        .expect(201);
      await settledHttp(app);
      const service = app.app.get(CampaignsService);
      const customers = app.app.get(CustomerCommandsService);
      const batch = customers.campaignBatch.bind(customers);
      service.launchBatchSize = 4;
      let calls = 0;
      customers.campaignBatch = async (...args) => {
        if (++calls === 3) throw new Error('killed');
        return batch(...args);
      };
      try {
        await http(app).post(`${API}/campaigns/july-wake/launch`).send({}).expect(500);
      } finally {
        customers.campaignBatch = batch;
      }
      expect((await http(app).get(`${API}/campaigns/july-wake`).expect(200)).body.status).toBe('launching');
      const done = await http(app).post(`${API}/campaigns/july-wake/launch`).send({}).expect(200);
      service.launchBatchSize = 500;
      const { launch } = done.body;
      expect(launch.audience).toBe(18);
      const excluded = Object.values(launch.excluded as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(launch.contacted + launch.heldOut + excluded).toBe(18);
      // In July the capped customer may be contacted again; the lost one and the one without consent may not.
      expect(launch.excluded).toMatchObject({ ConsentMissing: 1, ContactPolicy: 1, CustomerErased: 1, MarketingCapReached: 0 });
      const results = await (await settledHttp(app)).get(`${API}/campaigns/july-wake/results?asOf=2024-12-31`).expect(200);
      expect([results.body.contacted.customers, results.body.holdout.customers]).toEqual([launch.contacted, launch.heldOut]);
      const held = [...eligible(), REFS.capped].filter((ref) => inHoldout('july-wake', id[ref], 50));
      expect(launch.heldOut).toBe(held.length);
      for (const ref of [...eligible(), REFS.capped]) {
        const timeline = await http(app).get(`${API}/customers/${id[ref]}/timeline?limit=200`).expect(200);
        expect(timeline.body.items.filter((e: { data: { campaignId?: string } }) => e.data.campaignId === 'july-wake').length).toBe(1);
      }
    });

    it('launches in the background with Prefer: respond-async: 202 and Location at once, the progress while it runs, the counts once done', async () => {
      await http(app)
        .post(`${API}/campaigns`)
        .send(draft('bg-wake', { sendAt: '2024-07-20T10:00:00+08:00' }))
        .expect(201);
      await settledHttp(app);
      const service = app.app.get(CampaignsService);
      const customers = app.app.get(CustomerCommandsService);
      const batch = customers.campaignBatch.bind(customers);
      service.launchBatchSize = 4;
      // The second batch waits until the test has read the progress.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      customers.campaignBatch = async (...args) => {
        if (++calls === 2) await gate;
        return batch(...args);
      };
      try {
        const started = await http(app).post(`${API}/campaigns/bg-wake/launch`).set('Prefer', 'respond-async').send({}).expect(202);
        expect(started.headers.location).toBe('/api/v1/campaigns/bg-wake');
        expect(started.headers['preference-applied']).toBe('respond-async');
        expect(started.body.status).toBe('launching');
        const during = (await http(app).get(`${API}/campaigns/bg-wake`).expect(200)).body;
        expect(during.progress).toMatchObject({ running: true, error: null });
        expect(during.progress.audience).toBeLessThan(18);
        // A second launch while it runs answers at once, unchanged.
        expect((await http(app).post(`${API}/campaigns/bg-wake/launch`).set('Prefer', 'respond-async').send({}).expect(202)).body.unchanged).toBe(true);
      } finally {
        release();
        customers.campaignBatch = batch;
      }
      let view = (await http(app).get(`${API}/campaigns/bg-wake`).expect(200)).body;
      for (let i = 0; i < 100 && view.status !== 'launched'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        view = (await http(app).get(`${API}/campaigns/bg-wake`).expect(200)).body;
      }
      service.launchBatchSize = 500;
      expect(view.status).toBe('launched');
      expect(view.progress).toBeNull();
      expect(view.launch.audience).toBe(18);
      // Launched: another launch answers the counts, 200 unchanged.
      expect((await http(app).post(`${API}/campaigns/bg-wake/launch`).set('Prefer', 'respond-async').send({}).expect(200)).body.unchanged).toBe(true);
    });

    it('GraphQL drafts, launches and reads campaigns through the same rules (typed errors)', async () => {
      const gql = async (query: string, variables: Record<string, unknown> = {}) => (await http(app).post('/graphql').send({ query, variables }).expect(200)).body;
      const drafted = await gql('mutation($i: DraftCampaignInput!) { draftCampaign(input: $i) { id unchanged } }', {
        i: draft('gql-wake', { sendAt: '2024-08-01T10:00:00+08:00' }),
      });
      expect(drafted.data.draftCampaign).toEqual({ id: 'gql-wake', unchanged: false });
      const launched = await gql('mutation { launchCampaign(campaignId: "gql-wake") { status launch { audience contacted heldOut excluded } } }');
      expect(launched.errors).toBeUndefined();
      expect(launched.data.launchCampaign).toMatchObject({ status: 'launched', launch: { audience: 18 } });
      const rest = await (await settledHttp(app)).get(`${API}/campaigns/gql-wake/results?asOf=2024-12-31`).expect(200);
      const read = await gql(
        `{ campaign(campaignId: "gql-wake") { name status sendDate }
           campaignResults(campaignId: "gql-wake", asOf: "2024-12-31") { contacted { customers responders responseRate { rate } netSpend } holdout { customers } liftPercentagePoints byStage }
           campaignRecipients(campaignId: "gql-wake", limit: 2) { items { customerId outcome address } nextCursor }
           campaigns(status: "launched") { items { campaignId } } }`,
      );
      expect(read.errors).toBeUndefined();
      expect(read.data.campaign).toEqual({ name: '六一唤醒', status: 'launched', sendDate: '2024-08-01' });
      expect(read.data.campaignResults.contacted).toMatchObject({ customers: rest.body.contacted.customers, netSpend: rest.body.contacted.netSpend });
      expect(read.data.campaignResults.liftPercentagePoints).toBe(rest.body.liftPercentagePoints);
      expect(read.data.campaignRecipients.items[0].address).toMatch(/^1380000/);
      expect(read.data.campaigns.items.map((c: { campaignId: string }) => c.campaignId)).toEqual(expect.arrayContaining(['gql-wake', 'june-wake']));
      const bad = await gql('mutation($i: DraftCampaignInput!) { draftCampaign(input: $i) { id } }', { i: draft('gql-bad', { holdoutPercent: 99 }) });
      expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      const missing = await gql('{ campaign(campaignId: "nope") { name } }');
      expect(missing.errors[0].extensions).toMatchObject({ reason: 'CampaignNotFound' });
    });

    it('cancels a draft; a cancelled campaign does not launch; a send still to come is not launched', async () => {
      await http(app)
        .post(`${API}/campaigns`)
        .send(draft('later', { sendAt: '9999-12-31T00:00:00Z' }))
        .expect(201);
      expect((await http(app).post(`${API}/campaigns/later/launch`).send({}).expect(409)).body.code).toBe('CampaignNotDue');
      await http(app).post(`${API}/campaigns/later/cancel`).send({}).expect(200);
      expect((await http(app).post(`${API}/campaigns/later/launch`).send({}).expect(409)).body.code).toBe('CampaignCancelled');
      expect((await http(app).get(`${API}/campaigns/later/results`).expect(409)).body.code).toBe('CampaignNotLaunched');
      await http(app).get(`${API}/campaigns/nope`).expect(404);
    });

    it.each([
      ['no body fields', {}],
      ['holdout above 50', { holdoutPercent: 51 }],
      ['a channel that is not a consent channel', { channel: 'fax' }],
      ['a window of 0 days', { responseWindowDays: 0 }],
      ['a send time without an offset', { sendAt: '2024-06-01 10:00' }],
      ['an unknown segment', { segmentId: 'nope' }],
      ['a name with U+0000', { name: 'a\u0000b' }],
      ['a name with a lone surrogate', { name: 'a\ud800b' }],
      ['an id with a path', { id: '../x' }],
      ['an id __proto__', { id: '__proto__' }],
      ['an array for the body', [1, 2]],
      ['null segment', { segmentId: null }],
    ])('refuses %s with a 4xx and writes nothing', async (_, body) => {
      const before = await eventCount(app);
      const res = await http(app)
        .post(`${API}/campaigns`)
        .send(Array.isArray(body) ? body : { ...draft('hostile'), ...body, ...(Object.keys(body).length === 0 ? { name: undefined, segmentId: undefined } : {}) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await eventCount(app)).toBe(before);
    });

    it.each([
      ['holdout above 50', { holdoutPercent: 51 }],
      ['a channel that is not a consent channel', { channel: 'fax' }],
      ['a send time without an offset', { sendAt: '2024-06-01 10:00' }],
      ['an unknown segment', { segmentId: 'nope' }],
      ['a name with U+0000', { name: 'a\u0000b' }],
      ['a name with a lone surrogate', { name: 'a\ud800b' }],
      ['an id with a path', { id: '../x' }],
      ['an id __proto__', { id: '__proto__' }],
      ['a send in year 9999 with an unknown field', { sendAt: '9999-12-31T00:00:00Z', extra: 1 }],
      ['an array for the input', [1, 2]],
      ['null for the input', null],
      ['an object for the name', { name: { a: 1 } }],
    ])('GraphQL refuses a draft with %s: a typed error, nothing written', async (_, input) => {
      const before = await eventCount(app);
      const i = input === null || Array.isArray(input) ? input : { ...draft('gql-hostile'), ...input };
      const res = await http(app).post('/graphql').send({ query: 'mutation($i: DraftCampaignInput!) { draftCampaign(input: $i) { id } }', variables: { i } });
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors?.[0]?.extensions?.code).toMatch(/^(BAD_USER_INPUT|BAD_REQUEST|NOT_FOUND|GRAPHQL_VALIDATION_FAILED)$/);
      expect(await eventCount(app)).toBe(before);
    });

    it.each([
      ['__proto__', '__proto__'],
      ['a path', '../x'],
      ['U+0000', 'a\u0000b'],
      ['10,000 characters', 'x'.repeat(10_000)],
    ])('GraphQL answers a typed error for a campaign id that is %s on every operation, writing nothing', async (_, campaignId) => {
      const before = await eventCount(app);
      for (const op of [
        'mutation($id: String!) { launchCampaign(campaignId: $id) { status } }',
        'mutation($id: String!) { cancelCampaign(campaignId: $id) { id } }',
        'query($id: String!) { campaignBacktest(campaignId: $id) { sendDate } }',
        'query($id: String!) { campaignResults(campaignId: $id) { sendDate } }',
        'query($id: String!) { campaignRecipients(campaignId: $id) { nextCursor } }',
      ]) {
        const res = await http(app)
          .post('/graphql')
          .send({ query: op, variables: { id: campaignId } });
        expect(res.status).toBeLessThan(500);
        expect(res.body.errors?.[0]?.extensions?.code).toMatch(/^(BAD_USER_INPUT|NOT_FOUND)$/);
      }
      expect(await eventCount(app)).toBe(before);
    });

    it('an agent may not draft or launch', async () => {
      const agent = await as(app, 'campaign.agent2', 'agent');
      await agent.post(`${API}/campaigns`).send(draft('by-agent')).expect(403);
      await agent.post(`${API}/campaigns/june-wake/launch`).send({}).expect(403);
    });
  });
}
