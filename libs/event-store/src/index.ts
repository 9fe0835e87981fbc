export * from './event-store';
export * from './validate-append';
export * from './catch-up-subscription';
export * from './adapters/postgres/sql-event-store';
export * from './adapters/postgres/event-store.migrations';
export * from './adapters/eventstoredb/eventstoredb-event-store';
export * from './open-event-store';
export * from './event-store.module';
