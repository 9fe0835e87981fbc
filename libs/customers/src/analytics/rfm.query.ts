// RFM facts of every customer with a purchase dated on or before D, straight
// from the customer read model, scored by the pure rfmScores.
import type { SqlClient } from '@crm/database';
import { RfmFacts, RfmScore, rfmScores } from '@crm/lifecycle';

export async function rfmAsOf(sql: SqlClient, asOf: string): Promise<RfmScore[]> {
  const rows = await sql.query<{ customer_id: string; last_on: string; f: string | number; m: string | number }>(
    `WITH p AS (SELECT customer_id, max(occurred_on) AS last_on, count(*) AS f, sum(amount_minor) AS s
                  FROM rm_customer_purchases WHERE occurred_on <= $1::date GROUP BY customer_id),
          r AS (SELECT customer_id, sum(amount_minor) AS s FROM rm_customer_refunds WHERE occurred_on <= $1::date GROUP BY customer_id)
     SELECT p.customer_id, p.last_on::text AS last_on, p.f, p.s - coalesce(r.s, 0) AS m
       FROM p LEFT JOIN r USING (customer_id) ORDER BY p.customer_id`,
    [asOf],
  );
  const facts: RfmFacts[] = rows.map((r) => ({
    customerId: r.customer_id,
    lastPurchaseDate: String(r.last_on).slice(0, 10),
    purchaseCount: Number(r.f),
    netSpendMinor: Number(r.m),
  }));
  return rfmScores(facts, asOf);
}
