// Dead letters: a stream a projector cannot apply is parked for that
// projector (the event, the error, the time), and the projector goes on with
// every other stream. Only projectors whose rows depend on one stream alone
// (byStream) park: for them the other customers' rows stay exact. A retry
// after a fix applies the parked stream's events in order and unparks it; a
// skip does the same without the event that failed. Each action is recorded
// with who did it.
import type { Migration, SqlClient, SqlExecutor } from '@crm/database';
import { EventStore, partitionOf, RecordedEvent } from '@crm/event-store';
import { allow, notFound, RequestContext } from '@crm/shared';
import { partitionNames, Projector } from './projector';

export const deadLetterMigrations: Migration[] = [
  {
    id: '0021_dead_letters',
    sql: `
CREATE TABLE crm_dead_letters (
  projector  text NOT NULL,
  stream_id  text NOT NULL,
  position   bigint NOT NULL,
  event_id   text NOT NULL,
  event_type text NOT NULL,
  error      text NOT NULL,
  parked_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projector, stream_id)
);
CREATE TABLE crm_projection_failures (
  name       text PRIMARY KEY,
  owner      text NOT NULL,
  error      text NOT NULL,
  since      timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE crm_dead_letter_actions (
  id        bigserial PRIMARY KEY,
  projector text NOT NULL,
  stream_id text NOT NULL,
  action    text NOT NULL,
  actor     text NOT NULL,
  outcome   text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);`,
  },
];

export interface DeadLetter {
  projector: string;
  streamId: string;
  /** The event that could not be applied; the stream's later events wait behind it. */
  position: number;
  eventId: string;
  eventType: string;
  error: string;
  parkedAt: string;
}

/** The streams parked for a projector (its base name: a partitioned projector parks as a whole), each from the position that failed. */
export async function parkedStreams(sql: SqlExecutor, projector: string): Promise<Map<string, number>> {
  const rows = await sql.query<{ stream_id: string; position: string | number }>('SELECT stream_id, position FROM crm_dead_letters WHERE projector = $1', [projector]);
  return new Map(rows.map((r) => [r.stream_id, Number(r.position)]));
}

/** Whether a projector holds `event` back: its stream is parked from that event's position or an earlier one. */
export const isParked = (parked: ReadonlyMap<string, number>, event: RecordedEvent) => (parked.get(event.streamId) ?? Infinity) <= event.position;

export async function park(sql: SqlExecutor, projector: string, event: RecordedEvent, error: string): Promise<void> {
  await sql.query(
    `INSERT INTO crm_dead_letters (projector, stream_id, position, event_id, event_type, error) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (projector, stream_id) DO NOTHING`,
    [projector, event.streamId, event.position, event.id, event.type, error.slice(0, 2_000)],
  );
}

/** Every parked stream, or the one of `projector` and `streamId`. */
export async function listDeadLetters(sql: SqlExecutor, only?: { projector: string; streamId: string }): Promise<DeadLetter[]> {
  const rows = await sql.query<{ projector: string; stream_id: string; position: string | number; event_id: string; event_type: string; error: string; parked_at: Date | string }>(
    `SELECT projector, stream_id, position, event_id, event_type, error, parked_at FROM crm_dead_letters
      ${only ? 'WHERE projector = $1 AND stream_id = $2' : ''} ORDER BY parked_at, projector, stream_id`,
    only ? [only.projector, only.streamId] : [],
  );
  return rows.map((r) => ({
    projector: r.projector,
    streamId: r.stream_id,
    position: Number(r.position),
    eventId: r.event_id,
    eventType: r.event_type,
    error: r.error,
    parkedAt: new Date(r.parked_at).toISOString(),
  }));
}

export interface DeadLetterAction {
  projector: string;
  streamId: string;
  /** retry: apply the parked events in order; skip: the same, without the event that failed. */
  action: 'retry' | 'skip';
  actor: string;
}

