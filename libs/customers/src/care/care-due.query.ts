// Care work that is due (care messages, not marketing, DOMAIN.md): the
// post-purchase greeting, within 2 days of a purchase - a purchase is greeted
// by any care contact logged at or after it, and the earliest ungreeted
// purchase of a customer names the customer once - and the birthday greeting.
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

/** A birthday greeting is due in the week before the birthday, overdue in the week after; a care contact in that span settles it. */
export const BIRTHDAY_WINDOW_DAYS = 7;

export interface BirthdayDue {
  customerId: string;
  customerRef: string | null;
  name: string | null;
  birthday: string;
  overdue: boolean;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Each MM-DD in the span around asOf with the date it falls on; 29 February on the 28th in a common year. */
export function birthdaysAround(asOf: string, days = BIRTHDAY_WINDOW_DAYS): Map<string, string> {
  const dates = new Map<string, string>();
  for (let k = -days; k <= days; k++) {
    const date = addDays(asOf, k);
    dates.set(date.slice(5), date);
    if (date.slice(5) === '02-28' && !isLeap(Number(date.slice(0, 4)))) dates.set('02-29', date);
  }
  return dates;
}

export async function birthdaysDue(sql: SqlClient, asOf: string, limit: number): Promise<BirthdayDue[]> {
  const around = birthdaysAround(asOf);
  const rows = await sql.query<{ customer_id: string; customer_ref: string | null; name: string | null; birthday: string }>(
    'SELECT customer_id, customer_ref, name, birthday FROM rm_customers WHERE birthday = ANY ($1::text[]) ORDER BY customer_id',
    [[...around.keys()]],
  );
  if (rows.length === 0) return [];
  const cared = await sql.query<{ customer_id: string; last: unknown }>(
    `SELECT customer_id, max(occurred_on)::text AS last FROM rm_customer_contacts
      WHERE kind = 'care' AND customer_id = ANY ($1::uuid[]) AND occurred_on >= $2::date AND occurred_on <= $3::date GROUP BY customer_id`,
    [rows.map((r) => r.customer_id), addDays(asOf, -2 * BIRTHDAY_WINDOW_DAYS), asOf],
  );
  const lastCare = new Map(cared.map((c) => [c.customer_id, String(c.last)]));
  return rows
    .map((r) => ({ row: r, birthday: around.get(r.birthday) as string }))
    .filter(({ row, birthday }) => (lastCare.get(row.customer_id) ?? '') < addDays(birthday, -BIRTHDAY_WINDOW_DAYS))
    .sort((a, b) => a.birthday.localeCompare(b.birthday) || a.row.customer_id.localeCompare(b.row.customer_id))
    .slice(0, limit)
    .map(({ row, birthday }) => ({ customerId: row.customer_id, customerRef: row.customer_ref, name: row.name, birthday, overdue: asOf > birthday }));
}
