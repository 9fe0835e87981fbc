// Accounts and authorization over REST: sign-in, API keys, the actor on
// events, and the matrix walked cell by cell (every route x every role and a
// key without the operation): 401 without credentials, 403 where the matrix
// says no, and never 401/403 where it says yes.
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp, TEST_PASSWORD } from './support/test-app';
import { anonymous, API, as, eventCount, http, purchaseBody, register } from './support/http';
import { ALL_OPERATIONS, Operation, ROLE_OPERATIONS, ROLES } from '../libs/shared/src/access';

interface Ids {
  customer: string;
  complaint: string;
  account: string;
  key: string;
}

interface Route {
  operation: Operation;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: (ids: Ids) => string;
  body?: (ids: Ids) => object;
}

const at = '2024-06-01T10:00:00+08:00';
let n = 0;
const routes: Route[] = [
  { operation: 'customers.read', method: 'get', path: () => `${API}/customers` },
  { operation: 'customers.read', method: 'get', path: (i) => `${API}/customers/${i.customer}` },
  { operation: 'customers.read', method: 'get', path: () => `${API}/customers/by-ref/M-1` },
  { operation: 'customers.read', method: 'get', path: (i) => `${API}/customers/${i.customer}/tier` },
  { operation: 'customers.read', method: 'get', path: (i) => `${API}/customers/${i.customer}/tier-history` },
  { operation: 'customers.read', method: 'get', path: (i) => `${API}/customers/${i.customer}/lifecycle` },
  { operation: 'customers.read', method: 'get', path: (i) => `${API}/customers/${i.customer}/rfm` },
  { operation: 'customers.register', method: 'post', path: () => `${API}/customers`, body: () => ({ name: `M ${++n}` }) },
  { operation: 'customers.update', method: 'patch', path: (i) => `${API}/customers/${i.customer}`, body: () => ({ nickname: `n${++n}` }) },
  { operation: 'customers.update', method: 'post', path: (i) => `${API}/customers/${i.customer}/tags`, body: () => ({ tag: `t${++n}` }) },
  { operation: 'customers.update', method: 'delete', path: (i) => `${API}/customers/${i.customer}/tags/t0` },
  { operation: 'customers.update', method: 'put', path: (i) => `${API}/customers/${i.customer}/consent`, body: () => ({ sms: true }) },
  { operation: 'purchases.record', method: 'post', path: (i) => `${API}/customers/${i.customer}/purchases`, body: () => purchaseBody(`M-${++n}`, '1.00') },
  {
    operation: 'refunds.record',
    method: 'post',
    path: (i) => `${API}/customers/${i.customer}/refunds`,
    body: () => ({ refundId: `R-${++n}`, occurredAt: at, amount: '0.01', currency: 'CNY' }),
  },
  { operation: 'contacts.log', method: 'post', path: (i) => `${API}/customers/${i.customer}/contacts`, body: () => ({ kind: 'care', channel: 'phone', occurredAt: at }) },
  { operation: 'timeline.read', method: 'get', path: (i) => `${API}/customers/${i.customer}/timeline` },
  {
    operation: 'complaints.open',
    method: 'post',
    path: () => `${API}/complaints`,
    body: (i) => ({ customerId: i.customer, subject: 's', channel: 'phone', priority: 'NORMAL', agent: 'nobody' }),
  },
  { operation: 'complaints.readAll', method: 'get', path: (i) => `${API}/complaints/${i.complaint}` },
  { operation: 'complaints.readAll', method: 'post', path: (i) => `${API}/complaints/${i.complaint}/escalate`, body: () => ({ priority: 'URGENT' }) },
  { operation: 'ruleSets.read', method: 'get', path: () => `${API}/tier-rule-sets` },
  { operation: 'ruleSets.read', method: 'get', path: () => `${API}/tier-rule-sets/default` },
  { operation: 'ruleSets.publish', method: 'post', path: () => `${API}/tier-rule-sets`, body: () => ({ id: 'matrix', name: 'm', tiers: [{ code: 'NORMAL', threshold: '0' }] }) },
  { operation: 'ruleSets.simulate', method: 'post', path: () => `${API}/tier-rule-sets/default/simulations`, body: () => ({}) },
  { operation: 'ruleSets.activate', method: 'post', path: () => `${API}/tier-rule-sets/nope/activate`, body: () => ({}) },
  { operation: 'metrics.read', method: 'get', path: () => `${API}/metrics/stickiness` },
  { operation: 'metrics.read', method: 'get', path: () => `${API}/metrics/service` },
  { operation: 'metrics.read', method: 'get', path: () => `${API}/segments/rfm` },
  { operation: 'segments.read', method: 'get', path: () => `${API}/segments` },
  { operation: 'segments.manage', method: 'post', path: () => `${API}/segments/preview`, body: () => ({ definition: { name: 'm' } }) },
  { operation: 'campaigns.read', method: 'get', path: () => `${API}/campaigns` },
  { operation: 'campaigns.read', method: 'get', path: () => `${API}/campaigns/nope/results` },
  { operation: 'campaigns.manage', method: 'post', path: () => `${API}/campaigns/nope/launch`, body: () => ({}) },
  { operation: 'campaigns.manage', method: 'post', path: () => `${API}/campaigns/nope/cancel`, body: () => ({}) },
  { operation: 'privacy.export', method: 'get', path: (i) => `${API}/customers/${i.customer}/export` },
  { operation: 'privacy.erase', method: 'post', path: () => `${API}/customers/00000000-0000-4000-8000-000000000000/erasure` },
  { operation: 'accounts.manage', method: 'get', path: () => `${API}/accounts` },
  { operation: 'accounts.manage', method: 'post', path: () => `${API}/accounts`, body: () => ({ username: `u${++n}`, password: TEST_PASSWORD, role: 'agent' }) },
  { operation: 'accounts.manage', method: 'get', path: (i) => `${API}/accounts/${i.account}/history` },
  { operation: 'accounts.manage', method: 'put', path: (i) => `${API}/accounts/${i.account}/role`, body: () => ({ role: 'agent' }) },
  { operation: 'accounts.manage', method: 'post', path: (i) => `${API}/accounts/${i.account}/enable`, body: () => ({}) },
  { operation: 'apiKeys.manage', method: 'get', path: () => `${API}/api-keys` },
  { operation: 'apiKeys.manage', method: 'post', path: () => `${API}/api-keys`, body: () => ({ name: 'k', operations: ['customers.read'] }) },
  { operation: 'apiKeys.manage', method: 'delete', path: (i) => `${API}/api-keys/${i.key}` },
  { operation: 'webhooks.manage', method: 'get', path: () => `${API}/webhooks` },
  { operation: 'webhooks.manage', method: 'post', path: () => `${API}/webhooks`, body: () => ({ url: 'https://receiver.invalid/matrix', eventTypes: ['CustomerTagged'] }) },
];

