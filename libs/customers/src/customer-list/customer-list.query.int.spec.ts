// The lifecycle filter of the list is SQL over the dated purchases: for every
// status, date and window it picks exactly the customers the pure
// lifecycleAsOf gives that status (the unfiltered list's own answer).
import { SqlEventStore } from '@crm/event-store';
import { LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { loadConfig } from '@crm/shared';
import { DEFAULT_SCHEDULE } from '@crm/tiers';
import type { SqlClient } from '@crm/database';
import { testDatabases } from '../../../../test/support/test-databases';
import { appendHistory } from '../../../../test/support/history';
import { allProjectors } from '../../../../apps/api/src/projectors';
import { rebuildProjections } from '../../../projections/src/rebuild';
import { CustomerListFilter, listCustomers } from './customer-list.query';

for (const database of testDatabases()) {
  describe(`the customer list's lifecycle filter on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      const store = new SqlEventStore(sql);
      await appendHistory(store, 300, 5);
      await rebuildProjections(store, sql, allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' })));
    });
    afterAll(async () => dispose?.());

    const all = async (filter: Partial<CustomerListFilter> & { asOf: string; windowMonths: number }) => {
      const items: Array<{ id: string; lifecycle: string }> = [];
      let cursor: string | undefined;
      do {
        const page = await listCustomers(sql, { limit: 97, schedule: DEFAULT_SCHEDULE, ...filter, cursor }, 'CNY');
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
  });
}
