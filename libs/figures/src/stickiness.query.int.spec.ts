// Stickiness's buyers, repeaters, sales by tier, region and category and
// retention rate (set-based SQL over the period's rows) against the same figures
// computed row by row in the test from the read models' rows, for several
// dates, windows and retention spans over a varied history.
import { randomUUID } from 'node:crypto';
import { SqlEventStore } from '@crm/event-store/adapters';
import { addDays, loadConfig, minusMonths } from '@crm/shared';
import type { SqlClient } from '@crm/database';
import { allProjectors } from '@crm/wiring';
import { testDatabases } from '../../../test/support/test-databases';
import { appendHistory } from '../../../test/support/history';
import { rebuildProjections } from '../../projections/src/rebuild';
import { stickiness } from './stickiness.query';

for (const database of testDatabases()) {
  describe(`stickiness figures on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      const store = new SqlEventStore(sql);
      await appendHistory(store, 400, 7);
      // Three purchases on one day and one the next: one purchase day retained, counted once.
      const customerId = randomUUID();
      const at = (iso: string) => ({ actor: 'seed', occurredAt: iso });
      // Item lines with and without a category, unit prices below a cent (in 1/10,000 of the minor unit).
      const items = (n: number) =>
        n % 2 === 0
          ? []
          : [
              { sku: 'A', category: '女装/连衣裙', quantity: n, unitPriceScaled: 123_456 },
              { sku: 'B', quantity: 3, unitPriceScaled: 5 },
              { sku: 'C', category: 'T-LIGHT & CANDLE', quantity: 1_000, unitPriceScaled: 10 * n },
            ];
      const buy = (n: number, iso: string) => ({
        id: randomUUID(),
        type: 'PurchaseRecorded',
        data: { customerId, orderId: `SAME-${n}`, amountMinor: 1_000 * n, currency: 'CNY', items: items(n) },
        metadata: at(iso),
      });
      await store.append(`customer-${customerId}`, [
        { id: randomUUID(), type: 'CustomerRegistered', data: { customerId, customerRef: 'same-day', profile: {} }, metadata: at('2023-05-01T00:00:00Z') },
        buy(1, '2023-06-01T02:00:00Z'),
        buy(2, '2023-06-01T03:00:00Z'),
        buy(3, '2023-06-01T04:00:00Z'),
        buy(4, '2023-06-02T04:00:00Z'),
      ]);
      await rebuildProjections(store, sql, allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' })));
    });
    afterAll(async () => dispose?.());

    /** The figures computed row by row from the period's purchases, the customers' regions and the tier periods. */
    async function byRows(from: string, asOf: string, retentionDays: number) {
      const purchases = await sql.query<{ customer_id: string; on: string; amount: string | number }>(
        'SELECT customer_id, occurred_on::text AS on, amount_minor AS amount FROM rm_customer_purchases WHERE occurred_on > $1::date AND occurred_on <= $2::date',
        [from, asOf],
      );
      const regions = new Map(
        (await sql.query<{ customer_id: string; province: string | null }>('SELECT customer_id, province FROM rm_customers')).map((r) => [
          r.customer_id,
          r.province ?? '(unknown)',
        ]),
      );
      const tiers = new Map(
        (await sql.query<{ customer_id: string; tier: string }>('SELECT customer_id, tier FROM rm_tier_periods WHERE valid_from <= $1::date AND valid_to > $1::date', [asOf])).map(
          (r) => [r.customer_id, r.tier],
        ),
      );
      const buyers = new Map<string, { n: number; spent: number; days: Set<string> }>();
      for (const p of purchases) {
        const b = buyers.get(p.customer_id) ?? { n: 0, spent: 0, days: new Set<string>() };
        b.n++;
        b.spent += Number(p.amount);
        b.days.add(p.on);
        buyers.set(p.customer_id, b);
      }
      const tally = (key: (id: string) => string) => {
        const out: Record<string, { customers: number; repeaters: number; sales: number }> = {};
        for (const [id, b] of buyers) {
          const t = (out[key(id)] ??= { customers: 0, repeaters: 0, sales: 0 });
          t.customers++;
          t.repeaters += b.n >= 2 ? 1 : 0;
          t.sales += b.spent;
        }
        return out;
      };
      let cohort = 0;
      let retained = 0;
      const last = addDays(asOf, -retentionDays);
      for (const b of buyers.values()) {
        const days = [...b.days].sort();
        days.forEach((d, i) => {
          if (d > last) return;
          cohort++;
          if (i + 1 < days.length && days[i + 1] <= addDays(d, retentionDays)) retained++;
        });
      }
      // Sales by category from the purchases' item JSON: lines in 1/10,000 of the minor unit, rounded once a category.
      const lines = await sql.query<{ amount: string | number; items: Array<{ category?: string; quantity: number; unitPriceScaled: number }> }>(
        'SELECT amount_minor AS amount, items FROM rm_customer_purchases WHERE occurred_on > $1::date AND occurred_on <= $2::date',
        [from, asOf],
      );
      const scaled = new Map<string, bigint>();
      const addTo = (category: string, value: bigint) => scaled.set(category, (scaled.get(category) ?? 0n) + value);
      for (const l of lines)
        if (l.items.length === 0) addTo('(no items)', BigInt(l.amount) * 10_000n);
        else for (const i of l.items) addTo(i.category ?? '(uncategorized)', BigInt(i.quantity) * BigInt(i.unitPriceScaled));
      const rounded = (v: bigint) => Number((v + 5_000n) / 10_000n);
      const byCategory = Object.fromEntries([...scaled].map(([k, v]) => [k, rounded(v)]));
      return { byTier: tally((id) => tiers.get(id) ?? 'NONE'), byRegion: tally((id) => regions.get(id) ?? '(unknown)'), cohort, retained, byCategory };
    }

    it('given a varied history, for dates, windows and retention spans, the figures are what counting row by row gives', async () => {
      let buyersSeen = 0;
      for (const asOf of ['2023-03-31', '2023-06-02', '2023-09-30', '2024-01-15', '2024-06-30']) {
        for (const windowMonths of [1, 3, 12]) {
          for (const retentionDays of [7, 30, 90]) {
            const from = minusMonths(asOf, windowMonths);
            const got = await stickiness(sql, { asOf, windowMonths, retentionDays, responseDays: 30, currency: 'CNY' });
            const expected = await byRows(from, asOf, retentionDays);
            const minor = (amount: string) => Math.round(Number(amount) * 100);
            const customers = Object.values(expected.byTier).reduce((n, t) => n + t.customers, 0);
            const repeaters = Object.values(expected.byTier).reduce((n, t) => n + t.repeaters, 0);
            expect([got.activeCustomers, got.repeatPurchaseRate.numerator]).toEqual([customers, repeaters]);
            expect(Object.fromEntries(got.composition.byTier.map((t) => [t.tier, { customers: t.customers, sales: minor(t.sales) }]))).toEqual(
              Object.fromEntries(Object.entries(expected.byTier).map(([k, v]) => [k, { customers: v.customers, sales: v.sales }])),
            );
            expect(Object.fromEntries(got.composition.byRegion.map((r) => [r.region, { customers: r.customers, sales: minor(r.sales) }]))).toEqual(
              Object.fromEntries(Object.entries(expected.byRegion).map(([k, v]) => [k, { customers: v.customers, sales: v.sales }])),
            );
            expect([got.retention.numerator, got.retention.denominator]).toEqual([expected.retained, expected.cohort]);
            expect(Object.fromEntries(got.composition.byCategory.map((c) => [c.category, minor(c.sales)]))).toEqual(expected.byCategory);
            buyersSeen += got.activeCustomers;
          }
        }
      }
      expect(buyersSeen).toBeGreaterThan(2_000);
    }, 120_000);
  });
}