/**
 * Applies a parked stream's events (from the one that failed up to where the
 * projector stands) in one transaction that holds the projector's checkpoint,
 * so no batch runs meanwhile; the batches after it see the stream unparked.
 * Answers how many events were applied. A failure changes nothing but the
 * record of the attempt.
 */
export async function actOnDeadLetter(store: EventStore, sql: SqlClient, projectors: readonly Projector[], act: DeadLetterAction): Promise<{ applied: number }> {
  const projector = projectors.find((p) => p.name === act.projector);
  const [letter] = await listDeadLetters(sql, act);
  if (!projector || !letter) throw notFound('DeadLetter', `no stream ${act.streamId} is parked for ${act.projector}`);
  const owner = await owningCheckpoint(sql, act.projector, act.streamId);
  const waiting = (await store.readStream(act.streamId)).filter((e) => e.position >= letter.position && !(act.action === 'skip' && e.position === letter.position));
  const prepared = projector.prepare ? await projector.prepare(waiting) : undefined;
  try {
    const applied = await sql.transaction(async (tx) => {
      const [held] = await tx.query<{ position: string | number }>('SELECT position FROM crm_projection_checkpoints WHERE name = $1 FOR UPDATE', [owner]);
      // Read in the transaction (on PGlite the store shares its one connection): the stream's events the checkpoint has passed, in the log's order.
      const covered = await tx.query<{ position: string | number }>(
        `SELECT global_position AS position FROM crm_events WHERE stream_id = $1 AND global_position >= $2
            AND (transaction_id, global_position) <= (coalesce((SELECT transaction_id FROM crm_events WHERE global_position = $3), '0'::xid8), $3::bigint)`,
        [act.streamId, letter.position, Number(held?.position ?? 0)],
      );
      const passed = new Set(covered.map((r) => Number(r.position)));
      const events: RecordedEvent[] = waiting.filter((e) => passed.has(e.position));
      if (events.length > 0) await projector.apply(events, tx, prepared);
      await tx.query('DELETE FROM crm_dead_letters WHERE projector = $1 AND stream_id = $2', [act.projector, act.streamId]);
      await record(tx, act, `applied ${events.length} event(s)`);
      return events.length;
    });
    return { applied };
  } catch (error) {
    await record(sql, act, `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2_000)).catch(() => undefined);
    throw error;
  }
}

async function record(sql: SqlExecutor, act: DeadLetterAction, outcome: string): Promise<void> {
  await sql.query('INSERT INTO crm_dead_letter_actions (projector, stream_id, action, actor, outcome) VALUES ($1, $2, $3, $4, $5)', [
    act.projector,
    act.streamId,
    act.action,
    act.actor,
    outcome,
  ]);
}

/** The checkpoint that covers the stream: the projector's own, or that of its partition holding the stream. */
async function owningCheckpoint(sql: SqlExecutor, projector: string, streamId: string): Promise<string> {
  const rows = await sql.query<{ name: string }>(`SELECT name FROM crm_projection_checkpoints WHERE name = $1 OR name LIKE $2`, [projector, `${projector}#%`]);
  const split = rows.map((r) => /#(\d+)\/(\d+)$/.exec(r.name)).find((m) => m !== null);
  if (!split) return projector;
  const count = Number(split[2]);
  return partitionNames(projector, count)[partitionOf(streamId, count)];
}

export const DEAD_LETTERS = Symbol('DEAD_LETTERS');

/** The dead letters for the REST edge and the CLI: an admin's (projections.rebuild) list, retry and skip. */
export class DeadLetters {
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly projectors: readonly Projector[],
  ) {}

  list(ctx: RequestContext): Promise<DeadLetter[]> {
    allow(ctx, 'projections.rebuild');
    return listDeadLetters(this.sql);
  }

  act(ctx: RequestContext, action: DeadLetterAction['action'], projector: string, streamId: string): Promise<{ applied: number }> {
    allow(ctx, 'projections.rebuild');
    return actOnDeadLetter(this.store, this.sql, this.projectors, { projector, streamId, action, actor: ctx.actor });
  }
}
