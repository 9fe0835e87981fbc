// The customer write API over HTTP against the real app and database.
import { randomUUID } from 'node:crypto';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, register, as } from './support/http';

for (const database of testDatabases()) {
  describe(`customer API on ${database.name}`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(database);
    });
    afterAll(async () => app?.close());

    it('registers a customer: 201 with id, version (ETag), position and Location', async () => {
      const res = await (
        await as(app, 'alice', 'manager')
      )
        .post(`${API}/customers`)

        .send({ customerRef: 'R-reg', name: '林小姐', region: { province: '浙江', city: '杭州' } })
        .expect(201);
      expect(res.body).toMatchObject({ customerRef: 'R-reg', version: 1, unchanged: false });
      expect(res.body.position).toBeGreaterThan(0);
      expect(res.headers.etag).toBe('"1"');
      expect(res.headers.location).toBe(`${API}/customers/${res.body.customerId}`);
      expect(res.headers['x-correlation-id']).toBeTruthy();
      const got = await http(app).get(`${API}/customers/${res.body.customerId}`).expect(200);
      expect(got.body).toMatchObject({ id: res.body.customerId, customerRef: 'R-reg', profile: { name: '林小姐', region: { city: '杭州' } }, purchaseCount: 0, netSpend: '0.00' });
      await http(app).get(`${API}/customers/by-ref/R-reg`).expect(200);
    });

    it("takes a real shop's purchase: categories with punctuation and a wholesale unit price below the minor unit, summed exactly", async () => {
      const id = await register(app, { name: "O'Brien & Sons, Ltd." });
      const items = [
        { sku: '85123A', category: 'T-LIGHT & CANDLE', quantity: 6, unitPrice: '2.55' },
        { sku: '22633', category: 'CARD,', quantity: 1000, unitPrice: '0.001' },
        { sku: '84029E', category: "BABY'S", quantity: 3, unitPrice: '0.3333' },
      ];
      const res = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send({ orderId: `UCI-${id}`, occurredAt: '2024-06-10T08:26:00Z', amount: '17.30', currency: 'CNY', items })
        .expect(201);
      const store = app.app.get(require('../libs/event-store/src').EVENT_STORE);
      const [, purchase] = await store.readStream(`customer-${id}`);
      expect(purchase.data.items.map((i: { unitPriceScaled: number }) => i.unitPriceScaled)).toEqual([2_55_0000, 1000, 33_3300]);
      const figures = await http(app).get(`${API}/metrics/stickiness?asOf=2024-06-30&window=1&waitFor=${res.body.position}`).expect(200);
      // 6 x 2.55 = 15.30; 1000 x 0.001 = 1.00; 3 x 0.3333 = 0.9999 -> 1.00 (rounded once, to the minor unit).
      expect(figures.body.composition.byCategory).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ category: 'T-LIGHT & CANDLE', sales: '15.30' }),
          expect.objectContaining({ category: 'CARD,', sales: '1.00' }),
          expect.objectContaining({ category: "BABY'S", sales: '1.00' }),
        ]),
      );
    });

    it('records actor, correlation, causation, source and times on every event', async () => {
      const res = await (
        await as(app, 'bob', 'manager')
      )
        .post(`${API}/customers`)

        .set('X-Correlation-Id', 'corr-42')
        .set('Idempotency-Key', 'idem-meta')
        .send({ name: 'Meta', occurredAt: '2023-01-15T08:00:00+08:00' })
        .expect(201);
      expect(res.headers['x-correlation-id']).toBe('corr-42');
      const store = app.app.get(require('../libs/event-store/src').EVENT_STORE);
      const [event] = await store.readStream(`customer-${res.body.customerId}`);
      expect(event.metadata).toEqual({ actor: 'bob', correlationId: 'corr-42', causationId: 'idem-meta', source: 'api' });
      expect(event.data.occurredAt).toBe('2023-01-15T00:00:00.000Z');
      expect(event.recordedAt).toBeInstanceOf(Date);
    });

    it('registering a known customerRef answers 409 with the existing id and writes nothing', async () => {
      const id = await register(app, { customerRef: 'R-dup' });
      const before = await eventCount(app);
      const res = await http(app).post(`${API}/customers`).send({ customerRef: 'R-dup', name: 'Other' }).expect(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 409, code: 'CustomerAlreadyRegistered', customerId: id });
      expect(await eventCount(app)).toBe(before);
    });

    it('updates the profile with If-Match, and a stale If-Match answers 412 writing nothing', async () => {
      const id = await register(app);
      const ok = await http(app).patch(`${API}/customers/${id}`).set('If-Match', '"1"').send({ email: 'lin@example.com' }).expect(200);
      expect(ok.body.version).toBe(2);
      expect(ok.headers.etag).toBe('"2"');
      const before = await eventCount(app);
      const stale = await http(app).patch(`${API}/customers/${id}`).set('If-Match', '"1"').send({ email: 'x@example.com' }).expect(412);
      expect(stale.body).toMatchObject({ code: 'StaleVersion', currentVersion: 2 });
      expect(await eventCount(app)).toBe(before);
    });

    it('concurrent writes with the same If-Match: one wins, the others answer 412', async () => {
      const id = await register(app);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          http(app)
            .patch(`${API}/customers/${id}`)
            .set('If-Match', '"1"')
            .send({ nickname: `nick-${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(7);
      const got = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(got.body.version).toBe(2);
    });

    it('concurrent purchases without If-Match all land, each once', async () => {
      const id = await register(app);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          http(app)
            .post(`${API}/customers/${id}/purchases`)
            .send(purchaseBody(`CP-${id}-${i}`, '10.00')),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
      const got = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(got.body).toMatchObject({ purchaseCount: 6, netSpend: '60.00', version: 7 });
    });

    it('records a purchase; the same order again records nothing and answers the first result', async () => {
      const id = await register(app);
      const first = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`O-${id}`, '600.00', { channel: 'tmall', items: [{ sku: 'D1', category: 'dresses', quantity: 2, unitPrice: '300.00' }] }))
        .expect(201);
      const before = await eventCount(app);
      const again = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`O-${id}`, '600.00'))
        .expect(200);
      expect(again.body).toMatchObject({ unchanged: true, position: first.body.position, eventIds: first.body.eventIds });
      // The same order id with another amount is not the same purchase.
      const other = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`O-${id}`, '999.00'))
        .expect(409);
      expect(other.body).toMatchObject({ code: 'OrderIdInUse', recordedAmount: '600.00' });
      expect(await eventCount(app)).toBe(before);
    });

    it('the same order id for another customer is a conflict', async () => {
      const a = await register(app);
      const b = await register(app);
      await http(app)
        .post(`${API}/customers/${a}/purchases`)
        .send(purchaseBody(`SHARED-${a}`))
        .expect(201);
      const res = await http(app)
        .post(`${API}/customers/${b}/purchases`)
        .send(purchaseBody(`SHARED-${a}`))
        .expect(409);
      expect(res.body.code).toBe('OrderRecordedForAnotherCustomer');
    });

    it('a purchase in another currency needs the base amount (422), and counts it when given', async () => {
      const id = await register(app);
      const refused = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`FX-${id}`, '100.00', { currency: 'USD' }))
        .expect(422);
      expect(refused.body.code).toBe('BaseAmountRequired');
      await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`FX-${id}`, '100.00', { currency: 'USD', baseAmount: '720.00' }))
        .expect(201);
      const got = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(got.body.netSpend).toBe('720.00');
    });

    it('refunds lower net spend; more than what is left of the order is refused with 422', async () => {
      const id = await register(app);
      await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`RO-${id}`, '600.00'))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${id}/refunds`)
        .send({ refundId: `RF1-${id}`, orderId: `RO-${id}`, occurredAt: '2024-06-01T10:00:00+08:00', amount: '200.00', currency: 'CNY', reason: 'too small' })
        .expect(201);
      const tooMuch = await http(app)
        .post(`${API}/customers/${id}/refunds`)
        .send({ refundId: `RF2-${id}`, orderId: `RO-${id}`, occurredAt: '2024-06-01T10:00:00+08:00', amount: '400.01', currency: 'CNY' })
        .expect(422);
      expect(tooMuch.body).toMatchObject({
        code: 'RefundExceedsOrder',
        left: '400.00',
        requested: '400.01',
        detail: `a refund of 400.01 CNY exceeds the 400.00 CNY left of order RO-${id}`,
      });
      const again = await http(app)
        .post(`${API}/customers/${id}/refunds`)
        .send({ refundId: `RF1-${id}`, orderId: `RO-${id}`, occurredAt: '2024-06-01T10:00:00+08:00', amount: '200.00', currency: 'CNY' })
        .expect(200);
      expect(again.body.unchanged).toBe(true);
      const got = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(got.body.netSpend).toBe('400.00');
    });

    it('tags and untags; consent; contacts with the marketing cap', async () => {
      const id = await register(app);
      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'south' }).expect(201);
      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'south' }).expect(200);
      await http(app).delete(`${API}/customers/${id}/tags/south`).expect(200);
      const noConsent = await http(app).post(`${API}/customers/${id}/contacts`).send({ kind: 'marketing', channel: 'sms', occurredAt: '2024-06-01T10:00:00+08:00' }).expect(422);
      expect(noConsent.body.code).toBe('ConsentMissing');
      await http(app).put(`${API}/customers/${id}/consent`).send({ sms: true }).expect(200);
      for (let i = 0; i < 3; i++) {
        await http(app)
          .post(`${API}/customers/${id}/contacts`)
          .send({ kind: 'marketing', channel: 'sms', occurredAt: `2024-06-0${i + 1}T10:00:00+08:00`, note: 'summer sale' })
          .expect(201);
      }
      const fourth = await http(app).post(`${API}/customers/${id}/contacts`).send({ kind: 'marketing', channel: 'sms', occurredAt: '2024-06-20T10:00:00+08:00' }).expect(422);
      expect(fourth.body).toMatchObject({ code: 'MarketingCapReached', month: '2024-06', cap: 3 });
      await http(app).post(`${API}/customers/${id}/contacts`).send({ kind: 'care', channel: 'phone', occurredAt: '2024-06-20T10:00:00+08:00', note: 'delivery call' }).expect(201);
      const got = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(got.body.tags).toEqual([]);
      expect(got.body.consent.sms).toBe(true);
    });

    it('an Idempotency-Key replays the first answer; the same key with another body answers 422', async () => {
      const id = await register(app);
      const key = `key-${randomUUID()}`;
      const first = await http(app)
        .post(`${API}/customers/${id}/contacts`)
        .set('Idempotency-Key', key)
        .send({ kind: 'care', channel: 'phone', occurredAt: '2024-06-01T10:00:00+08:00' })
        .expect(201);
      const before = await eventCount(app);
      const replay = await http(app)
        .post(`${API}/customers/${id}/contacts`)
        .set('Idempotency-Key', key)
        .send({ kind: 'care', channel: 'phone', occurredAt: '2024-06-01T10:00:00+08:00' })
        .expect(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.etag).toBe(first.headers.etag);
      const other = await http(app)
        .post(`${API}/customers/${id}/contacts`)
        .set('Idempotency-Key', key)
        .send({ kind: 'care', channel: 'sms', occurredAt: '2024-06-01T10:00:00+08:00' })
        .expect(422);
      expect(other.body.code).toBe('IdempotencyKeyReused');
      expect(await eventCount(app)).toBe(before);
    });

    it('a refusal is replayed for the same Idempotency-Key too', async () => {
      const id = await register(app);
      const key = `key-${randomUUID()}`;
      const body = { refundId: `X-${id}`, orderId: 'nope', occurredAt: '2024-06-01T10:00:00+08:00', amount: '1.00', currency: 'CNY' };
      await http(app).post(`${API}/customers/${id}/refunds`).set('Idempotency-Key', key).send(body).expect(422);
      const again = await http(app).post(`${API}/customers/${id}/refunds`).set('Idempotency-Key', key).send(body).expect(422);
      expect(again.body.code).toBe('UnknownOrder');
      expect(again.headers['content-type']).toContain('application/problem+json');
    });

    it('shows tier, lifecycle and spend as of any date', async () => {
      const id = await register(app, { occurredAt: '2023-12-01T09:00:00+08:00' });
      await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`T1-${id}`, '450.00', { occurredAt: '2024-01-10T10:00:00+08:00' }))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`T2-${id}`, '2600.00', { occurredAt: '2024-02-20T10:00:00+08:00' }))
        .expect(201);
      await http(app)
        .post(`${API}/customers/${id}/refunds`)
        .send({ refundId: `TR-${id}`, orderId: `T2-${id}`, occurredAt: '2024-03-05T10:00:00+08:00', amount: '100.00', currency: 'CNY' })
        .expect(201);
      const at = async (asOf: string) => (await http(app).get(`${API}/customers/${id}?asOf=${asOf}`).expect(200)).body;
      expect(await at('2023-12-31')).toMatchObject({ tier: null, lifecycle: 'PROSPECT', netSpend: '0.00', purchaseCount: 0 });
      expect(await at('2024-01-10')).toMatchObject({ tier: 'NORMAL', lifecycle: 'NEW_ONCE', netSpend: '450.00', purchaseCount: 1 });
      expect(await at('2024-02-20')).toMatchObject({ tier: 'VIP', lifecycle: 'NEW_REPEAT', netSpend: '3050.00', purchaseCount: 2, lastPurchaseAt: '2024-02-20T02:00:00.000Z' });
      expect(await at('2024-03-05')).toMatchObject({ tier: 'SENIOR', netSpend: '2950.00' });
      expect(await at('2024-06-30')).toMatchObject({ lifecycle: 'SILENT' });
      expect(await at('2025-03-01')).toMatchObject({ lifecycle: 'LOST' });
      await http(app).get(`${API}/customers/${id}?asOf=2023-11-30`).expect(404);
      expect((await http(app).get(`${API}/customers/${id}?asOf=2024-02-30`).expect(400)).body.code).toBe('ValidationFailed');
      await http(app).get(`${API}/customers/${id}?asOf=2024-01-01&window=5`).expect(400);
      await http(app).get(`${API}/customers/${id}?unknown=1`).expect(400);
    });

    it('a long history (past a snapshot): repeats, refunds and erasure decide as on the whole stream', async () => {
      const id = await register(app, { name: 'Wholesale Lin', phone: '+86 13900000000' });
      const first = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`LH-0-${id}`, '600.00'))
        .expect(201);
      for (let i = 1; i < 230; i++) {
        await http(app)
          .post(`${API}/customers/${id}/purchases`)
          .send(purchaseBody(`LH-${i}-${id}`, '1.00'))
          .expect(201);
      }
      const sql = app.app.get(require('../libs/database/src').SQL_CLIENT);
      const [snapshot] = await sql.query('SELECT stream_version::int AS v FROM crm_snapshots WHERE stream_id = $1', [`customer-${id}`]);
      expect(snapshot?.v).toBeGreaterThan(0);

      const repeat = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`LH-0-${id}`, '600.00'))
        .expect(200);
      expect(repeat.body).toMatchObject({ unchanged: true, version: 231, position: first.body.position, eventIds: first.body.eventIds });
      const other = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody(`LH-0-${id}`, '601.00'))
        .expect(409);
      expect(other.body.code).toBe('OrderIdInUse');
      const refund = (refundId: string, amount: string) => ({ refundId, orderId: `LH-0-${id}`, occurredAt: '2024-06-01T10:00:00+08:00', amount, currency: 'CNY' });
      await http(app)
        .post(`${API}/customers/${id}/refunds`)
        .send(refund(`LHR-1-${id}`, '500.00'))
        .expect(201);
      expect(
        (
          await http(app)
            .post(`${API}/customers/${id}/refunds`)
            .send(refund(`LHR-2-${id}`, '100.01'))
            .expect(422)
        ).body.code,
      ).toBe('RefundExceedsOrder');

      await http(app).post(`${API}/customers/${id}/erasure`).expect(200);
      const refused = await http(app).patch(`${API}/customers/${id}`).send({ phone: '+86 13900000001' }).expect(422);
      expect(refused.body.code).toBe('PersonalDataErased');
      const got = await http(app).get(`${API}/customers/${id}`).expect(200);
      expect(got.body).toMatchObject({ purchaseCount: 230, netSpend: '329.00', personalDataErased: true });
      expect(got.body.profile.name).toBeUndefined();
    }, 60_000);

    it('unknown customers answer 404 on reads and writes', async () => {
      const unknown = randomUUID();
      const before = await eventCount(app);
      expect((await http(app).get(`${API}/customers/${unknown}`).expect(404)).body.code).toBe('CustomerNotFound');
      const missing = await http(app).get(`${API}/customers/by-ref/nobody`).expect(404);
      // The ref asked for, not the id it maps to (which the caller never sent).
      expect(missing.body.detail).toBe('customer with ref "nobody" not found');
      await http(app).post(`${API}/customers/${unknown}/purchases`).send(purchaseBody('O-x')).expect(404);
      await http(app).patch(`${API}/customers/${unknown}`).send({ name: 'x' }).expect(404);
      await http(app).get(`${API}/nothing-here`).expect(404);
      expect(await eventCount(app)).toBe(before);
    });

    it('serves the OpenAPI document with every write, its headers and its errors', async () => {
      const doc = (await http(app).get('/api/docs-json').expect(200)).body;
      const post = doc.paths['/api/v1/customers/{id}/purchases'].post;
      expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409', '412', '413', '422']));
      expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match']));
      expect(doc.components.schemas.RecordPurchaseDto.required).toEqual(expect.arrayContaining(['orderId', 'occurredAt', 'amount', 'currency']));
      for (const path of [
        '/api/v1/customers',
        '/api/v1/customers/{id}',
        '/api/v1/customers/{id}/refunds',
        '/api/v1/customers/{id}/tags',
        '/api/v1/customers/{id}/tags/{tag}',
        '/api/v1/customers/{id}/consent',
        '/api/v1/customers/{id}/contacts',
        '/api/v1/complaints',
        '/api/v1/complaints/{id}/escalate',
      ]) {
        expect(doc.paths[path]).toBeDefined();
      }
    });
  });
}
