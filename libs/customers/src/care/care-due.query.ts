// Care work that is due: the post-purchase greeting (DOMAIN.md: within 2 days
// of a purchase; a care message, not marketing). A purchase is greeted by any
// care contact logged at or after it; the earliest ungreeted purchase of a
// customer names the customer once.
import { SqlClient } from '@crm/database';
import { addDays } from '@crm/shared';

/** Days after the purchase date the greeting is due by. */
export const GREETING_DUE_DAYS = 2;
/** Purchases further back are past greeting: they leave the list. */
export const GREETING_LOOKBACK_DAYS = 14;

export interface GreetingDue {
  customerId: string;
  customerRef: string | null;
  name: string | null;
  orderId: string;
  purchasedAt: string;
  dueOn: string;
  overdue: boolean;
}

export async function greetingsDue(sql: SqlClient, asOf: string, limit: number): Promise<GreetingDue[]> {
  const rows = await sql.query<{ customer_id: string; customer_ref: string | null; name: string | null; order_id: string; occurred_at: unknown; occurred_on: unknown }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (p.customer_id) p.customer_id, c.customer_ref, c.name, p.order_id, p.occurred_at, p.occurred_on::text AS occurred_on
         FROM rm_customer_purchases p JOIN rm_customers c ON c.customer_id = p.customer_id
        WHERE p.occurred_on > $1::date - $2::int AND p.occurred_on <= $1::date
          AND NOT EXISTS (SELECT 1 FROM rm_customer_contacts k WHERE k.customer_id = p.customer_id AND k.kind = 'care' AND k.occurred_at >= p.occurred_at)
        ORDER BY p.customer_id, p.occurred_at) due
     ORDER BY occurred_at, customer_id LIMIT $3`,
    [asOf, GREETING_LOOKBACK_DAYS, limit],
  );
  return rows.map((r) => {
    const dueOn = addDays(String(r.occurred_on), GREETING_DUE_DAYS);
    return {
      customerId: r.customer_id,
      customerRef: r.customer_ref,
      name: r.name,
      orderId: r.order_id,
      purchasedAt: new Date(r.occurred_at as string).toISOString(),
      dueOn,
      overdue: asOf > dueOn,
    };
  });
}
