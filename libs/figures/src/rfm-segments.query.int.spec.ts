// RFM segments by thresholds against the reference: every customer's facts
// aggregated from the dated rows and scored by the pure rfmScores. Dates in
// the history (facts after them: aggregated as of the date) and after it
// (the running totals), every segment's members.
import { SqlEventStore } from '@crm/event-store/adapters';
import { loadConfig } from '@crm/shared';
import type { SqlClient } from '@crm/database';
import { allProjectors } from '@crm/wiring';
import { testDatabases } from '../../../test/support/test-databases';
import { appendHistory } from '../../../test/support/history';
import { rebuildProjections } from '../../projections/src/rebuild';
import { rfmAsOf, RfmBase } from './rfm.query';
import { rfmSegments } from './rfm-segments.query';
import { RFM_SEGMENTS } from './analytics.service';

for (const database of testDatabases()) {
  describe(`RFM segments by thresholds on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      const store = new SqlEventStore(sql);
      await appendHistory(store, 400, 3);
      await rebuildProjections(store, sql, allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' })));
    });
    afterAll(async () => dispose?.());

    it('given a varied history, when segmented as of dates inside and after it, then counts, net spend and members equal scoring each customer', async () => {
      for (const asOf of ['2023-02-15', '2023-06-30', '2023-12-31', '2024-05-01', '2030-01-01']) {
        const reference = await rfmAsOf(sql, asOf);
        const got = await rfmSegments(sql, asOf);
        expect(got.customers).toBe(reference.length);
        for (const name of RFM_SEGMENTS) {
          const members = reference.filter((s) => s.segment === name);
          expect([name, got.segments.get(name) ?? { customers: 0, netSpendMinor: 0 }]).toEqual([
            name,
            { customers: members.length, netSpendMinor: members.reduce((s, m) => s + m.monetaryMinor, 0) },
          ]);
          const top = members.sort((a, b) => b.monetaryMinor - a.monetaryMinor || a.customerId.localeCompare(b.customerId)).slice(0, 7);
          expect((await rfmSegments(sql, asOf, name, 7)).members).toEqual(top);
        }
      }
    }, 120_000);

    it('given the same history, when one customer is scored by the kept thresholds, then the score is the one scoring every customer gives', async () => {
      const base = new RfmBase(sql);
      for (const asOf of ['2023-02-15', '2023-12-31', '2030-01-01']) {
        const reference = await rfmAsOf(sql, asOf);
        // Every fifth customer, the quintile edges' neighbours among them.
        for (const expected of reference.filter((_, i) => i % 5 === 0)) {
          expect(await base.scoreOf(expected.customerId, asOf)).toEqual({ score: expected, population: reference.length });
        }
      }
      expect(await base.scoreOf('00000000-0000-4000-8000-000000000000', '2030-01-01')).toEqual({ score: undefined, population: expect.any(Number) });
    }, 120_000);
  });
}
