// Reads of the membership read model: members on a date (keyset-paged on the
// customer id, with since when), a customer's segments on a date, entries and
// exits between two dates with their causes, and the size on each date of a
// span (from the day-by-day entries and exits, one pass over the segment).
import type { SqlExecutor } from '@crm/database';
import { addDays, monthsAfter, refused, UUID_PATTERN } from '@crm/shared';
import type { Cause } from './customer-history';

export interface Member {
  customerId: string;
  since: string;
  version: number;
}

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));
const NO_CUSTOMER = '00000000-0000-0000-0000-000000000000';

function customerCursor(cursor: string | undefined): string {
  if (cursor === undefined) return NO_CUSTOMER;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID_PATTERN.test(id)) throw refused('InvalidCursor', 'cursor is not one this API gave out');
  return id;
}

export async function membersOn(sql: SqlExecutor, segmentId: string, asOf: string, page: { cursor?: string; limit: number }) {
  const rows = await sql.query<{ customer_id: string; entered_on: string; entered_version: number }>(
    `SELECT customer_id, entered_on::text AS entered_on, entered_version FROM rm_segment_members
      WHERE segment_id = $1 AND customer_id > $2 AND entered_on <= $3::date AND (left_on IS NULL OR left_on > $3::date)
      ORDER BY customer_id LIMIT ${page.limit + 1}`,
    [segmentId, customerCursor(page.cursor), asOf],
  );
  const items: Member[] = rows.slice(0, page.limit).map((r) => ({ customerId: r.customer_id, since: day(r.entered_on), version: Number(r.entered_version) }));
  const last = items[items.length - 1];
  return { asOf, items, nextCursor: rows.length > page.limit && last ? Buffer.from(last.customerId, 'utf8').toString('base64url') : null };
}

export async function segmentsOfCustomer(sql: SqlExecutor, customerId: string, asOf: string) {
  const rows = await sql.query<{ segment_id: string; entered_on: string; entered_version: number; name: string; as_tag: boolean | null }>(
    `SELECT m.segment_id, m.entered_on::text AS entered_on, m.entered_version,
            (SELECT v.definition->>'name' FROM rm_segment_versions v WHERE v.segment_id = m.segment_id ORDER BY v.version DESC LIMIT 1) AS name
       FROM rm_segment_members m
      WHERE m.customer_id = $1 AND m.entered_on <= $2::date AND (m.left_on IS NULL OR m.left_on > $2::date)
      ORDER BY m.segment_id`,
    [customerId, asOf],
  );
  return rows.map((r) => ({ segmentId: r.segment_id, name: r.name, since: day(r.entered_on), version: Number(r.entered_version) }));
}

export interface HistoryEntry {
  date: string;
  change: 'entered' | 'left';
  customerId: string;
  version: number;
  cause: Cause;
}

/** Entries and exits dated from `from` to `to` (inclusive), in date order (an exit before an entry on one day), then by customer. */
export async function membershipHistory(sql: SqlExecutor, segmentId: string, span: { from: string; to: string }, page: { cursor?: string; limit: number }) {
  const after = historyCursor(page.cursor);
  const rows = await sql.query<{ date: string; change: 'entered' | 'left'; customer_id: string; version: number; cause: unknown }>(
    `SELECT * FROM (
       SELECT entered_on::text AS date, 1 AS ord, 'entered' AS change, customer_id::text AS customer_id, entered_version AS version, entered_cause AS cause
         FROM rm_segment_members WHERE segment_id = $1 AND entered_on BETWEEN $2::date AND $3::date
       UNION ALL
       SELECT left_on::text, 0, 'left', customer_id::text, entered_version, left_cause
         FROM rm_segment_members WHERE segment_id = $1 AND left_on BETWEEN $2::date AND $3::date
     ) h WHERE (h.date, h.ord, h.customer_id) > ($4, $5::int, $6)
     ORDER BY h.date, h.ord, h.customer_id LIMIT ${page.limit + 1}`,
    [segmentId, span.from, span.to, after.date, after.change === 'entered' ? 1 : after.change === 'left' ? 0 : -1, after.customerId],
  );
  const items: HistoryEntry[] = rows
    .slice(0, page.limit)
    .map((r) => ({ date: day(r.date), change: r.change, customerId: r.customer_id, version: Number(r.version), cause: json<Cause>(r.cause) }));
  const last = items[items.length - 1];
  return { ...span, items, nextCursor: rows.length > page.limit && last ? Buffer.from(JSON.stringify([last.date, last.change, last.customerId])).toString('base64url') : null };
}

