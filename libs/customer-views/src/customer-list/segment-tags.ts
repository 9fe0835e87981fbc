// Rule-derived tags: a segment published with asTag shows its name as a tag
// on its members, on every date they are members (docs/segments.md). Read by
// SQL from the segments' read models, so that the customer views need not
// know the segments slice.
import type { SqlExecutor } from '@crm/database';

/** SQL: the customer (an expression) is on the date a member of an asTag segment named tag. */
export const holdsSegmentTag = (customer: string, tag: string, date: string) =>
  `EXISTS (SELECT 1 FROM rm_segment_members m JOIN rm_segments s ON s.segment_id = m.segment_id AND s.as_tag AND s.name = ${tag}
            WHERE m.customer_id = ${customer} AND m.entered_on <= ${date}::date AND (m.left_on IS NULL OR m.left_on > ${date}::date))`;

/** Each customer's derived tags on a date. */
export async function segmentTagsOf(sql: SqlExecutor, customerIds: readonly string[], asOf: string): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  if (customerIds.length === 0) return tags;
  const rows = await sql.query<{ customer_id: string; name: string }>(
    `SELECT DISTINCT m.customer_id, s.name FROM rm_segment_members m JOIN rm_segments s ON s.segment_id = m.segment_id AND s.as_tag
      WHERE m.customer_id = ANY ($1::uuid[]) AND m.entered_on <= $2::date AND (m.left_on IS NULL OR m.left_on > $2::date) ORDER BY s.name`,
    [customerIds, asOf],
  );
  for (const row of rows) tags.set(row.customer_id, [...(tags.get(row.customer_id) ?? []), row.name]);
  return tags;
}

/** Recorded tags, then the derived ones not recorded too. */
export const withSegmentTags = (recorded: readonly string[], derived: readonly string[] = []) => [...recorded, ...derived.filter((t) => !recorded.includes(t))];
