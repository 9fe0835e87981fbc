// A projector whose preparation step (work done before the batch's
// transaction) fails is the one that leaves the group: the others go on
// (real SQL: PGlite always, PostgreSQL when DATABASE_URL is set).
import type { SqlClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { testDatabases } from '../../../test/support/test-databases';
import { ProjectionRunner } from './projection-runner';
import type { Projector } from './projector';

for (const database of testDatabases()) {
  describe(`a failing preparation on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it('Given a projector whose prepare throws, When events arrive, Then the others project them and only it is held back', async () => {
      const store = new SqlEventStore(sql);
      const applied: string[] = [];
      let broken = true;
      const suffix = crypto.randomUUID();
      const good: Projector = { name: `good-${suffix}`, tables: [], apply: async (events) => void applied.push(...events.map((e) => e.id)) };
      const preparing: Projector = {
        name: `preparing-${suffix}`,
        tables: [],
        prepare: async () => {
          if (broken) throw new Error('derivation failed');
        },
        apply: async () => undefined,
      };
      const runner = new ProjectionRunner(store, sql, [good, preparing], { pollIntervalMs: 20, maxRetryDelayMs: 50, failAfter: 2 });
      await runner.start();
      try {
        const { lastPosition } = await store.append(`note-${suffix}`, [{ id: crypto.randomUUID(), type: 'Noted', data: {} }]);
        expect(await runner.waitFor(lastPosition, 5_000, [good.name])).toBe(true);
        const stuck = (await runner.status()).find((s) => s.name === preparing.name);
        expect(stuck?.position).toBeLessThan(lastPosition);
        broken = false;
        expect(await runner.waitFor(lastPosition, 5_000, [preparing.name])).toBe(true);
      } finally {
        await runner.stop();
      }
    });
  });
}
