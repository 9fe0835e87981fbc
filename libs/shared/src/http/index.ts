// The Nest and HTTP part of the shared library: problem+json, request
// context from headers, DTO validators, OpenAPI shapes, the config module.
// Domain code imports '@crm/shared' (pure) and never this.
export * from './request-context';
export * from './problem';
export * from './validators';
export * from './write-response';
export * from './openapi';
export * from './config.module';
export * from './platform';
export * from './graphql';
