// Rebuilds a read model from position 0 into fresh tables and swaps them in,
// while the service keeps answering from the old ones (blue/green):
// 1. fresh copies of the projector's tables in a schema of their own, filled
//    batch by batch with search_path pointing there (the projector's SQL is
//    unchanged);
// 2. one swap transaction: lock the live tables, apply what arrived
//    meanwhile, move the checkpoint, replace the tables. Readers wait for the
//    lock for a moment and then see the new rows; the live runner's next
//    batch finds the moved checkpoint (its fence) and continues from it.
// A rebuild killed at any point leaves the live tables as they were; running
// it again starts over.
// Speed: the fresh tables are loaded with their primary keys only (what the
// projectors' upserts need) and get their other indexes and unique
// constraints, under their live names, once the rows are in; the next page
// of the log is read while the current one is written.
import type { SqlClient, SqlExecutor } from '@crm/database';
import type { EventStore, RecordedEvent } from '@crm/event-store';
import { LAYOUT_ROWS } from './partition-layout';
import { knownEventType } from '@crm/shared';
import { partitionNames, Projector } from './projector';

/** Types this build does not know (a newer version wrote them) are skipped, as the live runner skips them. */
const known = (e: RecordedEvent) => knownEventType(e.streamId, e.type);

export interface RebuildResult {
  projector: string;
  events: number;
  position: number;
  seconds: number;
}

export interface RebuildProgress {
  phase: 'projecting' | 'finishing' | 'indexing' | 'swapping';
  events: number;
  position: number;
  /** The log's last position when the rebuild started: how far `position` has to go. */
  target: number;
}

export interface RebuildOptions {
  batchSize?: number;
  /** The partitions by-stream projectors run in (PROJECTION_PARTITIONS): the swap lays their checkpoints out so. */
  partitions?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

const schemaOf = (projector: Projector) => `crm_rebuild_${projector.name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL name: ${name}`);
  return name;
};

/**
 * Rebuilds several read models in one pass over the log: each batch is
 * applied to every projector's fresh tables in one transaction, and one swap
 * transaction replaces them all. Reading the log once is what makes
 * rebuilding everything cost about what rebuilding the largest one costs.
 */