function historyCursor(cursor: string | undefined): { date: string; change: string; customerId: string } {
  if (cursor === undefined) return { date: '0000-00-00', change: '', customerId: '' };
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 3 ||
    !/^\d{4}-\d{2}-\d{2}$/.test(String(parts[0])) ||
    !['entered', 'left'].includes(String(parts[1])) ||
    !UUID_PATTERN.test(String(parts[2]))
  )
    throw refused('InvalidCursor', 'cursor is not one this API gave out');
  return { date: String(parts[0]), change: String(parts[1]), customerId: String(parts[2]) };
}

export type SizeStep = 'day' | 'week' | 'month';
export const MAX_SIZE_POINTS = 1_000;

/** The dates a span is sampled on: from, then every step, up to to. */
export function sampleDates(from: string, to: string, every: SizeStep): string[] {
  const dates: string[] = [];
  for (let i = 0; dates.length <= MAX_SIZE_POINTS; i++) {
    const d = every === 'day' ? addDays(from, i) : every === 'week' ? addDays(from, 7 * i) : monthsAfter(from, i);
    if (d > to) return dates;
    dates.push(d);
  }
  throw refused('SpanTooLong', `at most ${MAX_SIZE_POINTS} points: choose a shorter span or a longer step`);
}

/** The number of members on each sampled date: the running sum of entries less exits per day, read once. */
export async function membershipSizes(sql: SqlExecutor, segmentId: string, span: { from: string; to: string; every: SizeStep }) {
  const dates = sampleDates(span.from, span.to, span.every);
  const rows = await sql.query<{ d: string; n: string | number }>(
    `SELECT d::text AS d, sum(n) AS n FROM (
       SELECT entered_on AS d, count(*) AS n FROM rm_segment_members WHERE segment_id = $1 AND entered_on <= $2::date GROUP BY entered_on
       UNION ALL
       SELECT left_on, -count(*) FROM rm_segment_members WHERE segment_id = $1 AND left_on <= $2::date GROUP BY left_on
     ) deltas GROUP BY d ORDER BY d`,
    [segmentId, span.to],
  );
  const points: Array<{ date: string; size: number }> = [];
  let size = 0;
  let i = 0;
  for (const date of dates) {
    while (i < rows.length && day(rows[i].d) <= date) size += Number(rows[i++].n);
    points.push({ date, size });
  }
  return { ...span, points };
}

export interface SegmentChange {
  segmentId: string;
  name: string | null;
  date: string;
  change: 'entered' | 'left';
  version: number;
  cause: Cause;
}

/** Customers' entries and exits up to a date (inclusive), for their timelines: one query for all of them. */
export async function segmentChangesOf(sql: SqlExecutor, customerIds: readonly string[], until: string): Promise<Map<string, SegmentChange[]>> {
  const rows = await sql.query<{ customer_id: string; segment_id: string; date: string; change: 'entered' | 'left'; version: number; cause: unknown; name: string | null }>(
    `SELECT c.*, (SELECT v.definition->>'name' FROM rm_segment_versions v WHERE v.segment_id = c.segment_id ORDER BY v.version DESC LIMIT 1) AS name FROM (
       SELECT customer_id::text AS customer_id, segment_id, entered_on::text AS date, 'entered' AS change, entered_version AS version, entered_cause AS cause
         FROM rm_segment_members WHERE customer_id = ANY ($1::uuid[]) AND entered_on <= $2::date
       UNION ALL
       SELECT customer_id::text, segment_id, left_on::text, 'left', entered_version, left_cause
         FROM rm_segment_members WHERE customer_id = ANY ($1::uuid[]) AND left_on <= $2::date
     ) c`,
    [customerIds, until],
  );
  const byCustomer = new Map<string, SegmentChange[]>(customerIds.map((id) => [id, []]));
  for (const r of rows)
    byCustomer.get(r.customer_id)?.push({ segmentId: r.segment_id, name: r.name, date: day(r.date), change: r.change, version: Number(r.version), cause: json<Cause>(r.cause) });
  return byCustomer;
}
