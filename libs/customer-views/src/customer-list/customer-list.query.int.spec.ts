// The list's filters against the pure rules: the lifecycle filter (SQL over
// the dated facts) and the tier filter (the tier read model) pick, for every
// status or tier, date, window and several rule sets activated over the
// history, exactly the customers the pure functions give that answer, and
// the single-customer tier read agrees.
import { SqlEventStore } from '@crm/event-store/adapters';
import { LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { loadConfig } from '@crm/shared';
import { DEFAULT_RULE_SET, loadRuleSchedule, RuleSchedule, tierOn, tierStandingOn, TierRuleSet, TIER_RULES_STREAM } from '@crm/tiers';
import type { SqlClient } from '@crm/database';
import { testDatabases } from '../../../../test/support/test-databases';
import { appendHistory } from '../../../../test/support/history';
import { allProjectors } from '@crm/wiring';
import { rebuildProjections } from '../../../projections/src/rebuild';
import { countCustomers, CustomerListFilter, listCustomers } from './customer-list.query';
import { loadCustomerHistories } from '@crm/customers';

for (const database of testDatabases()) {
  describe(`the customer list's lifecycle and tier filters on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    let schedule: RuleSchedule;
    let storeRef: SqlEventStore;
    const rolling: TierRuleSet = {
      id: 'rolling',
      name: 'rolling',
      tiers: [
        { code: 'NORMAL', threshold: '0' },
        { code: 'SILVER', threshold: '1000', minPurchases: 2 },
        { code: 'GOLD', threshold: '4000', minPurchases: 3 },
      ],
      basis: { kind: 'rollingMonths', months: 6 },
      refundsCount: false,
    };
    const kept: TierRuleSet = { ...DEFAULT_RULE_SET, id: 'kept', basis: { kind: 'rollingMonths', months: 3 }, downgrade: { retentionMonths: 4, stepwise: true } };
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      const store = new SqlEventStore(sql);
      await appendHistory(store, 300, 5);
      // 3,000.00 spent, then 0.50 refunded: just below VIP (the generated refunds are too small to cross a threshold).
      const id = (n: number) => `00000001-0000-4000-8000-00000000000${n}`;
      const at = { actor: 'seed', occurredAt: '2024-03-01T10:00:00.000Z' };
      const edge = (type: string, data: Record<string, unknown>, n: number) => ({ id: id(n), type, data: { customerId: id(0), ...data }, metadata: at });
      await store.append(`customer-${id(0)}`, [
        edge('CustomerRegistered', { customerRef: 'edge', profile: {} }, 1),
        edge('PurchaseRecorded', { orderId: 'edge-o', amountMinor: 300_000, currency: 'CNY', items: [] }, 2),
        edge('RefundRecorded', { refundId: 'edge-r', amountMinor: 50, currency: 'CNY' }, 3),
      ]);
      // Rule sets in force over the history: the default, a rolling basis with purchase counts, then kept tiers.
      const ruleSet = (n: number, r: TierRuleSet) => ({
        id: `00000002-0000-4000-8000-00000000000${n}`,
        type: 'TierRuleSetPublished',
        data: { ruleSet: r },
        metadata: { actor: 'seed' },
      });
      const activate = (n: number, ruleSetId: string, effectiveFrom: string) => ({
        id: `00000003-0000-4000-8000-00000000000${n}`,
        type: 'TierRuleSetActivated',
        data: { ruleSetId, effectiveFrom },
        metadata: { actor: 'seed' },
      });
      await store.append(TIER_RULES_STREAM, [ruleSet(1, rolling), ruleSet(2, kept), activate(1, 'rolling', '2023-09-01'), activate(2, 'kept', '2024-06-01')]);
      schedule = await loadRuleSchedule(store);
      await rebuildProjections(store, sql, allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' })));
      storeRef = store;
    });
    afterAll(async () => dispose?.());

    // Queries of the customers table: with an exact SQL filter, one per page.
    let customerQueries = 0;
    const counted = (): SqlClient => ({
      ...sql,
      query: (text: string, params?: unknown[]) => {
        if (/(FROM|JOIN) rm_customers c\b/.test(text)) customerQueries++;
        return sql.query(text, params);
      },
    });
    const all = async (filter: Partial<CustomerListFilter> & { asOf: string; windowMonths: number }) => {
      const items: Array<{ id: string; customerRef: string | null; lifecycle: string; tier: string | null; netSpend: string; lastPurchaseAt: string | null }> = [];
      let cursor: string | undefined;
      do {
        const page = await listCustomers(counted(), { limit: 97, ...filter, cursor }, 'CNY');
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };

    it('given a varied history, each status as of several dates and windows lists exactly the customers of that status', async () => {
      let seen = 0;
      for (const asOf of ['2024-02-29', '2024-05-31', '2024-08-31', '2025-03-01']) {
        for (const windowMonths of [3, 6, 12]) {
          const everyone = await all({ asOf, windowMonths });
          for (const status of LIFECYCLE_STATUSES) {
            const expected = everyone.filter((c) => c.lifecycle === status).map((c) => c.id);
            const got = await all({ asOf, windowMonths, lifecycle: status });
            expect(got.map((c) => c.id)).toEqual(expected);
            seen += expected.length;
          }
        }
      }
      expect(seen).toBeGreaterThan(1_000);
    }, 120_000);

    it('given rule sets activated over the history, each tier as of several dates lists exactly the customers the pure rule puts there, and a single read agrees', async () => {
      let seen = 0;
      for (const asOf of ['2023-06-30', '2023-09-01', '2024-02-29', '2024-06-01', '2024-08-31', '2025-03-01']) {
        const everyone = await all({ asOf, windowMonths: 6 });
        const histories = await loadCustomerHistories(
          storeRef,
          everyone.map((c) => c.id),
          'Asia/Shanghai',
        );
        const pure = new Map(everyone.map((c, i) => [c.id, tierOn(histories[i]?.facts ?? { purchases: [], refunds: [] }, schedule, asOf, 'CNY')]));
        expect(everyone.map((c) => [c.id, c.tier])).toEqual(everyone.map((c) => [c.id, pure.get(c.id)?.tier ?? null]));
        for (const c of everyone.slice(0, 25)) expect(await tierStandingOn(sql, c.id, asOf)).toMatchObject(pure.get(c.id) ?? {});
        const codes = [...new Set(schedule.flatMap((e) => e.ruleSet.tiers.map((t) => t.code)))];
        for (const tier of codes) {
          const expected = everyone.filter((c) => c.tier === tier).map((c) => c.id);
          customerQueries = 0;
          const got = await all({ asOf, windowMonths: 6, tier });
          expect(got.map((c) => c.id)).toEqual(expected);
          expect(customerQueries).toBe(Math.max(1, Math.ceil(expected.length / 97)));
          seen += expected.length;
        }
      }
      expect(seen).toBeGreaterThan(1_000);
    }, 120_000);

    it('given one purchase of 3,000.00 under a rule set that asks two purchases for SILVER, the customer is listed as NORMAL', async () => {
      expect((await all({ asOf: '2024-03-02', windowMonths: 6, tier: 'NORMAL' })).map((c) => c.customerRef)).toContain('edge');
      expect((await all({ asOf: '2024-03-02', windowMonths: 6, tier: 'SILVER' })).map((c) => c.customerRef)).not.toContain('edge');
    });

    it('given a tier filter and a lifecycle filter together, the page holds customers of both', async () => {
      const both = await all({ asOf: '2024-08-31', windowMonths: 6, tier: 'SENIOR', lifecycle: 'SILENT' });
      const everyone = await all({ asOf: '2024-08-31', windowMonths: 6 });
      expect(both.map((c) => c.id)).toEqual(everyone.filter((c) => c.tier === 'SENIOR' && c.lifecycle === 'SILENT').map((c) => c.id));
    });

    // The key each sort orders by, from what the list answers (last purchase: its shop day in Asia/Shanghai).
    const minor = (amount: string) => Math.round(Number(amount) * 100);
    const shopDay = (at: string | null) => (at === null ? '0001-01-01' : new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10));
    const keyOf: Record<string, (c: { customerRef: string | null; netSpend: string; lastPurchaseAt: string | null }) => string | number> = {
      ref: (c) => c.customerRef ?? '',
      netSpend: (c) => minor(c.netSpend),
      lastPurchase: (c) => shopDay(c.lastPurchaseAt),
    };

    it('given a varied history, each sort pages through the same customers in its order (key, then id), as of dates inside and after the history', async () => {
      for (const asOf of ['2024-05-31', '2026-01-01']) {
        const everyone = await all({ asOf, windowMonths: 3 });
        for (const sort of ['ref', '-ref', 'netSpend', '-netSpend', 'lastPurchase', '-lastPurchase'] as const) {
          const key = keyOf[sort.replace('-', '')];
          const direction = sort.startsWith('-') ? -1 : 1;
          const expected = [...everyone].sort((a, b) => direction * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1)).map((c) => c.id);
          expect((await all({ asOf, windowMonths: 3, sort })).map((c) => c.id)).toEqual(expected);
        }
        // With a filter the sort orders what the filter keeps.
        const silent = everyone.filter((c) => c.lifecycle === 'SILENT').sort((a, b) => minor(b.netSpend) - minor(a.netSpend) || (a.id < b.id ? 1 : -1));
        expect((await all({ asOf, windowMonths: 3, lifecycle: 'SILENT', sort: '-netSpend' })).map((c) => c.id)).toEqual(silent.map((c) => c.id));
      }
    }, 120_000);

    it('given a cursor of one sort, another sort or the id order refuses it', async () => {
      const page = await listCustomers(sql, { asOf: '2025-03-01', windowMonths: 3, limit: 5, sort: 'netSpend' }, 'CNY');
      const cursor = page.nextCursor ?? '';
      await expect(listCustomers(sql, { asOf: '2025-03-01', windowMonths: 3, limit: 5, sort: '-netSpend', cursor }, 'CNY')).rejects.toMatchObject({ code: 'InvalidCursor' });
      await expect(listCustomers(sql, { asOf: '2025-03-01', windowMonths: 3, limit: 5, cursor }, 'CNY')).rejects.toMatchObject({ code: 'InvalidCursor' });
      const idCursor = (await listCustomers(sql, { asOf: '2025-03-01', windowMonths: 3, limit: 5 }, 'CNY')).nextCursor ?? '';
      await expect(listCustomers(sql, { asOf: '2025-03-01', windowMonths: 3, limit: 5, sort: 'ref', cursor: idCursor }, 'CNY')).rejects.toMatchObject({ code: 'InvalidCursor' });
      // Hand-made cursors: a key no store can bind, a key of the wrong type, not JSON, an object.
      const made = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
      const id = '00000001-0000-4000-8000-000000000000';
      for (const [sort, cursor] of [
        ['ref', made(['ref', 'a\u0000b', id])],
        ['ref', made(['ref', '\ud800', id])],
        ['netSpend', made(['netSpend', '1e400', id])],
        ['lastPurchase', made(['lastPurchase', '9999-99-99', id])],
        ['lastPurchase', made(['lastPurchase', '2025-02-30', id])],
        ['netSpend', made(['netSpend', '99999999999999999999', id])],
        ['ref', made('{"__proto__":1}')],
        ['ref', made('[[[[')],
      ] as const)
        await expect(listCustomers(sql, { asOf: '2025-03-01', windowMonths: 3, limit: 5, sort, cursor }, 'CNY')).rejects.toMatchObject({ code: 'InvalidCursor' });
    });

    it('given filters, the count is the number of customers on every page', async () => {
      for (const filter of [{}, { lifecycle: 'SLEEPING' as const }, { tier: 'SENIOR' }, { tier: 'VIP', lifecycle: 'OLD_REPEAT' as const }, { name: 'no such name' }]) {
        const whole = { asOf: '2024-08-31', windowMonths: 6, ...filter };
        expect(await countCustomers(sql, whole)).toBe((await all(whole)).length);
      }
    });
  });
}
