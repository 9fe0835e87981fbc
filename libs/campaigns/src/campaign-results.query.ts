// A campaign's responses: of its recipients (or of any groups of customers, a
// backtest's), who bought within the window after the send, and their net
// spend in it, by group and by contact-policy stage at the send. Response = a
// purchase at or after the send instant whose shop date is within
// responseWindowDays of the send date (and not after asOf).
import type { SqlClient } from '@crm/database';

export interface ResponseWindow {
  sendAt: string;
  /** The last shop date a purchase counts on: send date + window, or asOf when earlier. */
  through: string;
}

export interface GroupResponse {
  group: string;
  stage: string;
  customers: number;
  responders: number;
  netSpendMinor: number;
}

const GROUPED = `
  p AS (SELECT customer_id, sum(amount_minor) AS s FROM rm_customer_purchases
         WHERE customer_id IN (SELECT customer_id FROM r) AND occurred_at >= $1::timestamptz AND occurred_on <= $2::date GROUP BY 1),
  f AS (SELECT customer_id, sum(amount_minor) AS s FROM rm_customer_refunds
         WHERE customer_id IN (SELECT customer_id FROM r) AND occurred_at >= $1::timestamptz AND occurred_on <= $2::date GROUP BY 1)
  SELECT r.grp, r.stage, count(*) AS customers, count(p.customer_id) AS responders, coalesce(sum(p.s), 0) - coalesce(sum(f.s), 0) AS net
    FROM r LEFT JOIN p USING (customer_id) LEFT JOIN f USING (customer_id) GROUP BY 1, 2`;

type Row = { grp: string; stage: string; customers: string | number; responders: string | number; net: string | number };
const rowsOf = (rows: Row[]): GroupResponse[] =>
  rows.map((r) => ({ group: r.grp, stage: r.stage, customers: Number(r.customers), responders: Number(r.responders), netSpendMinor: Number(r.net) }));

/** A launched campaign's recipients (contacted, held_out) and their responses. */
export async function recipientResponses(sql: SqlClient, campaignId: string, window: ResponseWindow): Promise<GroupResponse[]> {
  const rows = await sql.query<Row>(`WITH r AS (SELECT customer_id, outcome AS grp, stage FROM rm_campaign_recipients WHERE campaign_id = $3), ${GROUPED}`, [
    window.sendAt,
    window.through,
    campaignId,
  ]);
  return rowsOf(rows);
}

/** Groups of customers given by the caller (a backtest's would-be contacted and holdout) and their responses. */
export async function groupResponses(
  sql: SqlClient,
  members: ReadonlyArray<{ customerId: string; group: string; stage: string }>,
  window: ResponseWindow,
): Promise<GroupResponse[]> {
  if (members.length === 0) return [];
  const rows = await sql.query<Row>(`WITH r AS (SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[]) AS r(customer_id, grp, stage)), ${GROUPED}`, [
    window.sendAt,
    window.through,
    members.map((m) => m.customerId),
    members.map((m) => m.group),
    members.map((m) => m.stage),
  ]);
  return rowsOf(rows);
}

export interface RecipientRow {
  customerId: string;
  customerRef: string | null;
  outcome: 'contacted' | 'held_out';
  stage: string;
  occurredAt: string;
}

/** A page of a campaign's recipients by customer id. */
export async function recipientsPage(sql: SqlClient, campaignId: string, page: { outcome: string; after?: string; limit: number }): Promise<RecipientRow[]> {
  const rows = await sql.query<{ customer_id: string; customer_ref: string | null; outcome: RecipientRow['outcome']; stage: string; occurred_at: Date | string }>(
    `SELECT r.customer_id, c.customer_ref, r.outcome, r.stage, r.occurred_at FROM rm_campaign_recipients r LEFT JOIN rm_customers c USING (customer_id)
      WHERE r.campaign_id = $1 AND r.outcome = $2 AND ($3::uuid IS NULL OR r.customer_id > $3::uuid) ORDER BY r.customer_id LIMIT $4`,
    [campaignId, page.outcome, page.after ?? null, page.limit],
  );
  return rows.map((r) => ({ customerId: r.customer_id, customerRef: r.customer_ref, outcome: r.outcome, stage: r.stage, occurredAt: new Date(r.occurred_at).toISOString() }));
}
