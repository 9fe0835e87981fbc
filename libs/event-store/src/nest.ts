// The event store's Nest module (@crm/event-store/nest): the store the
// configuration names, metered, as EVENT_STORE.
export * from './event-store.module';
