// The event store's adapters (@crm/event-store/adapters): SQL (PostgreSQL and
// PGlite) with its migrations, EventStoreDB / KurrentDB, and the choice of one
// from the configuration.
export * from './postgres/sql-event-store';
export * from './postgres/event-store.migrations';
export * from './eventstoredb/eventstoredb-event-store';
export * from '../open-event-store';
