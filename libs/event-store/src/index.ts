// The event store port (@crm/event-store): the interface, its errors, the
// catch-up subscription, partitions and the one command shape (load, decide,
// append). No adapter and no Nest here: the adapters are
// @crm/event-store/adapters, the Nest module @crm/event-store/nest.
export * from './event-store';
export * from './partition';
export * from './validate-append';
export * from './catch-up-subscription';
export * from './command-handling';
export * from './stream-states';
