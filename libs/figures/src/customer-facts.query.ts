// Every customer's dated facts (purchases, refunds) as of a date, read in
// keyset batches from the customer list read model's published tables: the
// source of what-if simulations, stickiness and exports.
import type { SqlClient } from '@crm/database';
import type { CustomerTierFacts, DatedAmount } from '@crm/tiers';

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * Every customer registered by `asOf` with their facts dated on or before it,
 * in keyset batches: the source of what-if simulations and exports.
 */
export async function scanCustomerFacts(sql: SqlClient, asOf: string, onBatch: (batch: CustomerTierFacts[]) => Promise<void> | void, batchSize = 2_000): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql.query<{ customer_id: string; customer_ref: string | null }>(
      `SELECT customer_id, customer_ref FROM rm_customers WHERE customer_id > $1 AND joined_on <= $2::date ORDER BY customer_id LIMIT ${batchSize}`,
      [after, asOf],
    );
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.customer_id);
    const last = ids[ids.length - 1];
    const facts = new Map<string, CustomerTierFacts>(rows.map((r) => [r.customer_id, { customerId: r.customer_id, customerRef: r.customer_ref, purchases: [], refunds: [] }]));
    const dated = await sql.query<{ customer_id: string; kind: string; occurred_on: string; amount_minor: string | number }>(
      `SELECT customer_id, 'p' AS kind, occurred_on::text AS occurred_on, amount_minor FROM rm_customer_purchases WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date
       UNION ALL
       SELECT customer_id, 'r', occurred_on::text, amount_minor FROM rm_customer_refunds WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date`,
      [after, last, asOf],
    );
    for (const d of dated) {
      const c = facts.get(d.customer_id);
      if (!c) continue;
      (d.kind === 'p' ? (c.purchases as DatedAmount[]) : (c.refunds as DatedAmount[])).push({ date: day(d.occurred_on), amountMinor: Number(d.amount_minor) });
    }
    await onBatch([...facts.values()]);
    if (rows.length < batchSize) return;
    after = last;
  }
}
