// Hostile input to every write endpoint: bodies nested thousands deep, lone
// surrogates and U+0000 in every free-text field, prototype names as body
// keys and path segments, far-future dates, nulls and arrays where objects
// or strings belong. Each answers a 4xx problem+json and writes nothing.
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, register, settledHttp } from './support/http';

interface Ids {
  customer: string;
  complaint: string;
  account: string;
}

interface Endpoint {
  name: string;
  method: 'post' | 'patch' | 'put' | 'delete';
  path: (ids: Ids) => string;
  body: (ids: Ids) => Record<string, unknown>;
  /** Free-text fields: each gets a lone surrogate and a U+0000. */
  text?: string[];
  /** Business-date fields: each gets a date in year 9999. */
  dates?: string[];
}

const at = '2024-06-01T10:00:00+08:00';
const endpoints: Endpoint[] = [
  {
    name: 'register',
    method: 'post',
    path: () => `${API}/customers`,
    body: () => ({ name: 'Lin', region: { province: '浙江' } }),
    text: ['name', 'nickname', 'shippingAddress'],
    dates: ['occurredAt'],
  },
  { name: 'update profile', method: 'patch', path: (i) => `${API}/customers/${i.customer}`, body: () => ({ name: 'Lin 2' }), text: ['name'] },
  {
    name: 'purchase',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/purchases`,
    body: () => purchaseBody('H-1', '10.00', { items: [{ sku: 'A', category: 'c', quantity: 1, unitPrice: '10.00' }] }),
    dates: ['occurredAt'],
  },
  {
    name: 'refund',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/refunds`,
    body: () => ({ refundId: 'HR-1', occurredAt: at, amount: '1.00', currency: 'CNY', reason: 'size' }),
    text: ['reason'],
    dates: ['occurredAt'],
  },
  { name: 'tag', method: 'post', path: (i) => `${API}/customers/${i.customer}/tags`, body: () => ({ tag: 'south' }) },
  { name: 'consent', method: 'put', path: (i) => `${API}/customers/${i.customer}/consent`, body: () => ({ sms: true }) },
  {
    name: 'contact',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/contacts`,
    body: () => ({ kind: 'care', channel: 'phone', occurredAt: at, note: 'call' }),
    text: ['note'],
    dates: ['occurredAt'],
  },
  {
    name: 'open complaint',
    method: 'post',
    path: () => `${API}/complaints`,
    body: (i) => ({ customerId: i.customer, subject: 's', description: 'd', channel: 'wechat', priority: 'NORMAL', agent: 'a' }),
    text: ['subject', 'description'],
  },
  { name: 'assign', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/assign`, body: () => ({ agent: 'b' }) },
  { name: 'escalate', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/escalate`, body: () => ({ priority: 'URGENT' }) },
  { name: 'respond', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/respond`, body: () => ({ message: 'm' }), text: ['message'] },
  { name: 'resolve', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/resolve`, body: () => ({ resolution: 'r' }), text: ['resolution'] },
  { name: 'reopen', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/reopen`, body: () => ({ reason: 'r' }), text: ['reason'] },
  { name: 'rate', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/rate`, body: () => ({ satisfaction: 5, comment: 'c' }), text: ['comment'] },
  {
    name: 'publish rule set',
    method: 'post',
    path: () => `${API}/tier-rule-sets`,
    body: () => ({ id: 'hostile', name: 'n', tiers: [{ code: 'NORMAL', threshold: '0' }] }),
    text: ['name'],
  },
  { name: 'sign in', method: 'post', path: () => `${API}/auth/token`, body: () => ({ username: 'hostile', password: 'not the password' }), text: ['password'] },
  {
    name: 'create account',
    method: 'post',
    path: () => `${API}/accounts`,
    body: () => ({ username: 'h-new', password: 'a long enough password', role: 'agent' }),
    text: ['password'],
  },
  { name: 'change role', method: 'put', path: (i) => `${API}/accounts/${i.account}/role`, body: () => ({ role: 'manager' }) },
  { name: 'disable account', method: 'post', path: (i) => `${API}/accounts/${i.account}/disable`, body: () => ({ reason: 'left' }), text: ['reason'] },
  { name: 'set password', method: 'put', path: (i) => `${API}/accounts/${i.account}/password`, body: () => ({ password: 'another long password' }), text: ['password'] },
  { name: 'issue API key', method: 'post', path: () => `${API}/api-keys`, body: () => ({ name: 'shop', operations: ['customers.read'] }), text: ['name'] },
  { name: 'simulate', method: 'post', path: () => `${API}/tier-rule-sets/default/simulations`, body: () => ({ asOf: '2024-06-01' }) },
  {
    name: 'create segment',
    method: 'post',
    path: () => `${API}/segments`,
    body: () => ({ id: 'hostile-seg', name: 'n', conditions: [{ field: 'tag', op: 'has', value: 'x' }] }),
    text: ['name'],
  },
  { name: 'revise segment', method: 'put', path: () => `${API}/segments/hostile-seg`, body: () => ({ name: 'n2' }), text: ['name'] },
  { name: 'preview segment', method: 'post', path: () => `${API}/segments/preview`, body: () => ({ definition: { name: 'n' }, asOf: '2024-06-01' }), dates: ['asOf'] },
  { name: 'activate', method: 'post', path: () => `${API}/tier-rule-sets/default/activate`, body: () => ({ effectiveFrom: '2024-06-01' }), dates: ['effectiveFrom'] },
];

const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

interface Case {
  endpoint: string;
  name: string;
  method: Endpoint['method'];
  path: (ids: Ids) => string;
  /** A body sent as JSON, or the raw text of one. */
  body?: (ids: Ids) => unknown;
  raw?: (ids: Ids) => string | Buffer;
}

function casesOf(e: Endpoint): Case[] {
  const base = { endpoint: e.name, method: e.method, path: e.path };
  const firstKey = (ids: Ids) => Object.keys(e.body(ids))[0];
  const cases: Case[] = [
    { ...base, name: 'a body nested 5,000 objects deep', raw: (ids) => JSON.stringify(e.body(ids)).replace(/}$/, `,"x":${nested(5000)}}`) },
    { ...base, name: 'a body of arrays nested 5,000 deep', raw: () => '['.repeat(5000) + ']'.repeat(5000) },
    { ...base, name: 'a __proto__ key', raw: (ids) => JSON.stringify(e.body(ids)).replace(/^{/, '{"__proto__":{"isAdmin":true},') },
    { ...base, name: 'a nested __proto__ key', raw: (ids) => JSON.stringify(e.body(ids)).replace(/^{/, '{"x":{"__proto__":{}},') },
    { ...base, name: 'a constructor key', body: (ids) => ({ ...e.body(ids), constructor: { prototype: {} } }) },
    { ...base, name: 'a toString key', body: (ids) => ({ ...e.body(ids), toString: 'x' }) },
    { ...base, name: 'a null body', raw: () => 'null' },
    { ...base, name: 'an array body', body: (ids) => [e.body(ids)] },
    { ...base, name: 'a string body', raw: () => '"hello"' },
    { ...base, name: 'null for the first field', body: (ids) => ({ ...e.body(ids), [firstKey(ids)]: null }) },
    { ...base, name: 'an array for the first field', body: (ids) => ({ ...e.body(ids), [firstKey(ids)]: [] }) },
    { ...base, name: 'an object for the first field', body: (ids) => ({ ...e.body(ids), [firstKey(ids)]: {} }) },
    { ...base, name: 'U+0000 in a key', raw: (ids) => JSON.stringify(e.body(ids)).replace(/^{/, '{"a\\u0000b":1,') },
  ];
  for (const field of e.text ?? []) {
    cases.push({ ...base, name: `a lone surrogate in ${field}`, body: (ids) => ({ ...e.body(ids), [field]: 'a\ud800b' }) });
    cases.push({ ...base, name: `a lone low surrogate in ${field}`, raw: (ids) => JSON.stringify({ ...e.body(ids), [field]: 'PLACEHOLDER' }).replace('PLACEHOLDER', 'x\\udc00') });
    cases.push({ ...base, name: `U+0000 in ${field}`, body: (ids) => ({ ...e.body(ids), [field]: 'a\u0000b' }) });
    // Bytes that are not UTF-8 (a lone continuation byte): a decoder would store U+FFFD.
    cases.push({
      ...base,
      name: `invalid UTF-8 in ${field}`,
      raw: (ids) => {
        const [head, tail] = JSON.stringify({ ...e.body(ids), [field]: 'PLACEHOLDER' }).split('PLACEHOLDER');
        return Buffer.concat([Buffer.from(`${head}a`), Buffer.from([0x80]), Buffer.from(`b${tail}`)]);
      },
    });
  }
  for (const field of e.dates ?? []) {
    const far = field === 'effectiveFrom' ? '9999-12-31' : '9999-12-31T00:00:00Z';
    cases.push({ ...base, name: `${field} in year 9999`, body: (ids) => ({ ...e.body(ids), [field]: far }) });
    cases.push({ ...base, name: `${field} in year 0001`, body: (ids) => ({ ...e.body(ids), [field]: field === 'effectiveFrom' ? '0001-01-01' : '0001-01-01T00:00:00Z' }) });
  }
  return cases;
}

const pathCases: Case[] = [
  ...['__proto__', 'constructor', 'toString'].flatMap((name): Case[] => [
    { endpoint: 'purchase', name: `customer id "${name}"`, method: 'post', path: () => `${API}/customers/${name}/purchases`, body: () => purchaseBody('H-P') },
    { endpoint: 'assign', name: `complaint id "${name}"`, method: 'post', path: () => `${API}/complaints/${name}/assign`, body: () => ({ agent: 'b' }) },
    { endpoint: 'activate', name: `rule set id "${name}"`, method: 'post', path: () => `${API}/tier-rule-sets/${name}/activate`, body: () => ({}) },
    { endpoint: 'simulate', name: `rule set id "${name}"`, method: 'post', path: () => `${API}/tier-rule-sets/${name}/simulations`, body: () => ({}) },
    { endpoint: 'change role', name: `account id "${name}"`, method: 'put', path: () => `${API}/accounts/${name}/role`, body: () => ({ role: 'agent' }) },
    { endpoint: 'revoke API key', name: `key id "${name}"`, method: 'delete', path: () => `${API}/api-keys/${name}` },
    { endpoint: 'erasure', name: `customer id "${name}"`, method: 'post', path: () => `${API}/customers/${name}/erasure` },
  ]),
  { endpoint: 'untag', name: 'a tag with U+0000', method: 'delete', path: (i) => `${API}/customers/${i.customer}/tags/a%00b` },
  { endpoint: 'untag', name: 'a tag of a lone surrogate (invalid UTF-8)', method: 'delete', path: (i) => `${API}/customers/${i.customer}/tags/%ED%A0%80` },
  { endpoint: 'register', name: 'region as an array', method: 'post', path: () => `${API}/customers`, body: () => ({ name: 'x', region: [] }) },
  { endpoint: 'register', name: 'region as null', method: 'post', path: () => `${API}/customers`, body: () => ({ name: 'x', region: null }) },
  { endpoint: 'consent', name: 'consent sms null', method: 'put', path: (i) => `${API}/customers/${i.customer}/consent`, body: () => ({ sms: null }) },
  {
    endpoint: 'purchase',
    name: 'items as an object',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/purchases`,
    body: () => purchaseBody('H-2', '1.00', { items: { sku: 'A' } }),
  },
  {
    endpoint: 'purchase',
    name: 'an item null',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/purchases`,
    body: () => purchaseBody('H-3', '1.00', { items: [null] }),
  },
  {
    endpoint: 'purchase',
    name: 'a unit price with 7 decimals in CNY',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/purchases`,
    body: () => purchaseBody('H-4', '1.00', { items: [{ sku: 'A', quantity: 1, unitPrice: '0.0000001' }] }),
  },
  {
    endpoint: 'purchase',
    name: 'a category over 128 characters',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/purchases`,
    body: () => purchaseBody('H-5', '1.00', { items: [{ sku: 'A', category: 'c'.repeat(129), quantity: 1, unitPrice: '1.00' }] }),
  },
  {
    endpoint: 'publish rule set',
    name: 'basis as an array',
    method: 'post',
    path: () => `${API}/tier-rule-sets`,
    body: () => ({ id: 'h2', name: 'n', tiers: [{ code: 'NORMAL', threshold: '0' }], basis: [] }),
  },
  {
    endpoint: 'publish rule set',
    name: 'a rolling basis without months',
    method: 'post',
    path: () => `${API}/tier-rule-sets`,
    body: () => ({ id: 'h3', name: 'n', tiers: [{ code: 'NORMAL', threshold: '0' }], basis: { kind: 'rollingMonths' } }),
  },
  {
    endpoint: 'activate',
    name: 'effectiveFrom more than 5 years ahead',
    method: 'post',
    path: () => `${API}/tier-rule-sets/default/activate`,
    body: () => ({ effectiveFrom: `${new Date().getUTCFullYear() + 6}-01-01` }),
  },
  {
    endpoint: 'refund',
    name: 'a refund of an order dated before its purchase',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/refunds`,
    body: () => ({ refundId: 'HR-2', orderId: 'H-0', occurredAt: '2024-05-30T10:00:00+08:00', amount: '1.00', currency: 'CNY' }),
  },
  {
    endpoint: 'purchase',
    name: 'occurredAt an hour from now',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/purchases`,
    body: () => purchaseBody('H-6', '1.00', { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
  },
];

const allCases = [...endpoints.flatMap(casesOf), ...pathCases];

for (const database of testDatabases()) {
  describe(`hostile inputs on ${database.name}`, () => {
    let app: RunningApp;
    const ids: Ids = { customer: '', complaint: '', account: '' };
    beforeAll(async () => {
      app = await startTestApp(database);
      ids.customer = await register(app, { customerRef: 'HOSTILE' });
      await http(app).post(`${API}/customers/${ids.customer}/purchases`).send(purchaseBody('H-0', '10.00')).expect(201);
      const c = await http(app).post(`${API}/complaints`).send({ customerId: ids.customer, subject: 's', channel: 'wechat', priority: 'NORMAL', agent: 'a' }).expect(201);
      ids.complaint = c.body.complaintId;
      await http(app).post(`${API}/complaints/${ids.complaint}/resolve`).send({ resolution: 'done' }).expect(200);
      ids.account = (await http(app).post(`${API}/accounts`).send({ username: 'hostile', password: 'a long enough password', role: 'agent' }).expect(201)).body.accountId;
    });
    afterAll(async () => app?.close());

    it('covers every write endpoint', () => {
      const covered = new Set(allCases.map((c) => c.endpoint));
      expect([...covered].sort()).toEqual([...endpoints.map((e) => e.name), 'untag', 'revoke API key', 'erasure'].sort());
      expect(allCases.length).toBeGreaterThan(200);
    });

    it.each(allCases.map((c) => [`${c.endpoint}: ${c.name}`, c] as const))('%s: a clear 4xx, nothing written', async (_, c) => {
      const before = await eventCount(app);
      const req = http(app)[c.method](c.path(ids)).set('Content-Type', 'application/json');
      const res = c.raw ? await req.send(c.raw(ids)) : c.body ? await req.send(JSON.stringify(c.body(ids))) : await req;
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: res.status, code: expect.any(String), detail: expect.any(String) });
      expect(await eventCount(app)).toBe(before);
    });

    it("an unknown customer's timeline is 404", async () => {
      const res = await http(app).get(`${API}/customers/00000000-0000-4000-8000-000000000000/timeline`).expect(404);
      expect(res.body.code).toBe('CustomerNotFound');
    });

    it('every read takes ?waitFor= a position, and refuses garbage', async () => {
      for (const path of [
        `customers/${ids.customer}`,
        `customers/${ids.customer}/tier`,
        `customers/${ids.customer}/timeline`,
        `complaints/${ids.complaint}`,
        'customers',
        'complaints',
        'tier-rule-sets',
        'segments/rfm',
      ]) {
        await http(app).get(`${API}/${path}?waitFor=1`).expect(200);
        const bad = await http(app).get(`${API}/${path}?waitFor=abc`).expect(400);
        expect(bad.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('lifecycle as of 9999-12-31 answers, also for a purchase stored with that date', async () => {
      const lost = await http(app).get(`${API}/customers/${ids.customer}/lifecycle?asOf=9999-12-31`).expect(200);
      expect(lost.body.lifecycle).toBe('LOST');
      // Data stored before dates were bounded: appended straight to the store.
      const store = app.app.get(require('../libs/event-store/src').EVENT_STORE);
      const id = await register(app, { customerRef: 'FAR-FUTURE' });
      await store.append(
        `customer-${id}`,
        [
          {
            id: '5f0e8f0e-0000-4000-8000-000000009999',
            type: 'PurchaseRecorded',
            data: { customerId: id, orderId: 'FAR', amountMinor: 100, currency: 'CNY', items: [], occurredAt: '9999-12-31T00:00:00.000Z' },
          },
        ],
        'any',
      );
      const res = await http(app).get(`${API}/customers/${id}/lifecycle?asOf=9999-12-31`).expect(200);
      expect(res.body).toMatchObject({ lifecycle: 'NEW_ONCE', lastPurchaseOn: '9999-12-31' });
      await (await settledHttp(app)).get(`${API}/customers/${id}/tier-history?asOf=9999-12-31`).expect(200);
    });

    it('prototype names are ordinary values where values are free: a tag and an order id named "constructor"', async () => {
      const id = await register(app);
      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'constructor' }).expect(201);
      await http(app).delete(`${API}/customers/${id}/tags/constructor`).expect(200);
      expect((await http(app).get(`${API}/customers/${id}`).expect(200)).body.tags).toEqual([]);
      const first = await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('constructor', '5.00')).expect(201);
      expect(first.body.unchanged).toBe(false);
      await http(app).post(`${API}/customers/${id}/refunds`).send({ refundId: 'toString', orderId: 'constructor', occurredAt: at, amount: '5.00', currency: 'CNY' }).expect(201);
      await http(app).post(`${API}/customers/${id}/refunds`).send({ refundId: 'R-proto', orderId: 'hasOwnProperty', occurredAt: at, amount: '1.00', currency: 'CNY' }).expect(422);
    });

    it('a webhook cannot point at this machine or a private network (SSRF), in any spelling; nothing is registered', async () => {
      for (const url of [
        'http://127.0.0.1:5432/',
        'http://2130706433/',
        'http://0x7f.1/',
        'http://[::1]:3000/',
        'http://[::ffff:127.0.0.1]/',
        'http://localhost/',
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.5/',
        'http://192.168.1.1/',
      ]) {
        const res = await http(app)
          .post(`${API}/webhooks`)
          .send({ url, eventTypes: ['PurchaseRecorded'] });
        expect([url, res.status, res.body.code]).toEqual([url, 400, 'WebhookTargetNotAllowed']);
      }
      expect((await http(app).get(`${API}/webhooks`).expect(200)).body.items).toEqual([]);
    });
  });
}
