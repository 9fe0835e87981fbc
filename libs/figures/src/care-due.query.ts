// Care work that is due (care messages, not marketing, docs/domain.md): the
// post-purchase greeting, within 2 days of a purchase recorded live (or
// imported while still due) - a purchase is greeted
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

/**
 * Purchase `alias` is one to greet: recorded live, or imported while its
 * greeting was still due (a year of imported history is not a year of
 * greetings).
 */
const toGreet = (alias: string) => `(NOT ${alias}.imported OR ${alias}.recorded_on <= ${alias}.occurred_on + ${GREETING_DUE_DAYS})`;

/** A care contact at or after purchase `alias` greets it. */
const greeting = (alias: string) => `SELECT 1 FROM rm_customer_contacts k WHERE k.customer_id = ${alias}.customer_id AND k.kind = 'care' AND k.occurred_at >= ${alias}.occurred_at`;

/**
 * Walks the span's purchases in time order (index rm_customer_purchases_on) and
 * stops at the limit: a purchase is listed when no care contact came at or after
 * it and it is its customer's earliest such purchase in the span.
 */
export async function greetingsDue(sql: SqlClient, asOf: string, limit: number): Promise<GreetingDue[]> {
  const rows = await sql.query<{ customer_id: string; customer_ref: string | null; name: string | null; order_id: string; occurred_at: unknown; occurred_on: unknown }>(
    `SELECT p.customer_id, c.customer_ref, c.name, p.order_id, p.occurred_at, p.occurred_on::text AS occurred_on
       FROM rm_customer_purchases p JOIN rm_customers c ON c.customer_id = p.customer_id
      WHERE p.occurred_on > $1::date - $2::int AND p.occurred_on <= $1::date AND ${toGreet('p')}
        AND NOT EXISTS (${greeting('p')})
        AND NOT EXISTS (SELECT 1 FROM rm_customer_purchases q
                         WHERE q.customer_id = p.customer_id AND q.occurred_on > $1::date - $2::int AND ${toGreet('q')}
                           AND (q.occurred_at, q.order_id) < (p.occurred_at, p.order_id)
                           AND NOT EXISTS (${greeting('q')}))
      ORDER BY p.occurred_on, p.occurred_at, p.customer_id LIMIT $3`,
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

/**
 * Day by day through the span (index rm_customers_birthday on birthday and id),
 * at most `limit` a day, so the read is bounded however many share a birthday.
 */
export async function birthdaysDue(sql: SqlClient, asOf: string, limit: number): Promise<BirthdayDue[]> {
  const around = birthdaysAround(asOf);
  const rows = await sql.query<{ customer_id: string; customer_ref: string | null; name: string | null; birthday: string }>(
    `SELECT d.customer_id, d.customer_ref, d.name, w.falls_on::text AS birthday
       FROM unnest($1::text[], $2::date[]) AS w (month_day, falls_on)
       CROSS JOIN LATERAL (
         SELECT c.customer_id, c.customer_ref, c.name FROM rm_customers c
          WHERE c.birthday = w.month_day
            AND NOT EXISTS (SELECT 1 FROM rm_customer_contacts k
                             WHERE k.customer_id = c.customer_id AND k.kind = 'care'
                               AND k.occurred_on >= w.falls_on - $3::int AND k.occurred_on <= $4::date)
          ORDER BY c.customer_id LIMIT $5) d
      ORDER BY w.falls_on, d.customer_id LIMIT $5`,
    [[...around.keys()], [...around.values()], BIRTHDAY_WINDOW_DAYS, asOf, limit],
  );
  return rows.map((r) => ({ customerId: r.customer_id, customerRef: r.customer_ref, name: r.name, birthday: r.birthday, overdue: asOf > r.birthday }));
}
