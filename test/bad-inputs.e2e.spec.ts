// Every bad input answers a clear 4xx as problem+json and writes nothing
// (checked by counting the events in the store before and after).
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, register } from './support/http';

interface BadInput {
  name: string;
  method: 'post' | 'patch' | 'put' | 'delete' | 'get';
  path: (ids: { customer: string; complaint: string }) => string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
}

const P = (extra: Record<string, unknown>) => ({ ...purchaseBody('BAD-1'), ...extra });
const purchases = ({ customer }: { customer: string }) => `${API}/customers/${customer}/purchases`;
const refunds = ({ customer }: { customer: string }) => `${API}/customers/${customer}/refunds`;
const customers = () => `${API}/customers`;
const complaints = () => `${API}/complaints`;

const badInputs: BadInput[] = [
  { name: 'unknown property', method: 'post', path: customers, body: { name: 'x', isAdmin: true }, status: 400, code: 'ValidationFailed' },
  { name: 'name as a number', method: 'post', path: customers, body: { name: 42 }, status: 400 },
  { name: 'name over 100 characters', method: 'post', path: customers, body: { name: 'x'.repeat(101) }, status: 400 },
  { name: 'U+0000 in a name', method: 'post', path: customers, body: { name: 'a\u0000b' }, status: 400, code: 'InvalidText' },
  { name: 'U+0000 in a nested field', method: 'post', path: customers, body: { region: { city: '\u0000' } }, status: 400 },
  { name: 'control character in a note', method: 'post', path: customers, body: { nickname: 'bell\u0007' }, status: 400 },
  { name: 'invalid email', method: 'post', path: customers, body: { email: 'not-an-email' }, status: 400 },
  { name: 'impossible birth date', method: 'post', path: customers, body: { birthDate: '1990-02-30' }, status: 400 },
  { name: 'gender outside the list', method: 'post', path: customers, body: { gender: 'robot' }, status: 400 },
  { name: 'customerRef with spaces only', method: 'post', path: customers, body: { customerRef: '   ' }, status: 400 },
  { name: 'registration time without offset', method: 'post', path: customers, body: { occurredAt: '2024-05-31T10:00:00' }, status: 400 },
  { name: 'malformed JSON', method: 'post', path: customers, raw: '{"name": "x",', status: 400, code: 'MalformedJson' },
  { name: 'JSON array body', method: 'post', path: customers, raw: '[1,2]', status: 400 },
  { name: 'body that is not JSON', method: 'post', path: customers, raw: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'body over 64 kB', method: 'post', path: customers, body: { name: 'x', shippingAddress: 'y'.repeat(70_000) }, status: 413, code: 'PayloadTooLarge' },
  { name: 'amount as a number', method: 'post', path: purchases, body: P({ amount: 600 }), status: 400 },
  { name: 'negative amount', method: 'post', path: purchases, body: P({ amount: '-1.00' }), status: 400 },
  { name: 'amount with 3 decimals in CNY', method: 'post', path: purchases, body: P({ amount: '1.005' }), status: 400, code: 'InvalidAmount' },
  { name: 'decimals on a JPY amount', method: 'post', path: purchases, body: P({ amount: '100.5', currency: 'JPY', baseAmount: '5.00' }), status: 400, code: 'InvalidAmount' },
  { name: 'amount in exponent notation', method: 'post', path: purchases, body: P({ amount: '1e3' }), status: 400 },
  { name: 'unknown currency', method: 'post', path: purchases, body: P({ currency: 'XXQ' }), status: 400 },
  { name: 'lower-case currency', method: 'post', path: purchases, body: P({ currency: 'cny' }), status: 400 },
  { name: 'missing orderId', method: 'post', path: purchases, body: { occurredAt: '2024-05-31T10:00:00+08:00', amount: '1.00', currency: 'CNY' }, status: 400 },
  { name: 'orderId over 128 characters', method: 'post', path: purchases, body: P({ orderId: 'o'.repeat(129) }), status: 400 },
  { name: 'occurredAt not a date', method: 'post', path: purchases, body: P({ occurredAt: 'yesterday' }), status: 400 },
  { name: 'occurredAt on 2023-02-29', method: 'post', path: purchases, body: P({ occurredAt: '2023-02-29T10:00:00Z' }), status: 400 },
  { name: 'item quantity 0', method: 'post', path: purchases, body: P({ items: [{ sku: 'A', quantity: 0, unitPrice: '1.00' }] }), status: 400 },
  { name: 'item quantity as a string', method: 'post', path: purchases, body: P({ items: [{ sku: 'A', quantity: '2', unitPrice: '1.00' }] }), status: 400 },
  { name: 'item with an unknown property', method: 'post', path: purchases, body: P({ items: [{ sku: 'A', quantity: 1, unitPrice: '1.00', discount: 1 }] }), status: 400 },
  { name: 'customer id not a UUID', method: 'post', path: () => `${API}/customers/123/purchases`, body: P({}), status: 400 },
  { name: 'refund of 0.00', method: 'post', path: refunds, body: { refundId: 'R0', occurredAt: '2024-06-01T10:00:00Z', amount: '0.00', currency: 'CNY' }, status: 400 },
  { name: 'refund without refundId', method: 'post', path: refunds, body: { occurredAt: '2024-06-01T10:00:00Z', amount: '1.00', currency: 'CNY' }, status: 400 },
  { name: 'consent as a string', method: 'put', path: ({ customer }) => `${API}/customers/${customer}/consent`, body: { sms: 'yes' }, status: 400 },
  {
    name: 'contact kind unknown',
    method: 'post',
    path: ({ customer }) => `${API}/customers/${customer}/contacts`,
    body: { kind: 'spam', channel: 'sms', occurredAt: '2024-06-01T10:00:00Z' },
    status: 400,
  },
  { name: 'tag empty', method: 'post', path: ({ customer }) => `${API}/customers/${customer}/tags`, body: { tag: '' }, status: 400 },
  {
    name: 'malformed If-Match',
    method: 'patch',
    path: ({ customer }) => `${API}/customers/${customer}`,
    body: { name: 'x' },
    headers: { 'If-Match': 'banana' },
    status: 400,
    code: 'InvalidHeader',
  },
  {
    name: 'Idempotency-Key too long',
    method: 'post',
    path: ({ customer }) => `${API}/customers/${customer}/tags`,
    body: { tag: 'x' },
    headers: { 'Idempotency-Key': 'k'.repeat(201) },
    status: 422,
    code: 'InvalidIdempotencyKey',
  },
  {
    name: 'complaint priority unknown',
    method: 'post',
    path: complaints,
    body: { customerId: '00000000-0000-4000-8000-000000000000', subject: 's', channel: 'c', priority: 'WHENEVER', agent: 'a' },
    status: 400,
  },
  {
    name: 'complaint without agent',
    method: 'post',
    path: complaints,
    body: { customerId: '00000000-0000-4000-8000-000000000000', subject: 's', channel: 'c', priority: 'NORMAL' },
    status: 400,
  },
  {
    name: 'complaint subject blank',
    method: 'post',
    path: complaints,
    body: { customerId: '00000000-0000-4000-8000-000000000000', subject: '  ', channel: 'c', priority: 'NORMAL', agent: 'a' },
    status: 400,
  },
  { name: 'escalate to an unknown priority', method: 'post', path: ({ complaint }) => `${API}/complaints/${complaint}/escalate`, body: { priority: 'HIGHEST' }, status: 400 },
  { name: 'respond with an empty message', method: 'post', path: ({ complaint }) => `${API}/complaints/${complaint}/respond`, body: { message: '' }, status: 400 },
  {
    name: 'compensation negative',
    method: 'post',
    path: ({ complaint }) => `${API}/complaints/${complaint}/resolve`,
    body: { resolution: 'ok', compensation: '-5.00' },
    status: 400,
  },
  {
    name: 'compensation in another currency',
    method: 'post',
    path: ({ complaint }) => `${API}/complaints/${complaint}/resolve`,
    body: { resolution: 'ok', compensation: '5.00', currency: 'USD' },
    status: 422,
    code: 'CompensationCurrency',
  },
];

