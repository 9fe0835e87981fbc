// SegmentEntered and SegmentLeft, derived from the segment membership read
// model as ComplaintDeadlineBreached is from the service history: each entry
// and exit is sent on its day (an event's, or the day time alone makes it),
// once per webhook, to webhooks registered by then. Moves found later for
// days long past (a backdated import, a new version computed over old dates)
// are history, not news: a sweep looks RECENT_DAYS back.
import type { SqlExecutor } from '@crm/database';

export const SEGMENT_MOVE_TYPES = ['SegmentEntered', 'SegmentLeft'] as const;

/** How far back a sweep looks: a deliverer down for less than this misses nothing. */
const RECENT_DAYS = 7;

const ISO = (t: string) => `to_char(${t} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function sweepSegmentMoves(sql: SqlExecutor, today: string, timeZone: string): Promise<void> {
  await sql.query(
    `INSERT INTO crm_webhook_deliveries (id, webhook_id, event_type, customer_id, payload)
     SELECT 'msg_' || md5(w.id::text || '|' || mv.kind || '|' || mv.segment_id || '|' || mv.customer_id::text || '|' || mv.day::text),
            w.id, mv.kind, mv.customer_id::text,
            jsonb_build_object('type', mv.kind, 'timestamp', ${ISO('(mv.day::timestamp AT TIME ZONE $2)')},
              'data', jsonb_build_object('customerId', mv.customer_id, 'segmentId', mv.segment_id, 'date', mv.day::text, 'version', mv.version, 'cause', mv.cause))
       FROM (SELECT 'SegmentEntered' AS kind, m.segment_id, m.customer_id, m.entered_on AS day, m.entered_version AS version, m.entered_cause AS cause
               FROM rm_segments s JOIN rm_segment_members m ON m.segment_id = s.segment_id AND m.entered_on BETWEEN $1::date - ${RECENT_DAYS} AND $1::date
             UNION ALL
             SELECT 'SegmentLeft', m.segment_id, m.customer_id, m.left_on, m.entered_version, m.left_cause
               FROM rm_segments s JOIN rm_segment_members m ON m.segment_id = s.segment_id AND m.left_on BETWEEN $1::date - ${RECENT_DAYS} AND $1::date) mv
       JOIN crm_webhooks w ON w.removed_at IS NULL AND mv.kind = ANY (w.event_types) AND mv.day >= (w.created_at AT TIME ZONE $2)::date
      ORDER BY mv.day, mv.customer_id
     ON CONFLICT (id) DO NOTHING`,
    [today, timeZone],
  );
}
