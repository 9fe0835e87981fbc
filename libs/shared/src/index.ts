// The pure part of the shared library: configuration, money, the shop
// calendar, errors, ids, text rules, the request context. Nothing here loads
// Nest; the HTTP and Nest pieces are in '@crm/shared/http'.
export * from './config';
export * from './money';
export * from './shop-calendar';
export * from './domain-error';
export * from './ids';
export * from './text';
export * from './request-context';
export * from './access';
export * from './event-types';
export * from './sealing';
export * from './storage-unavailable';
export * from './canonical-json';
