// Chooses the event store adapter from configuration: EventStoreDB when
// EVENTSTORE_CONNECTION_STRING is set, otherwise the SQL store on the database.
import { SqlClient } from '@crm/database';
import { AppConfig } from '@crm/shared';
import { EventStoreDbEventStore } from './adapters/eventstoredb/eventstoredb-event-store';
import { SqlEventStore } from './adapters/postgres/sql-event-store';
import { EventStore } from './event-store';
import { SqlSnapshotStore } from './stream-states';

export function openEventStore(config: Pick<AppConfig, 'eventStoreConnectionString'>, sql: SqlClient): EventStore {
  return config.eventStoreConnectionString ? new EventStoreDbEventStore(config.eventStoreConnectionString, new SqlSnapshotStore(sql)) : new SqlEventStore(sql);
}