for (const database of testDatabases()) {
  describe(`accounts and authorization on ${database.name}`, () => {
    let app: RunningApp;
    const ids: Ids = { customer: '', complaint: '', account: '', key: '' };
    let readKey = '';
    beforeAll(async () => {
      app = await startTestApp(database);
      ids.customer = await register(app, { customerRef: 'M-1' });
      await http(app).post(`${API}/customers/${ids.customer}/purchases`).send(purchaseBody('M-0', '10.00')).expect(201);
      const c = await http(app)
        .post(`${API}/complaints`)
        .send({ customerId: ids.customer, subject: 's', channel: 'wechat', priority: 'NORMAL', agent: 'someone.else' })
        .expect(201);
      ids.complaint = c.body.complaintId;
      const account = await http(app).post(`${API}/accounts`).send({ username: 'target', password: TEST_PASSWORD, role: 'agent' }).expect(201);
      ids.account = account.body.accountId;
      const key = await http(app)
        .post(`${API}/api-keys`)
        .send({ name: 'reader', operations: ['customers.read'] })
        .expect(201);
      ids.key = (
        await http(app)
          .post(`${API}/api-keys`)
          .send({ name: 'to revoke', operations: ['customers.read'] })
          .expect(201)
      ).body.keyId;
      readKey = key.body.key;
    });
    afterAll(async () => app?.close());

    it('the routes cover every operation a route serves', () => {
      const served = new Set(routes.map((r) => r.operation));
      const cliOnly: Operation[] = ['customers.export', 'imports.run', 'projections.rebuild', 'complaints.read', 'complaints.handle'];
      expect(ALL_OPERATIONS.filter((o) => !served.has(o) && !cliOnly.includes(o))).toEqual([]);
    });

    const cells = routes.flatMap((route) => ROLES.map((role) => [`${route.method.toUpperCase()} ${route.path(ids)} as ${role}`, route, role] as const));
    it.each(cells)('%s follows the matrix', async (_, route, role) => {
      const allowed = ROLE_OPERATIONS.get(role)?.has(route.operation);
      const client = await as(app, `matrix.${role}`, role);
      const req = client[route.method](route.path(ids));
      const res = route.body ? await req.send(route.body(ids)) : await req;
      if (allowed) expect([401, 403]).not.toContain(res.status);
      else expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'Forbidden' });
    });

    it.each(routes.map((r) => [`${r.method.toUpperCase()} ${r.path(ids)}`, r] as const))('%s without credentials is 401 and writes nothing', async (_, route) => {
      const before = await eventCount(app);
      const req = anonymous(app)[route.method](route.path(ids));
      const res = route.body ? await req.send(route.body(ids)) : await req;
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await eventCount(app)).toBe(before);
    });

    it('an API key does what it was granted and nothing else', async () => {
      const key = () => anonymous(app);
      await key().get(`${API}/customers/${ids.customer}`).set('Authorization', `Bearer ${readKey}`).expect(200);
      const refused = await key().post(`${API}/customers/${ids.customer}/purchases`).set('Authorization', `Bearer ${readKey}`).send(purchaseBody('K-1')).expect(403);
      expect(refused.body.operation).toBe('purchases.record');
      const listed = await http(app).get(`${API}/api-keys`).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(readKey.slice('crm_'.length + 33));
    });

    it('a revoked API key stops working at once', async () => {
      const issued = await http(app)
        .post(`${API}/api-keys`)
        .send({ name: 'shop', operations: ['purchases.record', 'customers.read'] })
        .expect(201);
      const bearer = `Bearer ${issued.body.key}`;
      await anonymous(app).post(`${API}/customers/${ids.customer}/purchases`).set('Authorization', bearer).send(purchaseBody('K-2', '1.00')).expect(201);
      await http(app).delete(`${API}/api-keys/${issued.body.keyId}`).expect(200);
      await anonymous(app).get(`${API}/customers/${ids.customer}`).set('Authorization', bearer).expect(401);
    });

    it('an API key is never granted administration', async () => {
      const res = await http(app)
        .post(`${API}/api-keys`)
        .send({ name: 'bad', operations: ['accounts.manage'] })
        .expect(422);
      expect(res.body.code).toBe('OperationNotGrantable');
    });

    it('signs in with a password; a wrong password, an unknown name and a disabled account get the same 401', async () => {
      await http(app).post(`${API}/accounts`).send({ username: 'lin', password: TEST_PASSWORD, role: 'agent' }).expect(201);
      const ok = await anonymous(app).post(`${API}/auth/token`).send({ username: 'lin', password: TEST_PASSWORD }).expect(200);
      expect(ok.body).toEqual({ accessToken: expect.any(String), expiresAt: expect.any(String), tokenType: 'Bearer' });
      const me = await anonymous(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${ok.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ username: 'lin', role: 'agent', actor: 'lin' });
      // What the role may do, from the one matrix: the console offers only that.
      expect(me.body.operations).toEqual(expect.arrayContaining(['contacts.log', 'timeline.read']));
      expect(me.body.operations).not.toContain('ruleSets.activate');
      const wrong = await anonymous(app).post(`${API}/auth/token`).send({ username: 'lin', password: 'not the password' }).expect(401);
      const unknown = await anonymous(app).post(`${API}/auth/token`).send({ username: 'nobody', password: TEST_PASSWORD }).expect(401);
      expect(unknown.body.detail).toBe(wrong.body.detail);
      const accountId = me.body.accountId;
      await http(app).post(`${API}/accounts/${accountId}/disable`).send({ reason: 'left' }).expect(200);
      await anonymous(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${ok.body.accessToken}`).expect(401);
      await anonymous(app).post(`${API}/auth/token`).send({ username: 'lin', password: TEST_PASSWORD }).expect(401);
    });

    it('a new password ends the earlier tokens', async () => {
      await http(app).post(`${API}/accounts`).send({ username: 'pw', password: TEST_PASSWORD, role: 'agent' }).expect(201);
      const old = (await anonymous(app).post(`${API}/auth/token`).send({ username: 'pw', password: TEST_PASSWORD }).expect(200)).body.accessToken;
      const me = await anonymous(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${old}`).expect(200);
      await http(app).put(`${API}/accounts/${me.body.accountId}/password`).send({ password: 'another long password' }).expect(200);
      await anonymous(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${old}`).expect(401);
      await anonymous(app).post(`${API}/auth/token`).send({ username: 'pw', password: 'another long password' }).expect(200);
    });

    it.each(['garbage', 'Bearer', 'Bearer x.y.z', `Bearer crm_${'0'.repeat(32)}_${'a'.repeat(43)}`, 'Basic dXNlcjpwYXNz'])('the credential %j is a 401', async (header) => {
      await anonymous(app).get(`${API}/customers`).set('Authorization', header).expect(401);
    });

    it('the actor on events is the signed-in account; X-Actor is ignored', async () => {
      const client = await as(app, 'agent.zhou', 'agent');
      const res = await client.post(`${API}/customers/${ids.customer}/tags`).set('X-Actor', 'someone-else').send({ tag: 'vip-south' }).expect(201);
      const timeline = await client.get(`${API}/customers/${ids.customer}/timeline?derived=false&limit=1000&waitFor=${res.body.position}`).expect(200);
      const tagged = timeline.body.items.find((e: { type: string; data: { tag?: string } }) => e.type === 'CustomerTagged' && e.data.tag === 'vip-south');
      expect(tagged.actor).toBe('agent.zhou');
    });

    it("an Idempotency-Key is the caller's own: another account's same key is another request", async () => {
      const one = await (await as(app, 'key.one', 'agent')).post(`${API}/customers`).set('Idempotency-Key', 'same-key').send({ name: 'One' }).expect(201);
      const two = await (await as(app, 'key.two', 'agent')).post(`${API}/customers`).set('Idempotency-Key', 'same-key').send({ name: 'One' }).expect(201);
      expect(two.headers['idempotent-replayed']).toBeUndefined();
      expect(two.body.customerId).not.toBe(one.body.customerId);
    });

    it('an agent reads and handles only the complaints assigned to them', async () => {
      const mine = await http(app)
        .post(`${API}/complaints`)
        .send({ customerId: ids.customer, subject: 'mine', channel: 'phone', priority: 'NORMAL', agent: 'agent.wu' })
        .expect(201);
      const wu = await as(app, 'agent.wu', 'agent');
      await wu.get(`${API}/complaints/${mine.body.complaintId}`).expect(200);
      await wu.post(`${API}/complaints/${mine.body.complaintId}/respond`).send({ message: 'on it' }).expect(200);
      const before = await eventCount(app);
      const other = await wu.get(`${API}/complaints/${ids.complaint}`).expect(403);
      expect(other.body.detail).toContain('assigned to another agent');
      await wu.post(`${API}/complaints/${ids.complaint}/respond`).send({ message: 'not mine' }).expect(403);
      expect(await eventCount(app)).toBe(before);
      const list = await wu.get(`${API}/complaints?waitFor=${mine.body.position}`).expect(200);
      expect(list.body.items.map((c: { agent: string }) => c.agent)).toEqual(['agent.wu']);
      await wu.get(`${API}/complaints?agent=someone.else`).expect(403);
    });

    it('accounts and role changes are events in the account history, with who did them', async () => {
      await http(app).put(`${API}/accounts/${ids.account}/role`).send({ role: 'manager' }).expect(200);
      const history = await http(app).get(`${API}/accounts/${ids.account}/history`).expect(200);
      expect(history.body.items.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual(
        expect.arrayContaining([
          ['AccountCreated', 'test-admin'],
          ['AccountRoleChanged', 'test-admin'],
        ]),
      );
    });

    it.each([
      [{ username: 'Bad Name', password: TEST_PASSWORD, role: 'agent' }, 400],
      [{ username: 'short', password: 'short', role: 'agent' }, 400],
      [{ username: 'role', password: TEST_PASSWORD, role: 'root' }, 400],
      [{ username: 'target', password: TEST_PASSWORD, role: 'agent' }, 409],
      [{ username: '__proto__', password: TEST_PASSWORD, role: 'agent' }, 400],
    ])('account %j answers %i and writes nothing', async (body, status) => {
      const before = await eventCount(app);
      await http(app).post(`${API}/accounts`).send(body).expect(status);
      expect(await eventCount(app)).toBe(before);
    });

    it('the last admin can be neither demoted nor disabled', async () => {
      const list = await http(app).get(`${API}/accounts`).expect(200);
      const admins = list.body.items.filter((a: { role: string; disabled: boolean }) => a.role === 'admin' && !a.disabled);
      const me = admins.find((a: { username: string }) => a.username === 'test-admin');
      for (const admin of admins.filter((a: { username: string }) => a.username !== 'test-admin')) {
        await http(app).post(`${API}/accounts/${admin.accountId}/disable`).send({}).expect(200);
      }
      const demoted = await http(app).put(`${API}/accounts/${me.accountId}/role`).send({ role: 'agent' }).expect(422);
      expect(demoted.body.code).toBe('LastAdmin');
      const disabled = await http(app).post(`${API}/accounts/${me.accountId}/disable`).send({}).expect(422);
      expect(disabled.body.code).toBe('LastAdmin');
    });
  });
}

describe('rate limits', () => {
  const [database] = testDatabases();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp(database, { RATE_LIMIT_PER_MINUTE: '5', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => app?.close());

  it('answers 429 with Retry-After past the limit a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await http(app).get(`${API}/tier-rule-sets`)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const res = await http(app).get(`${API}/tier-rule-sets`).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.code).toBe('RateLimited');
  });

  it('is stricter on sign-in, per address', async () => {
    for (let i = 0; i < 2; i++) await anonymous(app).post(`${API}/auth/token`).send({ username: 'x', password: 'y' }).expect(401);
    await anonymous(app).post(`${API}/auth/token`).send({ username: 'x', password: 'y' }).expect(429);
  });
});