export async function rebuildProjections(store: EventStore, sql: SqlClient, projectors: readonly Projector[], options: RebuildOptions = {}): Promise<RebuildResult[]> {
  const started = Date.now();
  const plans = projectors.map((live) => ({ projector: live.forRebuild?.() ?? live, schema: ident(schemaOf(live)), tables: live.tables.map(ident) }));
  const finishAll = async (tx: SqlExecutor) => {
    for (const { projector, schema } of plans) {
      if (!projector.finish) continue;
      await tx.query(`SELECT set_config('search_path', '${schema}, public', true)`);
      await projector.finish(tx);
    }
  };
  const deferred: string[] = [];
  for (const { schema, tables } of plans) {
    await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`);
    for (const table of tables) deferred.push(...(await freshTable(sql, schema, table)));
  }

  const applyAll = async (tx: SqlExecutor, events: readonly RecordedEvent[]) => {
    for (const { projector, schema } of plans) {
      await tx.query(`SELECT set_config('search_path', '${schema}, public', true)`);
      await projector.apply(events, tx);
    }
  };
  // While loading, each read model writes its batch in a transaction of its own, side by side on
  // connections of their own: fresh tables nobody reads, and a crash restarts the rebuild anyway.
  const applyEach = (events: readonly RecordedEvent[]) =>
    Promise.all(
      plans.map(({ projector, schema }) =>
        // No batch waits for its WAL flush (a crash restarts the rebuild).
        sql.transaction(
          async (tx) => {
            await tx.query(`SELECT set_config('search_path', '${schema}, public', true)`);
            await projector.apply(events, tx);
          },
          { asyncCommit: true },
        ),
      ),
    );

  const target = await store.lastPosition();
  let position = 0;
  let count = 0;
  const progress = (phase: RebuildProgress['phase']) => options.onProgress?.({ phase, events: count, position, target });
  const batchSize = options.batchSize ?? 2_000;
  let next = store.readAll({ after: position, limit: batchSize });
  for (;;) {
    const page = await next;
    // Read the next page while this one is written (another connection of the pool).
    if (page.hasMore) next = store.readAll({ after: page.checkpoint, limit: batchSize });
    if (page.events.length > 0) {
      await applyEach(page.events.filter(known));
      position = page.checkpoint;
      count += page.events.length;
      progress('projecting');
    }
    if (!page.hasMore) break;
  }

  if (plans.some((p) => p.projector.finish)) {
    progress('finishing');
    await sql.transaction((tx) => finishAll(tx), { asyncCommit: true });
  }
  progress('indexing');
  for (const statement of deferred) await sql.exec(statement);
  // Fresh tables have no planner statistics yet; queries right after the swap need them.
  for (const { schema, tables } of plans) for (const table of tables) await sql.exec(`ANALYZE ${schema}.${table}`);

  progress('swapping');
  await sql.transaction(async (tx) => {
    // Checkpoint rows first, in name order, then the tables: the order the
    // runner takes them in, so a swap and a live batch never deadlock.
    // Every partition's row, in any layout: the swap moves them all at once.
    const bases = plans.map((p) => p.projector.name);
    const layout = plans.flatMap(({ projector }) => (projector.byStream ? partitionNames(projector.name, options.partitions ?? 1) : [projector.name]));
    await tx.query(`INSERT INTO crm_projection_checkpoints (name, position) SELECT unnest($1::text[]), 0 ON CONFLICT (name) DO NOTHING`, [layout]);
    await tx.query(`SELECT name FROM crm_projection_checkpoints WHERE ${LAYOUT_ROWS} ORDER BY name FOR UPDATE`, [bases]);
    const live = plans.flatMap((p) => p.tables.map((t) => `public.${t}`));
    await tx.query(`LOCK TABLE ${live.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    // On PostgreSQL other processes may have appended meanwhile; PGlite has only this one.
    if (sql.kind === 'postgres') {
      for (;;) {
        const page = await store.readAll({ after: position, limit: batchSize });
        if (page.events.length > 0) {
          await applyAll(tx, page.events.filter(known));
          position = page.checkpoint;
          count += page.events.length;
        }
        if (!page.hasMore) break;
      }
      await finishAll(tx);
    }
    await tx.query(`SELECT set_config('search_path', 'public', true)`);
    await tx.query(`DELETE FROM crm_projection_checkpoints WHERE ${LAYOUT_ROWS} AND NOT name = ANY ($2::text[])`, [bases, layout]);
    await tx.query('UPDATE crm_projection_checkpoints SET position = $2, updated_at = now() WHERE name = ANY ($1::text[])', [layout, position]);
    // The fresh tables hold every stream, the parked ones too: nothing is parked for them any more.
    await tx.query('DELETE FROM crm_dead_letters WHERE projector = ANY ($1::text[])', [bases]);
    for (const { schema, tables } of plans) {
      for (const table of tables) {
        await tx.exec(`DROP TABLE public.${table}; ALTER TABLE ${schema}.${table} SET SCHEMA public;`);
      }
      await tx.exec(`DROP SCHEMA ${schema} CASCADE;`);
    }
  });
  const seconds = (Date.now() - started) / 1000;
  return plans.map(({ projector }) => ({ projector: projector.name, events: count, position, seconds }));
}

/**
 * A fresh copy of a live table with its primary key only; answers the
 * statements that add its other indexes and constraints, with their live
 * names, once it is loaded.
 */
async function freshTable(sql: SqlClient, schema: string, table: string): Promise<string[]> {
  await sql.exec(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE)`);
  const constraints = await sql.query<{ name: string; type: string; definition: string }>(
    `SELECT conname AS name, contype AS type, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x') ORDER BY contype, conname`,
    [`public.${table}`],
  );
  const add = (c: { name: string; definition: string }) => `ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${ident(c.name)} ${c.definition}`;
  for (const c of constraints.filter((c) => c.type === 'p')) await sql.exec(add(c));
  // Indexes that back no constraint: their definitions, pointed at the fresh table.
  const indexes = await sql.query<{ definition: string }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
      WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY i.indexrelid`,
    [`public.${table}`],
  );
  const onFresh = (definition: string) => {
    const live = new RegExp(` ON (?:ONLY )?(?:public\\.)?${table} `);
    if (!live.test(definition)) throw new Error(`cannot place index on the fresh table: ${definition}`);
    return definition.replace(live, ` ON ${schema}.${table} `);
  };
  return [...constraints.filter((c) => c.type !== 'p').map(add), ...indexes.map((i) => onFresh(i.definition))];
}

export async function rebuildProjection(store: EventStore, sql: SqlClient, projector: Projector, options: RebuildOptions = {}): Promise<RebuildResult> {
  const [result] = await rebuildProjections(store, sql, [projector], options);
  return result;
}
