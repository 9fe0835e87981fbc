// A projection's lag on /health and /metrics is counted up to a cap: a
// projection far behind costs the probe no more than one near (real SQL:
// PGlite always, PostgreSQL when DATABASE_URL is set).
import type { SqlClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { testDatabases } from '../../../test/support/test-databases';
import { ProjectionRunner } from './projection-runner';
import type { Projector } from './projector';

for (const database of testDatabases()) {
  describe(`projection status on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it('Given a projection 5 events behind, When its lag is counted up to 3, Then it says at least 3; up to 10, exactly 5', async () => {
      const store = new SqlEventStore(sql);
      const idle: Projector = { name: `idle-${crypto.randomUUID()}`, tables: [], apply: async () => undefined };
      const before = await store.lastPosition();
      await store.append(
        `note-${crypto.randomUUID()}`,
        [1, 2, 3, 4, 5].map((i) => ({ id: crypto.randomUUID(), type: 'Noted', data: { i } })),
      );
      await sql.query('INSERT INTO crm_projection_checkpoints (name, position) VALUES ($1, $2)', [idle.name, before]);
      const runner = new ProjectionRunner(store, sql, [idle]);
      expect(await runner.status({ countUpTo: 3 })).toMatchObject([{ name: idle.name, lag: 3, lagAtLeast: true, state: 'stopped' }]);
      const [exact] = await runner.status({ countUpTo: 10 });
      expect([exact.lag, exact.lagAtLeast]).toEqual([5, undefined]);
    });
  });
}
