// Rebuilding a read model from 0 gives exactly the rows incremental
// projection gave, and a runner keeps going after a rebuild swapped in.
import { randomUUID } from 'node:crypto';
import { SqlEventStore } from '../../event-store/src/adapters';
import { SqlClient } from '../../database/src';
import { testDatabases } from '../../../test/support/test-databases';
import { appendHistory, snapshot } from '../../../test/support/history';
import { allProjectors } from '@crm/wiring';
import { loadConfig } from '../../shared/src/config';
import { ProjectionRunner } from './projection-runner';
import { rebuildProjection, rebuildProjections } from './rebuild';

const projectors = allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' }));
const tables = projectors.flatMap((p) => p.tables);

async function caughtUp(runner: ProjectionRunner, store: SqlEventStore, sql: SqlClient): Promise<void> {
  const [row] = await sql.query<{ p: string }>('SELECT max(global_position)::text AS p FROM crm_events');
  if (!(await runner.waitFor(Number(row.p), 60_000))) throw new Error('projections did not catch up');
}

for (const database of testDatabases()) {
  describe(`rebuild on ${database.name}`, () => {
    let sql: SqlClient;
    let store: SqlEventStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const db = await database.open();
      sql = db.sql;
      dispose = db.dispose;
      store = new SqlEventStore(sql);
      await appendHistory(store, 600);
    });
    afterAll(async () => dispose?.());

    it('a rebuild from 0 (all read models in one pass) yields exactly the rows incremental processing yielded, row by row', async () => {
      const runner = new ProjectionRunner(store, sql, projectors, { batchSize: 97 });
      await runner.start();
      await caughtUp(runner, store, sql);
      await runner.stop();
      const incremental = await snapshot(sql, tables);
      expect(incremental.rm_customers.length).toBe(600);
      expect(incremental.rm_timeline.length).toBeGreaterThan(2_000);

      const indexes = () =>
        sql.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY ($1::text[]) ORDER BY indexname`, [tables]);
      const constraints = () =>
        sql.query(
          `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
            WHERE conrelid = ANY (SELECT ('public.' || unnest($1::text[]))::regclass) ORDER BY conname`,
          [tables],
        );
      const [indexesBefore, constraintsBefore] = [await indexes(), await constraints()];
      const phases: string[] = [];

      await rebuildProjections(store, sql, projectors, { batchSize: 1_000, onProgress: (p) => phases.push(p.phase) });
      const rebuilt = await snapshot(sql, tables);
      for (const table of tables) expect(rebuilt[table]).toEqual(incremental[table]);
      // Loaded without secondary indexes, the tables end with the very indexes and constraints the migrations made.
      expect(await indexes()).toEqual(indexesBefore);
      expect(await constraints()).toEqual(constraintsBefore);
      expect(indexesBefore.length).toBeGreaterThan(tables.length);
      expect([...new Set(phases)]).toEqual(['projecting', 'finishing', 'indexing', 'swapping']);
    });

    it('a runner that projected before a rebuild continues after the swap without doubling anything', async () => {
      const runner = new ProjectionRunner(store, sql, projectors, { batchSize: 50 });
      await runner.start();
      try {
        await caughtUp(runner, store, sql);
        const more = appendHistory(store, 100, 7);
        for (const projector of projectors) await rebuildProjection(store, sql, projector, { batchSize: 500 });
        await more;
        await store.append(
          `customer-${randomUUID()}`,
          [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId: randomUUID(), profile: {} }, metadata: { occurredAt: '2024-01-01T00:00:00.000Z' } }],
          'noStream',
        );
        await caughtUp(runner, store, sql);
      } finally {
        await runner.stop();
      }
      const live = await snapshot(sql, tables);
      for (const projector of projectors) await rebuildProjection(store, sql, projector);
      const clean = await snapshot(sql, tables);
      for (const table of tables) expect(live[table]).toEqual(clean[table]);
      expect(live.rm_customers.length).toBe(701);
    });
  });
}
