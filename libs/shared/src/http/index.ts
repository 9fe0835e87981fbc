export * from './request-context';
export * from './problem';
export * from './validators';
export * from './write-response';
export * from './openapi';
