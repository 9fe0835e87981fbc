// The event store contract on the SQL adapter: PGlite always, PostgreSQL when DATABASE_URL is set.
import { SqlEventStore } from './sql-event-store';
import { eventStoreContract } from '../../contract/event-store.contract';
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
