// Reads of the service history: the filtered complaint list (newest first,
// keyset cursor) and the service quality figures per agent and priority.
import type { SqlClient } from '@crm/database';
import { refused, UUID_PATTERN } from '@crm/shared';
import { PRIORITIES } from '../complaint';

export interface ComplaintFilter {
  status?: 'open' | 'resolved';
  priority?: string;
  agent?: string;
  breached?: boolean;
  customerId?: string;
  /** Only complaints opened before this instant (a page moved back in time). */
  openedBefore?: Date;
  cursor?: string;
  limit: number;
  now: Date;
}

interface Row {
  complaint_id: string;
  customer_id: string;
  subject: string;
  channel: string;
  priority: string;
  status: string;
  agent: string;
  opened_at: Date;
  respond_by: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  resolution: string | null;
  reopen_count: number;
  escalations: number;
  breached: boolean;
  version: string | number;
}

// Breached: answered after the deadline, or not answered and the deadline passed.
const BREACHED = `(coalesce(first_response_at, $1::timestamptz) > respond_by)`;

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID_PATTERN.test(id)) return [at, id];
  } catch {
    // fall through
  }
  throw refused('InvalidCursor', 'cursor is not one this API gave out');
}

const iso = (v: Date | null) => (v === null ? null : new Date(v).toISOString());

export async function listComplaints(sql: SqlClient, f: ComplaintFilter) {
  const [at, id] = f.cursor ? decodeCursor(f.cursor) : ['infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
  const rows = await sql.query<Row>(
    `SELECT complaint_id, customer_id, subject, channel, priority, status, agent, opened_at, respond_by, first_response_at, resolved_at, resolution,
            reopen_count, escalations, version, ${BREACHED} AS breached
       FROM rm_complaints
      WHERE (opened_at, complaint_id) < ($2::timestamptz, $3::uuid)
        AND ($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR priority = $5) AND ($6::text IS NULL OR agent = $6)
        AND ($7::boolean IS NULL OR ${BREACHED} = $7) AND ($8::uuid IS NULL OR customer_id = $8)
        AND ($10::timestamptz IS NULL OR opened_at < $10)
      ORDER BY opened_at DESC, complaint_id DESC LIMIT $9`,
    [
      f.now.toISOString(),
      at,
      id,
      f.status ?? null,
      f.priority ?? null,
      f.agent ?? null,
      f.breached ?? null,
      f.customerId ?? null,
      f.limit + 1,
      f.openedBefore?.toISOString() ?? null,
    ],
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.complaint_id,
      customerId: r.customer_id,
      subject: r.subject,
      channel: r.channel,
      priority: r.priority,
      status: r.status,
      agent: r.agent,
      openedAt: iso(r.opened_at),
      respondBy: iso(r.respond_by),
      firstResponseAt: iso(r.first_response_at),
      resolvedAt: iso(r.resolved_at),
      resolution: r.resolution,
      reopenCount: Number(r.reopen_count),
      escalations: Number(r.escalations),
      breached: r.breached,
      version: Number(r.version),
    })),
    nextCursor: rows.length > f.limit && last ? Buffer.from(JSON.stringify([iso(last.opened_at), last.complaint_id])).toString('base64url') : null,
  };
}

interface FigureRow {
  key: string;
  complaints: string | number;
  responded: string | number;
  avg_first_response_s: string | number | null;
  median_first_response_s: string | number | null;
  resolved: string | number;
  avg_resolve_s: string | number | null;
  median_resolve_s: string | number | null;
  breaches: string | number;
  ever_resolved: string | number;
  reopened: string | number;
  rated: string | number;
  avg_satisfaction: string | number | null;
}

const n = (v: string | number | null) => (v === null ? null : Math.round(Number(v)));

/**
 * Service quality of the complaints opened in [from, to] (shop calendar):
 * time to first response and to resolution (seconds: mean and median),
 * breaches, and reopen rate (reopened / ever resolved).
 */
export async function serviceFigures(sql: SqlClient, from: string, to: string, now: Date) {
  const figures = (groupBy: string) =>
    sql.query<FigureRow>(
      `SELECT ${groupBy} AS key, count(*) AS complaints,
              count(first_response_at) AS responded,
              avg(extract(epoch FROM first_response_at - opened_at)) AS avg_first_response_s,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - opened_at)) AS median_first_response_s,
              count(*) FILTER (WHERE status = 'resolved') AS resolved,
              avg(extract(epoch FROM resolved_at - opened_at)) FILTER (WHERE status = 'resolved') AS avg_resolve_s,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - opened_at)) FILTER (WHERE status = 'resolved') AS median_resolve_s,
              count(*) FILTER (WHERE ${BREACHED}) AS breaches,
              count(*) FILTER (WHERE times_resolved > 0) AS ever_resolved,
              count(*) FILTER (WHERE reopen_count > 0) AS reopened,
              count(satisfaction) AS rated,
              round(avg(satisfaction), 2) AS avg_satisfaction
         FROM rm_complaints WHERE opened_on >= $2::date AND opened_on <= $3::date
        GROUP BY 1 ORDER BY 1`,
      [now.toISOString(), from, to],
    );
  const shape = (r: FigureRow) => ({
    complaints: Number(r.complaints),
    responded: Number(r.responded),
    firstResponseSeconds: { mean: n(r.avg_first_response_s), median: n(r.median_first_response_s) },
    resolved: Number(r.resolved),
    resolveSeconds: { mean: n(r.avg_resolve_s), median: n(r.median_resolve_s) },
    breaches: Number(r.breaches),
    /** Mean of each complaint's last rating (1-5), 2 decimals; null when none is rated. */
    satisfaction: { rated: Number(r.rated), mean: r.avg_satisfaction === null ? null : Number(r.avg_satisfaction) },
    reopenRate: {
      numerator: Number(r.reopened),
      denominator: Number(r.ever_resolved),
      rate: Number(r.ever_resolved) === 0 ? null : Math.round((Number(r.reopened) / Number(r.ever_resolved)) * 10_000) / 10_000,
    },
  });
  const [overall] = await figures(`'all'`);
  return {
    from,
    to,
    overall: overall
      ? shape(overall)
      : shape({
          key: 'all',
          complaints: 0,
          responded: 0,
          avg_first_response_s: null,
          median_first_response_s: null,
          resolved: 0,
          avg_resolve_s: null,
          median_resolve_s: null,
          breaches: 0,
          ever_resolved: 0,
          reopened: 0,
          rated: 0,
          avg_satisfaction: null,
        }),
    byAgent: (await figures('agent')).map((r) => ({ agent: r.key, ...shape(r) })),
    // By severity, most severe first (as staff triage), not by the codes' spelling.
    byPriority: (await figures('priority')).sort((a, b) => severity(b.key) - severity(a.key)).map((r) => ({ priority: r.key, ...shape(r) })),
  };
}

const severity = (priority: string | null) => PRIORITIES.indexOf(priority as (typeof PRIORITIES)[number]);