for (const database of testDatabases()) {
  describe(`bad inputs on ${database.name}`, () => {
    let app: RunningApp;
    const ids = { customer: '', complaint: '' };
    beforeAll(async () => {
      app = await startTestApp(database);
      ids.customer = await register(app, { customerRef: 'BAD-REF' });
      const c = await http(app).post(`${API}/complaints`).send({ customerId: ids.customer, subject: 's', channel: 'wechat', priority: 'NORMAL', agent: 'a' }).expect(201);
      ids.complaint = c.body.complaintId;
    });
    afterAll(async () => app?.close());

    it('has at least 30 cases', () => expect(badInputs.length).toBeGreaterThanOrEqual(30));

    it.each(badInputs.map((b) => [b.name, b] as const))('%s: answers a clear 4xx and writes nothing', async (_, bad) => {
      const before = await eventCount(app);
      let req = http(app)[bad.method](bad.path(ids));
      for (const [k, v] of Object.entries(bad.headers ?? {})) req = req.set(k, v);
      const res = bad.raw !== undefined ? await req.set('Content-Type', bad.headers?.['Content-Type'] ?? 'application/json').send(bad.raw) : await req.send(bad.body as object);
      expect(res.status).toBe(bad.status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: bad.status, type: expect.stringMatching(/^urn:problem:crm:/), title: expect.any(String) });
      expect(typeof res.body.detail).toBe('string');
      if (bad.code) expect(res.body.code).toBe(bad.code);
      expect(await eventCount(app)).toBe(before);
    });
  });
}
