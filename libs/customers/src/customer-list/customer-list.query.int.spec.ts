// The lifecycle and tier filters of the list are SQL over the dated facts:
// for every status or tier, date, window and rule schedule they pick exactly
// the customers the pure functions give that answer (the unfiltered list's).
import { SqlEventStore } from '@crm/event-store';
import { LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { loadConfig } from '@crm/shared';
import { DEFAULT_RULE_SET, DEFAULT_SCHEDULE, RuleSchedule } from '@crm/tiers';
import type { SqlClient } from '@crm/database';
import { testDatabases } from '../../../../test/support/test-databases';
import { appendHistory } from '../../../../test/support/history';
import { allProjectors } from '../../../../apps/api/src/projectors';
import { rebuildProjections } from '../../../projections/src/rebuild';
import { CustomerListFilter, listCustomers } from './customer-list.query';

for (const database of testDatabases()) {
  describe(`the customer list's lifecycle and tier filters on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
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
      await rebuildProjections(store, sql, allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' })));
    });
    afterAll(async () => dispose?.());

    // Queries of the customers table: with an exact SQL filter, one per page.
    let customerQueries = 0;
    const counted = (): SqlClient => ({
      ...sql,
      query: (text: string, params?: unknown[]) => {
        if (text.includes('FROM rm_customers c')) customerQueries++;
        return sql.query(text, params);
      },
    });
    const all = async (filter: Partial<CustomerListFilter> & { asOf: string; windowMonths: number }) => {
      const items: Array<{ id: string; customerRef: string | null; lifecycle: string; tier: string | null }> = [];
      let cursor: string | undefined;
      do {
        const page = await listCustomers(counted(), { limit: 97, schedule: DEFAULT_SCHEDULE, ...filter, cursor }, 'CNY');
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

    const rolling: RuleSchedule = [
      {
        ruleSet: {
          id: 'rolling',
          name: 'rolling',
          tiers: [
            { code: 'NORMAL', threshold: '0' },
            { code: 'SILVER', threshold: '1000', minPurchases: 2 },
            { code: 'GOLD', threshold: '4000', minPurchases: 3 },
          ],
          basis: { kind: 'rollingMonths', months: 6 },
          refundsCount: false,
        },
        effectiveFrom: '',
      },
    ];
    const retention: RuleSchedule = [
      ...DEFAULT_SCHEDULE,
      { ruleSet: { ...DEFAULT_RULE_SET, id: 'kept', basis: { kind: 'rollingMonths', months: 3 }, downgrade: { retentionMonths: 4, stepwise: true } }, effectiveFrom: '2024-01-01' },
    ];

    it('given rule schedules exact and with kept tiers, each tier as of several dates lists exactly the customers of that tier', async () => {
      let seen = 0;
      for (const schedule of [DEFAULT_SCHEDULE, rolling, retention]) {
        for (const asOf of ['2023-06-30', '2024-02-29', '2024-03-01', '2024-08-31', '2025-03-01']) {
          const everyone = await all({ asOf, windowMonths: 6, schedule });
          const codes = [...new Set([...schedule.flatMap((e) => e.ruleSet.tiers.map((t) => t.code)), 'NONE'])];
          for (const tier of codes) {
            const expected = everyone.filter((c) => c.tier === tier).map((c) => c.id);
            customerQueries = 0;
            const got = await all({ asOf, windowMonths: 6, schedule, tier });
            expect(got.map((c) => c.id)).toEqual(expected);
            if (schedule !== retention) expect(customerQueries).toBe(Math.max(1, Math.ceil(expected.length / 97)));
            seen += expected.length;
          }
        }
      }
      expect(seen).toBeGreaterThan(2_000);
    }, 120_000);

    it('given a refund that takes the net spend just below a threshold, the customer is listed in the tier below', async () => {
      const senior = await all({ asOf: '2024-03-02', windowMonths: 6, tier: 'SENIOR' });
      const vip = await all({ asOf: '2024-03-02', windowMonths: 6, tier: 'VIP' });
      expect(senior.map((c) => c.customerRef)).toContain('edge');
      expect(vip.map((c) => c.customerRef)).not.toContain('edge');
      expect((await all({ asOf: '2024-02-29', windowMonths: 6, tier: 'VIP' })).map((c) => c.customerRef)).not.toContain('edge');
    });

    it('given a tier filter and a lifecycle filter together, the page holds customers of both', async () => {
      const both = await all({ asOf: '2024-08-31', windowMonths: 6, tier: 'SENIOR', lifecycle: 'SILENT' });
      const everyone = await all({ asOf: '2024-08-31', windowMonths: 6 });
      expect(both.map((c) => c.id)).toEqual(everyone.filter((c) => c.tier === 'SENIOR' && c.lifecycle === 'SILENT').map((c) => c.id));
    });
  });
}
