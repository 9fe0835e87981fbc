export * from './customer';
export * from './business-logic';
export * from './customer-commands';
export * from './customer-view';
export * from './customers.controller';
export * from './customers.module';
export * from './customer-list/customer-list.projector';
export * from './customer-list/customer-list.query';
