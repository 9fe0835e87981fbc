// The event store contract on the SQL adapter: PGlite always, PostgreSQL when DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { SqlEventStore } from './sql-event-store';
import { CatchUpSubscription } from '../../catch-up-subscription';
import { eventStoreContract, waitUntil } from '../../contract/event-store.contract';
import { testDatabases } from '../../../../../test/support/test-databases';

for (const database of testDatabases()) {
  eventStoreContract(
    database.name,
    async () => {
      const { sql, dispose } = await database.open();
      return { store: new SqlEventStore(sql), dispose };
    },
    { atomicAppendMany: true },
  );
}

// On PGlite an append is visible to the next read at once, so only the wake-up is under test here
// (on a shared PostgreSQL server, gap safety may rightly delay a read behind other transactions).
describe('catch-up subscription wake-ups on pglite', () => {
  const pglite = testDatabases().find((d) => d.name === 'pglite');
  let store: SqlEventStore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const db = await (pglite as NonNullable<typeof pglite>).open();
    store = new SqlEventStore(db.sql);
    dispose = db.dispose;
  });
  afterAll(async () => dispose?.());

  it('an append announced while a batch is being handled is read at once, not after the poll interval', async () => {
    const seen: string[] = [];
    let appended = false;
    const sub = new CatchUpSubscription(store, {
      after: 0,
      pollIntervalMs: 60_000,
      handle: async (events) => {
        seen.push(...events.map((e) => e.type));
        if (!appended) {
          appended = true;
          await store.append(`wake-${randomUUID()}`, [{ id: randomUUID(), type: 'Second', data: {} }], 'noStream');
        }
      },
    });
    await store.append(`wake-${randomUUID()}`, [{ id: randomUUID(), type: 'First', data: {} }], 'noStream');
    try {
      await waitUntil(() => seen.includes('Second'), 5_000);
    } finally {
      await sub.stop();
    }
    expect(seen).toEqual(['First', 'Second']);
  });
});
