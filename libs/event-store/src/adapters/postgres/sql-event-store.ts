// The event store on SQL: PostgreSQL through pg, or embedded PGlite. Both run
// the same statements (see event-store.migrations.ts for the why of each).
import { EventEmitter } from 'node:events';
import { SqlClient, sqlState } from '@crm/database';
import { metrics } from '@crm/shared/metrics';
import {
  AppendRequest,
  AppendResult,
  DuplicateEventIdError,
  EventStore,
  ExpectedVersion,
  InvalidAppendError,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  WrongExpectedVersionError,
} from '../../event-store';
import { validateAppend } from '../../validate-append';
import { Partition, partitionSql } from '../../partition';
import { SnapshotStore, SqlSnapshotStore } from '../../stream-states';
import type { StoredSnapshot } from '../../stream-states';
import { APPEND_ONE_SQL } from './event-store.migrations';

interface EventRow {
  global_position: string | number | bigint;
  stream_id: string;
  stream_version: string | number | bigint;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

interface AppendOneRow {
  inserted: string | number;
  version: string | number | null;
  positions: Array<string | number> | null;
}

const COLUMNS = 'global_position, stream_id, stream_version, event_id, type, data, metadata, recorded_at';
/** After position $1 in commit order, up to the oldest transaction still running (gap-safety.int.spec.ts). */
const AFTER_IN_COMMIT_ORDER = `(transaction_id, global_position) > (coalesce((SELECT transaction_id FROM crm_events WHERE global_position = $1), '0'::xid8), $1::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
/** From this many events, an appendMany that creates streams COPYs them (PostgreSQL): an import's batches. */
const BULK_MIN_EVENTS = 200;
/** A race lost to a concurrent writer is retried; the retry then answers a real conflict or the stored result. */
const MAX_RACE_RETRIES = 64;

export class SqlEventStore implements EventStore {
  readonly adapter: 'postgres' | 'pglite';
  readonly snapshots: SnapshotStore;
  private readonly appended = new EventEmitter().setMaxListeners(0);

  constructor(private readonly sql: SqlClient) {
    this.adapter = sql.kind;
    this.snapshots = new SnapshotsBesideEvents(sql);
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion = 'any'): Promise<AppendResult> {
    validateAppend([{ streamId, expectedVersion, events }]);
    const ids = events.map((e) => e.id.toLowerCase());
    const payload = JSON.stringify(events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata ?? {} })));
    const expected = expectedVersion === 'any' ? null : expectedVersion === 'noStream' ? 0 : expectedVersion;
    for (let attempt = 0; ; attempt++) {
      try {
        const [row] =
          this.sql.kind === 'postgres'
            ? await this.sql.query<AppendOneRow>(APPEND_ONE_SQL, [streamId, expected, ids, payload], { name: 'crm_append_one' })
            : await this.sql.query<AppendOneRow>('SELECT * FROM crm_append_one($1, $2, $3, $4)', [streamId, expected, ids, payload]);
        if (Number(row.inserted) === ids.length) {
          this.appended.emit('appended');
          const positions = (row.positions ?? []).map(Number);
          return { nextExpectedVersion: Number(row.version), positions, lastPosition: positions[positions.length - 1] };
        }
      } catch (error) {
        if (sqlState(error) !== 'CRM03') throw this.mapError(error, [{ streamId, expectedVersion, events }]);
      }
      // Nothing was written: a retry of stored events, ids used elsewhere, a stale version, or a lost race.
      const existing = await this.sql.query<{ event_id: string; stream_id: string; stream_version: string; global_position: string }>(
        'SELECT event_id, stream_id, stream_version, global_position FROM crm_events WHERE event_id = ANY ($1::uuid[]) ORDER BY stream_version',
        [ids],
      );
      if (existing.length > 0) {
        if (existing.length !== ids.length || existing.some((r) => r.stream_id !== streamId)) {
          throw new DuplicateEventIdError(
            streamId,
            existing.map((r) => r.event_id),
          );
        }
        const positions = existing.map((r) => Number(r.global_position));
        return {
          nextExpectedVersion: Number(existing[existing.length - 1].stream_version),
          positions,
          lastPosition: positions[positions.length - 1],
          replayed: true,
        };
      }
      const current = await this.streamVersion(streamId);
      if ((expected !== null && expected !== current) || attempt >= MAX_RACE_RETRIES) {
        throw new WrongExpectedVersionError(streamId, expectedVersion, current);
      }
      // Lost a race to a concurrent append to the same stream: ask again.
    }
  }

  private async streamVersion(streamId: string): Promise<number> {
    const [row] = await this.sql.query<{ v: string | number | null }>('SELECT max(stream_version) AS v FROM crm_events WHERE stream_id = $1', [streamId]);
    return Number(row?.v ?? 0);
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    validateAppend(requests);
    const bulk = await this.appendByCopy(requests);
    if (bulk) return bulk;
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = await this.sql.query<{ r: StreamAnswer[] | string }>('SELECT crm_append($1::jsonb) AS r', [appendBatch(requests)]);
        this.appended.emit('appended');
        return answersFor(requests, rows[0].r);
      } catch (error) {
        const code = sqlState(error);
        if (code === 'CRM03' && attempt < MAX_RACE_RETRIES) continue;
        throw this.mapError(error, requests);
      }
    }
  }

  /**
   * The bulk path (PostgreSQL, large batches that create streams): the new
   * streams COPYed in, the others through crm_append, in one transaction.
   * The table's unique indexes are the checks: an event id stored before
   * (a retry) or a stream that exists after all refuses the COPY, the
   * transaction rolls back, and the batch goes again by crm_append, which
   * answers the stored result or the conflict. Undefined: not taken, or
   * refused (nothing was written).
   */
  private async appendByCopy(requests: readonly AppendRequest[]): Promise<AppendResult[] | undefined> {
    if (this.sql.kind !== 'postgres') return undefined;
    const fresh = requests.filter((r) => r.expectedVersion === 'noStream');
    if (fresh.reduce((n, r) => n + r.events.length, 0) < BULK_MIN_EVENTS) return undefined;
    const others = requests.filter((r) => r.expectedVersion !== 'noStream');
    try {
      const answer = await this.sql.transaction(async (tx) => {
        if (!tx.copyFrom) throw new Error('a PostgreSQL transaction copies');
        await tx.copyFrom('COPY crm_events (stream_id, stream_version, event_id, type, data, metadata) FROM STDIN', copyRows(fresh));
        const copied = await tx.query<StreamAnswer>(
          `SELECT stream_id AS s, max(stream_version) AS v, array_agg(global_position ORDER BY stream_version) AS p
             FROM crm_events WHERE transaction_id = pg_current_xact_id() GROUP BY stream_id`,
        );
        if (others.length === 0) return copied;
        const [appended] = await tx.query<{ r: StreamAnswer[] | string }>('SELECT crm_append($1::jsonb) AS r', [appendBatch(others)]);
        return [...copied, ...(typeof appended.r === 'string' ? (JSON.parse(appended.r) as StreamAnswer[]) : appended.r)];
      });
      this.appended.emit('appended');
      metrics.bulkAppends.inc({ outcome: 'copied' });
      return answersFor(requests, answer);
    } catch (error) {
      if (sqlState(error) === undefined) throw error;
      metrics.bulkAppends.inc({ outcome: 'refused' });
      return undefined;
    }
  }

  private mapError(error: unknown, requests: readonly AppendRequest[]): unknown {
    const code = sqlState(error);
    const detail = parseDetail(error);
    if (code === 'CRM01') {
      const streamId = String(detail.stream);
      const expected = requests.find((r) => r.streamId === streamId)?.expectedVersion ?? 'any';
      return new WrongExpectedVersionError(streamId, expected, Number(detail.actual));
    }
    if (code === 'CRM02') {
      return new DuplicateEventIdError(requests.map((r) => r.streamId).join(','), (detail.ids as string[]) ?? []);
    }
    if (code === 'CRM03') {
      const r = requests[0];
      return new WrongExpectedVersionError(r.streamId, r.expectedVersion, -1);
    }
    if (code === '22P02' || code === '22023') return new InvalidAppendError(`invalid event: ${(error as Error).message}`);
    return error;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit === undefined ? null : clampLimit(options.limit);
    const rows =
      options.direction === 'backwards'
        ? await this.sql.query<EventRow>(
            `SELECT ${COLUMNS} FROM crm_events WHERE stream_id = $1 AND stream_version <= $2
             ORDER BY stream_version DESC LIMIT $3`,
            [streamId, options.from ?? Number.MAX_SAFE_INTEGER, limit],
          )
        : await this.sql.query<EventRow>(
            `SELECT ${COLUMNS} FROM crm_events WHERE stream_id = $1 AND stream_version >= $2
             ORDER BY stream_version LIMIT $3`,
            [streamId, options.from ?? 1, limit],
          );
    return rows.map(toRecorded);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const streams = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return streams;
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM crm_events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`, [
      [...new Set(streamIds)],
    ]);
    for (const row of rows) streams.get(row.stream_id)?.push(toRecorded(row));
    return streams;
  }

  async lastPosition(): Promise<number> {
    const [row] = await this.sql.query<{ p: string | null }>('SELECT max(global_position)::text AS p FROM crm_events');
    return Number(row?.p ?? 0);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const after = options.after ?? 0;
    const limit = clampLimit(options.limit ?? 1000);
    if (options.partition) return this.readPartition(after, limit, options.partition);
    const rows = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM crm_events WHERE ${AFTER_IN_COMMIT_ORDER} ORDER BY transaction_id, global_position LIMIT $2`, [
      after,
      limit,
    ]);
    const events = rows.map(toRecorded);
    return {
      events,
      checkpoint: events.length > 0 ? events[events.length - 1].position : after,
      hasMore: events.length === limit,
    };
  }

  /**
   * A partition is filtered here, in the database: its reader gets its own
   * streams' events only. The scan is bounded (limit x count entries of the
   * commit-order index) so that it walks the index in order: a filter the
   * planner cannot estimate made it sort the whole rest of the log each page.
   * The checkpoint moves to the last entry scanned, whoever's it was.
   */
  private async readPartition(after: number, limit: number, partition: Partition): Promise<ReadAllPage> {
    const scan = Math.min(limit * partition.count, 100_000);
    const mine = `${partitionSql('s.stream_id', partition.count)} = ${Number(partition.index)}`;
    const rows = await this.sql.query<EventRow & { mine: boolean; last: boolean; seq: string | number }>(
      `WITH scanned AS MATERIALIZED (
         SELECT global_position, stream_id, row_number() OVER (ORDER BY transaction_id, global_position) AS seq
           FROM (SELECT transaction_id, global_position, stream_id FROM crm_events WHERE ${AFTER_IN_COMMIT_ORDER}
                  ORDER BY transaction_id, global_position LIMIT $2) page),
       tail AS (SELECT max(seq) AS seq FROM scanned)
       SELECT ${COLUMNS.split(', ')
         .map((c) => `e.${c}`)
         .join(', ')}, s.seq, ${mine} AS mine, s.seq = tail.seq AS last
         FROM scanned s CROSS JOIN tail JOIN crm_events e ON e.global_position = s.global_position
        WHERE ${mine} OR s.seq = tail.seq
        ORDER BY s.seq`,
      [after, scan],
    );
    const last = rows.find((r) => r.last);
    return {
      events: rows.filter((r) => r.mine).map(toRecorded),
      checkpoint: last ? Number(last.global_position) : after,
      hasMore: Number(last?.seq ?? 0) === scan,
    };
  }

  async streamIdAt(position: number): Promise<string | undefined> {
    const [row] = await this.sql.query<{ stream_id: string }>('SELECT stream_id FROM crm_events WHERE global_position = $1', [position]);
    return row?.stream_id;
  }

  async isCoveredBy(position: number, checkpoint: number): Promise<boolean> {
    if (checkpoint <= 0) return false;
    if (position === checkpoint) return true;
    const rows = await this.sql.query<{ covered: boolean }>(
      `SELECT (a.transaction_id, a.global_position) <= (c.transaction_id, c.global_position) AS covered
         FROM crm_events a, crm_events c WHERE a.global_position = $1 AND c.global_position = $2`,
      [position, checkpoint],
    );
    return rows[0]?.covered === true;
  }

  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  async health() {
    try {
      await this.sql.ping();
      return { adapter: this.adapter, state: 'up' as const, ...this.sql.describe() };
    } catch (error) {
      return { adapter: this.adapter, state: 'down' as const, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
  }
}

/** The snapshot row first (no event id), then the events after it: one round trip for a command's state. */
const SNAPSHOT_AND_EVENTS = `WITH s AS (SELECT stream_version, state FROM crm_snapshots WHERE stream_id = $1 AND type = $2 AND decider_version = $3)
SELECT NULL::bigint AS global_position, $1::text AS stream_id, stream_version, NULL::uuid AS event_id, NULL::text AS type, NULL::jsonb AS data,
       NULL::jsonb AS metadata, NULL::timestamptz AS recorded_at, state FROM s
UNION ALL
(SELECT ${COLUMNS}, NULL::text FROM crm_events WHERE stream_id = $1 AND stream_version > coalesce((SELECT stream_version FROM s), 0) ORDER BY stream_version)`;

class SnapshotsBesideEvents extends SqlSnapshotStore {
  constructor(private readonly client: SqlClient) {
    super(client);
  }

  async readWithEvents(streamId: string, type: string, deciderVersion: number): Promise<{ snapshot?: StoredSnapshot; events: RecordedEvent[] }> {
    const rows = await this.client.query<EventRow & { state: string | null }>(SNAPSHOT_AND_EVENTS, [streamId, type, deciderVersion]);
    const first = rows[0];
    const snapshot = first && first.event_id === null ? { deciderVersion, streamVersion: Number(first.stream_version), state: JSON.parse(first.state ?? 'null') } : undefined;
    return { snapshot, events: (snapshot ? rows.slice(1) : rows).map(toRecorded) };
  }
}

interface StreamAnswer {
  s: string;
  v: number | string;
  p: Array<number | string>;
}

/** crm_append's argument: [{s: stream, e: expected version or null, ev: events}]. */
function appendBatch(requests: readonly AppendRequest[]): string {
  return JSON.stringify(
    requests.map((r) => ({
      s: r.streamId,
      e: r.expectedVersion === 'any' ? null : r.expectedVersion === 'noStream' ? 0 : r.expectedVersion,
      ev: r.events.map((e) => ({ id: e.id.toLowerCase(), type: e.type, data: e.data, metadata: e.metadata ?? {} })),
    })),
  );
}

function answersFor(requests: readonly AppendRequest[], raw: StreamAnswer[] | string): AppendResult[] {
  const answer = typeof raw === 'string' ? (JSON.parse(raw) as StreamAnswer[]) : raw;
  const byStream = new Map(answer.map((a) => [a.s, a]));
  return requests.map((r) => {
    const a = byStream.get(r.streamId);
    if (!a) throw new Error(`append answered no result for stream ${r.streamId}`);
    const positions = a.p.map(Number);
    return { nextExpectedVersion: Number(a.v), positions, lastPosition: positions[positions.length - 1] };
  });
}

/** COPY's text format escapes backslash, tab, newline and carriage return. */
const copyText = (value: string) => value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/** New streams' events as COPY rows: stream, version from 1, event id, type, data, metadata. */
function copyRows(requests: readonly AppendRequest[]): string {
  let text = '';
  for (const r of requests) {
    const stream = copyText(r.streamId);
    r.events.forEach((e, i) => {
      text += `${stream}\t${i + 1}\t${e.id.toLowerCase()}\t${copyText(e.type)}\t${copyText(JSON.stringify(e.data))}\t${copyText(JSON.stringify(e.metadata ?? {}))}\n`;
    });
  }
  return text;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata ?? {},
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    position: Number(row.global_position),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return 10_000;
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidAppendError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, 100_000);
}

function parseDetail(error: unknown): Record<string, unknown> {
  const detail = (error as { detail?: unknown }).detail;
  if (typeof detail !== 'string') return {};
  try {
    return JSON.parse(detail) as Record<string, unknown>;
  } catch {
    return {};
  }
}
