// The event store contract on EventStoreDB / KurrentDB. No server can run on
// the CI machines, so this suite is reported as skipped unless
// EVENTSTORE_CONNECTION_STRING points at one (docker-compose.yml starts it).
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { eventStoreContract } from '../../contract/event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract(
    'eventstoredb',
    async () => {
      const store = new EventStoreDbEventStore(connectionString);
      return { store, dispose: () => store.close() };
    },
    { atomicAppendMany: false },
  );
} else {
  describe.skip('event store contract: eventstoredb (EVENTSTORE_CONNECTION_STRING not set)', () => {
    it('runs against a reachable EventStoreDB', () => undefined);
  });
}
