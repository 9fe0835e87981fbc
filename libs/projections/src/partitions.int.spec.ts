// Partitioned projections: the by-stream read models split into partitions
// (each its own checkpoint and subscription, reading only its streams) give
// exactly the rows a clean rebuild gives; checkpoints move between layouts
// only where that is safe, and a rebuild lays them out anew.
import { partitionOf } from '../../event-store/src';
import { SqlEventStore } from '../../event-store/src/adapters';
import { SqlClient } from '../../database/src';
import { testDatabases } from '../../../test/support/test-databases';
import { appendHistory, snapshot } from '../../../test/support/history';
import { allProjectors } from '@crm/wiring';
import { loadConfig } from '../../shared/src/config';
import { PartitionLayoutError } from './partition-layout';
import { ProjectionRunner } from './projection-runner';
import { partitioned } from './projector';
import { rebuildProjections } from './rebuild';

const projectors = allProjectors(loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' }));
const tables = projectors.flatMap((p) => p.tables);

for (const database of testDatabases()) {
  describe(`partitioned projections on ${database.name}`, () => {
    let sql: SqlClient;
    let store: SqlEventStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      store = new SqlEventStore(sql);
      await appendHistory(store, 300);
    });
    afterAll(async () => dispose?.());

    const last = async () => Number((await sql.query<{ p: string }>('SELECT max(global_position)::text AS p FROM crm_events'))[0].p);
    const checkpoints = async () =>
      (await sql.query<{ name: string; position: string }>('SELECT name, position::text AS position FROM crm_projection_checkpoints ORDER BY name')).map(
        (r) => `${r.name}@${r.position}`,
      );
    /** Projects with `count` partitions until caught up, checking that each partition saw its own streams only. */
    async function project(count: number): Promise<void> {
      const runner = new ProjectionRunner(store, sql, partitioned(projectors, count), { batchSize: 61, pollIntervalMs: 10 });
      const strays: string[] = [];
      runner.onBatch((name, events) => {
        const [, index] = /#(\d+)\//.exec(name) ?? [];
        if (index !== undefined) strays.push(...events.filter((e) => partitionOf(e.streamId, count) !== Number(index)).map((e) => e.streamId));
      });
      await runner.start();
      try {
        expect(await runner.waitFor(await last(), 60_000)).toBe(true);
        // waitFor covers the partitions the event fell in; every partition catches up soon after.
        for (let tries = 0; !(await runner.status()).every((st) => st.lag === 0 && st.state === 'running'); tries++) {
          if (tries > 600) throw new Error('partitions did not catch up');
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await runner.stop();
      }
      expect(strays).toEqual([]);
    }
    async function expectSameAsRebuild(count: number): Promise<void> {
      const live = await snapshot(sql, tables);
      await rebuildProjections(store, sql, projectors, { partitions: count });
      const clean = await snapshot(sql, tables);
      for (const table of tables) expect(live[table]).toEqual(clean[table]);
    }

    it('given the log split in 3, each partition reads only its streams, and the read models equal a clean rebuild', async () => {
      await project(3);
      const names = (await checkpoints()).map((c) => c.split('@')[0]);
      expect(names).toEqual([
        'campaigns#0/3',
        'campaigns#1/3',
        'campaigns#2/3',
        'customer-list#0/3',
        'customer-list#1/3',
        'customer-list#2/3',
        'segment-members',
        'segments#0/3',
        'segments#1/3',
        'segments#2/3',
        'service-history#0/3',
        'service-history#1/3',
        'service-history#2/3',
        'tier-periods',
        'timeline#0/3',
        'timeline#1/3',
        'timeline#2/3',
      ]);
      await expectSameAsRebuild(3);
      // The rebuild laid every partition's checkpoint at its last position.
      const at = await last();
      expect(await checkpoints()).toEqual(names.map((n) => `${n}@${at}`));
    });

    it('given checkpoints at one position, a new count continues from there; at different positions it refuses until a rebuild', async () => {
      // 3 partitions at one position (the rebuild above) become 1, then 2: nothing applied twice, nothing lost.
      await appendHistory(store, 40, 2);
      await project(1);
      expect((await checkpoints()).map((c) => c.split('@')[0])).toEqual([
        'campaigns',
        'customer-list',
        'segment-members',
        'segments',
        'service-history',
        'tier-periods',
        'timeline',
      ]);
      await appendHistory(store, 40, 3);
      await project(2);
      const live = await snapshot(sql, tables);
      await appendHistory(store, 40, 4);
      await project(2);
      // Caught up, each partition's checkpoint is the end of the log: it moves past others' events too.
      expect(new Set((await checkpoints()).map((c) => c.split('@')[1]))).toEqual(new Set([String(await last())]));
      // One partition behind (its worker stopped mid-way): 3 cannot be carried over.
      await sql.query(`UPDATE crm_projection_checkpoints SET position = position - 7 WHERE name LIKE '%#0/2'`);
      const runner = new ProjectionRunner(store, sql, partitioned(projectors, 3));
      await expect(runner.start()).rejects.toThrow(PartitionLayoutError);
      await expect(runner.start()).rejects.toThrow(/run `npm run cli -- rebuild`/);
      await runner.stop();
      expect(live.rm_customers.length).toBe(380);
      await expectSameAsRebuild(3);
      await appendHistory(store, 10, 5);
      await project(3);
      await expectSameAsRebuild(3);
      expect((await snapshot(sql, ['rm_customers'])).rm_customers.length).toBe(430);
    });
    // Only PostgreSQL has other processes (PGlite's data folder is locked to one).
    if (database.name === 'postgres') {
      it('a process that does not project hears of batches projected elsewhere, each partition by name (NOTIFY crm_progress)', async () => {
        const bystander = new ProjectionRunner(store, sql, partitioned(projectors, 3));
        const heard = new Set<string>();
        bystander.onBatch((name, _events, checkpoint) => heard.add(`${name.split('#')[0]}@${checkpoint}`));
        await bystander.joinProcesses({ announceAppends: false });
        try {
          await appendHistory(store, 5, 6);
          await project(3);
          const at = await last();
          for (let tries = 0; !heard.has(`timeline@${at}`) && tries < 200; tries++) await new Promise((r) => setTimeout(r, 10));
          expect(heard).toContain(`timeline@${at}`);
        } finally {
          await bystander.stop();
        }
      });
    }
  });
}
