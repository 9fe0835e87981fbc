// Property: thousands of generated requests across the REST API, with and
// without valid credentials, never answer 5xx, and a refused request (4xx)
// never writes an event.
import fc from 'fast-check';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { anonymous, API, as, eventCount, http, purchaseBody, register } from './support/http';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 5000);

const segment = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', '00000000-0000-4000-8000-000000000000', 'default', '%00', '%ED%A0%80', '..', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const templates = [
  'customers',
  'customers/{c}',
  'customers/{c}/purchases',
  'customers/{c}/refunds',
  'customers/{c}/tags',
  'customers/{c}/tags/{s}',
  'customers/{c}/consent',
  'customers/{c}/contacts',
  'customers/{c}/timeline',
  'customers/{c}/tier',
  'customers/{c}/lifecycle',
  'customers/{c}/erasure',
  'customers/{c}/export',
  'customers/by-ref/{s}',
  'complaints',
  'complaints/{s}',
  'complaints/{s}/respond',
  'tier-rule-sets',
  'tier-rule-sets/{s}/activate',
  'tier-rule-sets/{s}/simulations',
  'accounts',
  'accounts/{s}/role',
  'api-keys',
  'api-keys/{s}',
  'auth/token',
  'metrics/stickiness',
  'segments/rfm',
];
const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.object({ maxDepth: 3, key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'name', 'amount', 'orderId', 'occurredAt')) }).map((o) => JSON.stringify(o)),
  fc.constant(JSON.stringify(purchaseBody('P-GEN', '1.00'))),
  fc.constant(JSON.stringify({ name: 'a\ud800b' })),
  fc.constant('{"a":'.repeat(100) + '1' + '}'.repeat(100)),
);

for (const database of testDatabases()) {
  describe(`generated requests on ${database.name}`, () => {
    let app: RunningApp;
    let customer = '';
    let agentToken = '';
    beforeAll(async () => {
      app = await startTestApp(database);
      customer = await register(app, { customerRef: 'GEN-1' });
      agentToken = await app.tokenFor('gen.agent', 'agent');
      void as;
    });
    afterAll(async () => app?.close());

    it(`${RUNS} requests: no 5xx, and no write from a refused one`, async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('get', 'post', 'put', 'patch', 'delete'),
          fc.constantFrom(...templates),
          segment,
          fc.boolean(),
          body,
          fc.constantFrom('none', 'admin', 'agent', 'garbage', 'expired-looking'),
          async (method, template, s, realCustomer, payload, auth) => {
            const path = `${API}/${template.replace('{c}', realCustomer ? customer : s).replace('{s}', s)}`;
            const before = await eventCount(app);
            let req = (auth === 'admin' ? http(app) : anonymous(app))[method](path).set('Content-Type', 'application/json');
            if (auth === 'agent') req = req.set('Authorization', `Bearer ${agentToken}`);
            if (auth === 'garbage') req = req.set('Authorization', 'Bearer not-a-token');
            if (auth === 'expired-looking') req = req.set('Authorization', `Bearer ${agentToken.slice(0, -4)}AAAA`);
            const res = method === 'get' || method === 'delete' ? await req : await req.send(payload);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            expect(res.status).toBeLessThan(500);
            if (res.status >= 400) expect(await eventCount(app)).toBe(before);
          },
        ),
        { numRuns: RUNS },
      );
      // Both sides were exercised: refusals and successes.
      expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
      expect(statuses.get(401) ?? 0).toBeGreaterThan(0);
    }, 600_000);
  });
}
