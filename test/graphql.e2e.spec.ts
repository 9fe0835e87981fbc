// GraphQL over HTTP against the real app: the graphql-http server audits
// (GraphQL-over-HTTP conformance), authentication, queries mirroring REST,
// mutations with idempotency keys and expected versions, and typed errors.
import { auditServer } from 'graphql-http';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { INestApplication } from '@nestjs/common';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, eventCount, http, purchaseBody, register } from './support/http';
import { SQL_CLIENT, SqlClient } from '../libs/database/src';
import * as fs from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, SCHEMA_FILE, TYPES_FILE, typesOf } from '../scripts/graphql-contract';

interface GqlAnswer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field in each test
  data?: Record<string, any>;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0);
  const { port } = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}/graphql`;
}

for (const database of testDatabases()) {
  describe(`GraphQL on ${database.name}`, () => {
    let app: RunningApp;
    let url = '';
    const gql = async (query: string, variables: Record<string, unknown> = {}, token: string | null = app.token) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GqlAnswer };
    };
    beforeAll(async () => {
      app = await startTestApp(database);
      url = await listen(app.app);
    });
    afterAll(async () => app?.close());

    it('passes every MUST of the GraphQL-over-HTTP server audits', async () => {
      const results = await auditServer({ url });
      const failedMust = results.filter((r) => r.status === 'error');
      expect(failedMust.map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
      // The SHOULDs too (docs/architecture.md lists them): all of them pass today.
      expect(results.filter((r) => r.status === 'warn').map((r) => r.name)).toEqual([]);
    });

    it('answers the typed fields (profile, consent, region, basis rule, tier changes, lifecycle moves, RFM) beside the deprecated JSON ones', async () => {
      const id = await register(app, { customerRef: 'G-TYPED', name: '林小姐', region: { province: '浙江', city: '杭州' } });
      await http(app).put(`${API}/customers/${id}/consent`).send({ sms: true }).expect(200);
      const bought = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody('G-TYPED-1', '600.00', { occurredAt: '2024-05-31T10:00:00+08:00' }))
        .expect(201);
      const { body } = await gql(
        `query ($id: ID!, $waitFor: Float) { customer(id: $id, waitFor: $waitFor) {
           details { name region { province city } } consents { sms email } location { city }
           tier(asOf: "2024-06-01") { tier basisRule { kind months } }
           tierChanges(asOf: "2024-12-31") { date from to direction ruleSetId basis cause { kind type position } }
           lifecycle(asOf: "2024-12-31") { changes { date from to direction cause } }
           rfmScore(asOf: "2024-06-01") { scored score r f m monetary population } } }`,
        { id, waitFor: bought.body.position },
      );
      expect(body.errors).toBeUndefined();
      const c = body.data?.customer;
      expect(c.details).toEqual({ name: '林小姐', region: { province: '浙江', city: '杭州' } });
      expect(c.consents).toMatchObject({ sms: true });
      expect(c.location).toEqual({ city: '杭州' });
      expect(c.tier).toEqual({ tier: 'SENIOR', basisRule: { kind: 'lifetime', months: null } });
      expect(c.tierChanges).toEqual([
        {
          date: '2024-05-31',
          from: null,
          to: 'SENIOR',
          direction: 'up',
          ruleSetId: 'default',
          basis: '600.00',
          cause: { kind: 'event', type: 'PurchaseRecorded', position: bought.body.position },
        },
      ]);
      expect(c.lifecycle.changes.map((m: { to: string }) => m.to)).toEqual(['NEW_ONCE', 'SILENT', 'SLEEPING']);
      expect(c.rfmScore).toMatchObject({ scored: true, monetary: '600.00', population: expect.any(Number) });
      const introspected = await gql(`{ __type(name: "Customer") { fields(includeDeprecated: true) { name isDeprecated } } }`);
      const deprecated = introspected.body.data?.__type.fields.filter((f: { isDeprecated: boolean }) => f.isDeprecated).map((f: { name: string }) => f.name);
      expect(deprecated.sort()).toEqual(['consent', 'profile', 'region', 'rfm', 'tierHistory']);
    });

    it('serves GraphiQL from the package: the page loads no script from another origin (it works offline)', async () => {
      const page = await http(app).get('/graphql').set('Accept', 'text/html').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('GraphiQL');
      expect(page.text).not.toMatch(/<script[^>]+src=["']https?:/i);
      expect(page.text).not.toMatch(/<link[^>]+href=["']https?:/i);
      expect(page.text).not.toContain('unpkg.com');
    });

    it('serves the schema committed in docs/graphql/schema.graphql (the console types are generated from it)', async () => {
      const served = printSchema(lexicographicSortSchema(app.app.get(GraphQLSchemaHost).schema));
      expect(`${served}\n`).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
      expect(typesOf(await buildSchema())).toBe(fs.readFileSync(TYPES_FILE, 'utf8'));
    });

    it('answers the figures, service figures, rule sets, a simulation and who is asking as typed objects', async () => {
      const { body } = await gql(`{
        stickinessMetrics(asOf: "2024-06-30") { asOf period { after through } repeatPurchaseRate { numerator denominator rate } activeArpu
          retention { withinDays rate } wakeUp { status rate } composition { byTier { tier customers sales } byRegion { region sales } byCategory { category sales } } }
        rfmSegmentFigures(asOf: "2024-06-30", segment: "CHAMPIONS", limit: 3) { customers segments { segment customers netSpend } members { customerId r f m monetary } }
        careDueList(asOf: "2024-06-30", limit: 5) { asOf greetings { customerId orderId dueOn overdue } birthdays { customerId birthday overdue } }
        serviceFigures(from: "2024-01-01", to: "2030-12-31") { from overall { complaints firstResponseSeconds { mean median } reopenRate { rate } satisfaction { rated mean } } byPriority { priority complaints } }
        ruleSets { version inForce schedule { ruleSetId effectiveFrom } items { id status tiers { code threshold } basis { kind months } activations { effectiveFrom } } }
        ruleSetSimulation(ruleSetId: "default", asOf: "2024-06-30") { customers unchanged matrix { from to customers } movers { customerId basis basisBefore } moversTotal }
        whoAmI { kind username role operations actor shop { timezone currency today } }
      }`);
      expect(body.errors).toBeUndefined();
      const d = body.data ?? {};
      expect(d.stickinessMetrics.period.through).toBe('2024-06-30');
      expect(d.rfmSegmentFigures.segments.map((x: { segment: string }) => x.segment)).toContain('CHAMPIONS');
      expect(d.careDueList.asOf).toBe('2024-06-30');
      expect(d.serviceFigures.overall.complaints).toEqual(expect.any(Number));
      expect(d.ruleSets.items.map((r: { id: string }) => r.id)).toContain('default');
      expect(d.ruleSetSimulation.unchanged).toBe(d.ruleSetSimulation.customers);
      expect(d.ruleSetSimulation.matrix.every((c: { from: string; to: string }) => c.from === c.to)).toBe(true);
      expect(d.whoAmI).toMatchObject({ kind: 'account', role: 'admin', shop: { currency: 'CNY' } });
    });

    it('answers a customer with their tier and lifecycle, named as in REST', async () => {
      const id = await register(app, { customerRef: 'G-1' });
      const bought = await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('G-O1', '600.00')).expect(201);
      const { body } = await gql(
        `query ($id: ID!, $waitFor: Float) { customer(id: $id, waitFor: $waitFor) { id customerRef netSpend purchaseCount
           tier(asOf: "2024-06-01") { tier basis reason ruleSetId } lifecycle(asOf: "2024-06-01") { lifecycle moves } } }`,
        { id, waitFor: bought.body.position },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.customer).toMatchObject({
        id,
        customerRef: 'G-1',
        netSpend: '600.00',
        purchaseCount: 1,
        tier: { tier: 'SENIOR', basis: '600.00' },
        lifecycle: { lifecycle: 'NEW_ONCE' },
      });
    });

    it('records a purchase with an idempotency key: a retry records nothing again', async () => {
      const id = await register(app);
      const mutation = `mutation ($id: ID!, $input: RecordPurchaseInput!) { recordPurchase(customerId: $id, input: $input, idempotencyKey: "gk-1") { id version position unchanged eventIds } }`;
      const input = { ...purchaseBody('G-O2', '12.50'), items: [{ sku: 'A', category: 'T-LIGHT & CANDLE', quantity: 1000, unitPrice: '0.001' }] };
      const first = await gql(mutation, { id, input });
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data?.recordPurchase).toMatchObject({ id, version: 2, unchanged: false });
      const again = await gql(mutation, { id, input });
      expect(again.body.data?.recordPurchase).toMatchObject({ unchanged: true, eventIds: first.body.data?.recordPurchase.eventIds });
    });

    it('pages the timeline as a connection, and answers the service history with the matrix applied', async () => {
      const id = await register(app, { name: 'Timeline Lin' });
      await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('G-T1', '10.00')).expect(201);
      const opened = await gql(`mutation ($input: OpenComplaintInput!) { openComplaint(input: $input, idempotencyKey: "gc-1") { id position } }`, {
        input: { customerId: id, subject: 'late', channel: 'phone', priority: 'NORMAL', agent: 'agent.gql' },
      });
      expect(opened.body.errors).toBeUndefined();
      const complaintId = opened.body.data?.openComplaint.id;
      const waitFor = opened.body.data?.openComplaint.position;
      const page = await gql(
        `query ($id: ID!, $waitFor: Float) { customer(id: $id, waitFor: $waitFor) { timeline(first: 2, derived: false) { edges { cursor node { type actor data } } pageInfo { hasNextPage endCursor } } complaints { id agent } } }`,
        { id, waitFor },
      );
      expect(page.body.errors).toBeUndefined();
      const timeline = page.body.data?.customer.timeline;
      expect(timeline.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(['PurchaseRecorded', 'CustomerRegistered']);
      expect(timeline.edges[1].node).toMatchObject({ actor: 'test-admin', data: { profile: { name: 'Timeline Lin' } } });
      expect(timeline.pageInfo.hasNextPage).toBe(true);
      const rest = await gql(`query ($id: ID!, $after: String) { customer(id: $id) { timeline(after: $after, derived: false) { edges { node { type } } } } }`, {
        id,
        after: timeline.pageInfo.endCursor,
      });
      expect(rest.body.data?.customer.timeline.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(['ComplaintOpened']);
      const opens = await gql(`query ($id: ID!) { customer(id: $id) { timeline(types: ["ComplaintOpened", "RefundRecorded"]) { edges { node { type } } } } }`, { id });
      expect(opens.body.data?.customer.timeline.edges).toEqual([{ node: { type: 'ComplaintOpened' } }]);
      const unknownType = await gql(`query ($id: ID!) { customer(id: $id) { timeline(types: ["Nope"]) { edges { node { type } } } } }`, { id });
      expect(unknownType.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const types = await gql(`{ timelineEntryTypes }`);
      expect(types.body.data?.timelineEntryTypes).toEqual(expect.arrayContaining(['CustomerRegistered', 'ComplaintRated', 'TierChanged', 'LifecycleChanged']));
      expect(page.body.data?.customer.complaints).toEqual([{ id: complaintId, agent: 'agent.gql' }]);

      const other = await app.tokenFor('agent.other', 'agent');
      const refused = await gql(`query ($id: ID!) { complaint(id: $id) { id } }`, { id: complaintId }, other);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const own = await gql(`query ($id: ID!) { complaint(id: $id) { id agent priority } }`, { id: complaintId }, await app.tokenFor('agent.gql', 'agent'));
      expect(own.body.data?.complaint).toEqual({ id: complaintId, agent: 'agent.gql', priority: 'NORMAL' });
    });

    it('publishes, simulates and activates tier rule sets; an agent may not', async () => {
      const rules = {
        id: 'gql-rules',
        name: 'GraphQL rules',
        tiers: [
          { code: 'NORMAL', threshold: '0' },
          { code: 'SENIOR', threshold: '100' },
        ],
      };
      const published = await gql(`mutation ($input: JSON!) { publishTierRuleSet(input: $input) { id unchanged } }`, { input: rules });
      expect(published.body.data?.publishTierRuleSet).toEqual({ id: 'gql-rules', unchanged: false });
      const bad = await gql(`mutation ($input: JSON!) { publishTierRuleSet(input: $input) { id } }`, { input: { ...rules, id: 'x', extra: 1 } });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const simulation = await gql(`{ simulation(ruleSetId: "gql-rules", asOf: "2024-12-31", waitFor: 1) }`);
      expect(simulation.body.data?.simulation).toMatchObject({ ruleSetId: 'gql-rules', matrix: expect.any(Object) });
      const agent = await gql(`{ simulation(ruleSetId: "gql-rules") }`, {}, await app.tokenFor('agent.sim', 'agent'));
      expect(agent.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const me = await gql(`{ me }`);
      expect(me.body.data?.me).toMatchObject({ username: 'test-admin', role: 'admin' });
    });

    it('a list in a 6-month window answers the nested lifecycle in its own default window unless asked', async () => {
      const id = await register(app, { customerRef: 'G-WIN' });
      const bought = await http(app)
        .post(`${API}/customers/${id}/purchases`)
        .send(purchaseBody('G-W1', '10.00', { occurredAt: '2024-01-10T10:00:00Z' }))
        .expect(201);
      const { body } = await gql(
        `query ($w: Float) { customers(asOf: "2024-05-01", window: 6, first: 500, waitFor: $w) { edges { node { id lifecycle { lifecycle windowMonths } six: lifecycle(window: 6) { lifecycle } } } } }`,
        { w: bought.body.position },
      );
      const node = body.data?.customers.edges.find((e: { node: { id: string } }) => e.node.id === id).node;
      expect(node).toMatchObject({ lifecycle: { lifecycle: 'SILENT', windowMonths: 3 }, six: { lifecycle: 'NEW_ONCE' } });
    });

    it('pushes timeline entries written through REST, and after a reconnect each missed one exactly once', async () => {
      const registered = await http(app).post(`${API}/customers`).send({ customerRef: 'G-SUB', name: 'Sub' }).expect(201);
      const id = registered.body.customerId as string;
      const wsUrl = url.replace('http', 'ws');
      const got: Array<{ cursor: string; node: { type: string; derived: boolean; data: Record<string, unknown> } }> = [];
      const subscribe = (client: Client, after?: string) =>
        client.subscribe(
          { query: `subscription ($id: ID!, $after: String) { customerTimeline(customerId: $id, after: $after) { cursor node { type derived data } } }`, variables: { id, after } },
          { next: (m) => got.push((m.data as { customerTimeline: (typeof got)[number] }).customerTimeline), error: () => undefined, complete: () => undefined },
        );
      const until = async (n: number) => {
        for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 25));
        expect(got.length).toBeGreaterThanOrEqual(n);
      };
      const connect = () => createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${app.token}` }, retryAttempts: 0 });

      const first = connect();
      // From the registration on: a cursor makes the start independent of when the subscription is set up.
      subscribe(first, String(registered.body.position));
      await new Promise((r) => setTimeout(r, 300));
      await http(app).post(`${API}/customers/${id}/purchases`).send(purchaseBody('G-S1', '600.00')).expect(201);
      await until(3);
      // The purchase, and what it caused right away (changes caused by time alone are not pushed).
      expect(got.map((e) => [e.node.type, e.node.derived])).toEqual([
        ['PurchaseRecorded', false],
        ['TierChanged', true],
        ['LifecycleChanged', true],
      ]);
      await first.dispose(); // a forced disconnect
      const last = got[got.length - 1].cursor;

      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'while-away' }).expect(201);
      await http(app).post(`${API}/customers/${id}/contacts`).send({ kind: 'care', channel: 'phone', occurredAt: '2024-06-01T10:00:00+08:00' }).expect(201);
      const second = connect();
      subscribe(second, last);
      await until(5);
      await new Promise((r) => setTimeout(r, 300));
      expect(got.slice(3).map((e) => e.node.type)).toEqual(['CustomerTagged', 'ContactLogged']);
      await http(app).post(`${API}/customers/${id}/tags`).send({ tag: 'live' }).expect(201);
      await until(6);
      expect(got.slice(5).map((e) => e.node.data.tag)).toEqual(['live']);
      await second.dispose();
    });

    it('a subscription without credentials is refused', async () => {
      const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      const errors = await new Promise<unknown[]>((resolve) =>
        client.subscribe(
          { query: `subscription { customerTimeline(customerId: "00000000-0000-4000-8000-000000000000") { cursor } }` },
          { next: (m) => resolve(m.errors ? [...m.errors] : []), error: (e) => resolve(Array.isArray(e) ? e : [e]), complete: () => resolve([]) },
        ),
      );
      await client.dispose();
      expect(JSON.stringify(errors)).toContain('UNAUTHENTICATED');
    });

    it('a page of 100 customers with tier, lifecycle and their last 5 timeline entries costs a bounded number of SQL queries', async () => {
      const tag = 'page-of-100';
      for (let i = 0; i < 100; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const id = await register(app, { name: `Page ${i + j}` });
            await http(app)
              .post(`${API}/customers/${id}/purchases`)
              .send(purchaseBody(`PAGE-${i + j}`, `${(i + j) * 10}.00`))
              .expect(201);
            await http(app).post(`${API}/customers/${id}/tags`).send({ tag }).expect(201);
          }),
        );
      }
      const last = await http(app).post(`${API}/customers`).send({ name: 'last one' }).expect(201);
      const sql = app.app.get<SqlClient>(SQL_CLIENT);
      const query = `query ($first: Int, $waitFor: Float) { customers(tag: "${tag}", first: $first, waitFor: $waitFor) { edges { node { id
          tier { tier basis } lifecycle { lifecycle } timeline(last: 5) { edges { node { type actor } } } } } } }`;
      const count = async (first: number) => {
        const original = sql.query.bind(sql);
        let n = 0;
        // The projections' idle polls of the log (every 100 ms, in the same process) are not the page's cost.
        sql.query = ((...args: Parameters<SqlClient['query']>) => (String(args[0]).includes('pg_snapshot_xmin') || n++, original(...args))) as SqlClient['query'];
        try {
          const res = await gql(query, { first, waitFor: last.body.position });
          expect(res.body.errors).toBeUndefined();
          expect(res.body.data?.customers.edges).toHaveLength(first);
          const node = res.body.data?.customers.edges[0].node;
          expect(node.timeline.edges.length).toBeGreaterThan(0);
          expect(node.tier.tier).toEqual(expect.any(String));
          return n;
        } finally {
          sql.query = original;
        }
      };
      // The projections' own polls may land in a measurement (often, on a loaded CI machine): the fewest of five runs is what the page costs.
      const fewest = async (first: number) => {
        let least = Infinity;
        for (let run = 0; run < 5; run++) least = Math.min(least, await count(first));
        return least;
      };
      const ten = await fewest(10);
      const hundred = await fewest(100);
      expect(hundred).toBeLessThanOrEqual(15);
      // What a page costs does not grow with its size.
      expect(hundred - ten).toBeLessThanOrEqual(2);
    });

    it.each([
      ['no credentials', `{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, null, 'UNAUTHENTICATED'],
      ['an unknown customer', `{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, undefined, 'NOT_FOUND'],
      ['a malformed id', `{ customer(id: "__proto__") { id } }`, {}, undefined, 'BAD_USER_INPUT'],
      ['a bad date', `{ customer(id: "00000000-0000-4000-8000-000000000000", asOf: "9999-99-99") { id } }`, {}, undefined, 'BAD_USER_INPUT'],
      [
        'a lone surrogate in a name',
        `mutation ($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
        { input: { name: 'a\ud800b' } },
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'a null where a value belongs',
        `mutation ($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
        { input: { name: null } },
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'a business rule',
        `mutation { recordRefund(customerId: "00000000-0000-4000-8000-000000000000", input: { refundId: "R", occurredAt: "2024-01-01T00:00:00Z", amount: "1.00", currency: "CNY" }) { id } }`,
        {},
        undefined,
        'NOT_FOUND',
      ],
    ])('%s: a typed error, never an internal one', async (_, query, variables, token, code) => {
      const { body } = await gql(query, variables, token === null ? null : app.token);
      expect(body.errors?.[0]?.extensions?.code).toBe(code);
    });

    it('answers each error class with its code, and a refused mutation writes nothing', async () => {
      const id = await register(app);
      const purchase = `mutation ($id: ID!, $input: RecordPurchaseInput!, $v: Int) { recordPurchase(customerId: $id, input: $input, expectedVersion: $v) { version } }`;
      expect((await gql(purchase, { id, input: purchaseBody('G-E1', '10.00') })).body.errors).toBeUndefined();
      const before = await eventCount(app);
      const cases: Array<[string, Record<string, unknown>, string, string]> = [
        ['the same order with another amount', { id, input: purchaseBody('G-E1', '11.00') }, 'CONFLICT', 'OrderIdInUse'],
        ['a stale expected version', { id, input: purchaseBody('G-E2', '1.00'), v: 1 }, 'PRECONDITION_FAILED', 'StaleVersion'],
        ['a currency without its base amount', { id, input: purchaseBody('G-E3', '1.00', { currency: 'USD' }) }, 'BUSINESS_RULE', 'BaseAmountRequired'],
      ];
      for (const [, variables, code, reason] of cases) {
        const { body } = await gql(purchase, variables);
        expect(body.errors?.[0]?.extensions).toMatchObject({ code, reason });
      }
      expect(await eventCount(app)).toBe(before);
    });

    const hostile: Array<[string, string]> = [
      ['a body nested 5,000 objects deep', `{"query":"{ __typename }","variables":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
      ['a lone surrogate in a variable', `{"query":"mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }","variables":{"i":{"name":"a\\ud800b"}}}`],
      ['U+0000 in a variable', `{"query":"mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }","variables":{"i":{"name":"a\\u0000b"}}}`],
      [
        '__proto__ as a variable key',
        `{"query":"mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }","variables":{"i":{"__proto__":{"x":1},"name":"a"}}}`,
      ],
      ['constructor as an input field', `{"query":"mutation { registerCustomer(input: { constructor: \\"x\\" }) { id } }"}`],
      [
        'a date in year 9999',
        `{"query":"mutation ($id: ID!) { recordPurchase(customerId: $id, input: { orderId: \\"Y\\", occurredAt: \\"9999-12-31T00:00:00Z\\", amount: \\"1.00\\", currency: \\"CNY\\" }) { id } }","variables":{"id":"00000000-0000-4000-8000-000000000000"}}`,
      ],
      ['null for the input', `{"query":"mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }","variables":{"i":null}}`],
      ['an array where an object belongs', `{"query":"mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }","variables":{"i":[{"name":"a"}]}}`],
      ['a body that is not an object', `[1,2,3]`],
      [
        'a wholesale price with too many decimals',
        `{"query":"mutation ($id: ID!) { recordPurchase(customerId: $id, input: { orderId: \\"W\\", occurredAt: \\"2024-01-01T00:00:00Z\\", amount: \\"1.00\\", currency: \\"CNY\\", items: [{ sku: \\"A\\", quantity: 1, unitPrice: \\"0.0000001\\" }] }) { id } }","variables":{"id":"00000000-0000-4000-8000-000000000000"}}`,
      ],
    ];
    it.each(hostile)('%s: a GraphQL error, never an internal one, nothing written', async (_, raw) => {
      const before = await eventCount(app);
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` }, body: raw });
      expect(res.status).toBeLessThan(500);
      const body = (await res.json()) as GqlAnswer;
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(body.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(await eventCount(app)).toBe(before);
    });

    it('refuses a query nested too deep, or with too many aliases', async () => {
      const deep = `{ customer(id: "00000000-0000-4000-8000-000000000000") { ${'tier { tier } '.repeat(1)} } __typename ${'a: __typename '.repeat(1)} }`;
      expect((await gql(deep)).body.errors?.[0]?.extensions?.code ?? 'ok').not.toBe('INTERNAL_SERVER_ERROR');
      const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
      const res = await gql(aliases);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TooManyAliases' });
    });
  });
}
