// Each purchase's sales per category: what migration 0025 fills from the
// purchases already projected (items as stored over the years: unit prices
// scaled, legacy unit prices in minor units, no items) is what the projector
// writes for a new purchase (categorySalesOf), to the 1/10,000 of a fen.
import { migrate, SqlClient } from '@crm/database';
import { allMigrations } from '@crm/wiring';
import { testDatabases } from '../../../../test/support/test-databases';
import { categorySalesOf } from './customer-list.projector';

for (const database of testDatabases()) {
  describe(`purchase categories on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it('given purchases projected before the table existed, when migration 0025 runs, then each holds what the projector would write', async () => {
      await sql.exec(`DROP TABLE rm_purchase_categories; DELETE FROM crm_schema_migrations WHERE id = '0025_purchase_categories';`);
      const purchases = [
        {
          order: 'P-1',
          amount: 129_900,
          items: [
            { sku: 'A', category: '女装/连衣裙', quantity: 2, unitPriceScaled: 599_500_000 },
            { sku: 'B', quantity: 1, unitPriceScaled: 1_000_000 },
          ],
        },
        { order: 'P-2', amount: 5, items: [{ sku: 'W', category: 'T-LIGHT & CANDLE', quantity: 100_000, unitPriceScaled: 99_999_990_000 }] },
        { order: 'P-3', amount: 4_200, items: [] },
        // Projected before unit prices were scaled: unitPriceMinor.
        { order: 'P-4', amount: 3_000, items: [{ sku: 'L', category: 'shoes', quantity: 3, unitPriceMinor: 1_000 }] },
      ];
      for (const p of purchases)
        await sql.query(
          `INSERT INTO rm_customer_purchases (customer_id, order_id, occurred_at, occurred_on, amount_minor, items) VALUES ('00000001-0000-4000-8000-000000000001', $1, now(), '2024-05-31', $2, $3::jsonb)`,
          [p.order, p.amount, JSON.stringify(p.items)],
        );
      await migrate(sql, allMigrations);
      const rows = await sql.query<{ order_id: string; category: string; scaled: string }>(
        'SELECT order_id, category, scaled::text AS scaled FROM rm_purchase_categories ORDER BY order_id, category',
      );
      const expected = purchases
        .flatMap((p) =>
          categorySalesOf(
            p.amount,
            p.items.map((i) => ({ ...i, unitPriceScaled: 'unitPriceScaled' in i ? i.unitPriceScaled : i.unitPriceMinor * 10_000 })),
          ).map((c) => ({ order_id: p.order, ...c })),
        )
        .sort((a, b) => (a.order_id + a.category < b.order_id + b.category ? -1 : 1));
      expect(rows.map((r) => ({ ...r, scaled: String(BigInt(r.scaled.replace(/\.0+$/, ''))) }))).toEqual(expected);
      // 100,000 x 99,999.99 in 1/10,000 of a fen is past 2^53: kept exactly.
      expect(rows.find((r) => r.order_id === 'P-2')?.scaled.replace(/\.0+$/, '')).toBe('9999999000000000');
    });
  });
}
