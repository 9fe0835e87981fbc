// Projections survive a kill at any point. A child process is killed with
// SIGKILL at random moments: 10 times during `crm rebuild` of 20k+ events,
// and a few times while the service projects from 0. After each kill the live
// read models equal a clean rebuild (old tables intact or new ones swapped in
// whole), and finishing the work gives exactly the clean result.
import { SqlEventStore } from '../libs/event-store/src/adapters';
import { SqlClient } from '../libs/database/src';
import { PGliteClient } from '../libs/database/src/pglite-client';
import { PostgresClient } from '../libs/database/src/postgres-client';
import { ProjectionRunner, rebuildProjection } from '../libs/projections/src';
import { loadConfig } from '../libs/shared/src/config';
import { allProjectors } from '@crm/wiring';
import { testDatabases } from './support/test-databases';
import { appendHistory, snapshot } from './support/history';
import { child } from './support/child';

const projectors = allProjectors(loadConfig({}));
const tables = projectors.flatMap((p) => p.tables);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// About five minutes a database: run on PostgreSQL when it is there (CI), else on PGlite.
const databases = testDatabases();
const killTarget = databases.find((d) => d.name === 'postgres') ?? databases[0];

for (const database of [killTarget]) {
  describe(`projections survive SIGKILL on ${database.name}`, () => {
    jest.setTimeout(600_000);
    let open: () => Promise<SqlClient>;
    let env: Record<string, string>;
    let dispose: () => Promise<void>;
    let reference: Record<string, string[]>;
    let rebuildMs = 2_000;

    beforeAll(async () => {
      const db = await database.open();
      dispose = db.dispose;
      open = db.url ? async () => new PostgresClient(db.url as string) : async () => PGliteClient.open(db.dataDir);
      env = db.url ? { DATABASE_URL: db.url } : { DATA_DIR: db.dataDir as string };
      const store = new SqlEventStore(db.sql);
      const events = await appendHistory(store, 3_600, 11);
      expect(events).toBeGreaterThan(20_000);
      const started = Date.now();
      for (const projector of projectors) await rebuildProjection(store, db.sql, projector);
      rebuildMs = Date.now() - started;
      reference = await snapshot(db.sql, tables);
      await db.sql.close(); // PGlite has one owner: the children need the folder
    });
    afterAll(async () => dispose?.());

    it('10 kills at random points of a rebuild leave the read models whole; the next rebuild finishes them', async () => {
      for (let round = 0; round < 10; round++) {
        const run = child(['apps/cli/src/main.ts', 'rebuild'], env);
        await run.started;
        await sleep(Math.random() * rebuildMs);
        run.proc.kill('SIGKILL');
        await run.exited;
        const sql = await open();
        try {
          expect(await snapshot(sql, tables)).toEqual(reference);
        } finally {
          await sql.close();
        }
      }
      const sql = await open();
      try {
        const store = new SqlEventStore(sql);
        for (const projector of projectors) await rebuildProjection(store, sql, projector);
        expect(await snapshot(sql, tables)).toEqual(reference);
      } finally {
        await sql.close();
      }
    });

    it('kills of the service while it projects from 0 lose and double nothing', async () => {
      let sql = await open();
      await sql.exec(`TRUNCATE ${tables.join(', ')}; DELETE FROM crm_projection_checkpoints;`);
      await sql.close();
      for (let round = 0; round < 3; round++) {
        const port = String(40_000 + Math.floor(Math.random() * 20_000));
        const run = child(['apps/api/src/main.ts'], { ...env, PORT: port, LOG_LEVEL: 'log' });
        await run.started;
        await sleep(Math.random() * rebuildMs);
        run.proc.kill('SIGKILL');
        await run.exited;
      }
      sql = await open();
      try {
        const store = new SqlEventStore(sql);
        const runner = new ProjectionRunner(store, sql, projectors);
        await runner.start();
        const [row] = await sql.query<{ p: string }>('SELECT max(global_position)::text AS p FROM crm_events');
        expect(await runner.waitFor(Number(row.p), 120_000)).toBe(true);
        await runner.stop();
        expect(await snapshot(sql, tables)).toEqual(reference);
      } finally {
        await sql.close();
      }
    });
  });
}
