// The customer slice's public face: its events and decider, the commands and
// application service every transport calls, the read models it publishes,
// and the module.
export { decodeCustomerEvent, evolve, initialCustomer, CONSENT_CHANNELS, CONTACT_CHANNELS } from './customer';
export type { Customer, CustomerEvent, CustomerEventType, Profile, PurchaseItem, Region } from './customer';
export { decide, marketingStage } from './business-logic';
export type { CustomerCommand, CustomerRules } from './business-logic';
export { CommandInBatchError, customerRules, customerStream, ExecuteCustomerCommand, naturalEventId } from './customer-commands';
export { CustomerCommandsService } from './customer-commands.service';
export { CustomerViewsService } from './customer-views.service';
export { customerIdForRef, purchaseCommand, refundCommand } from './customer-inputs';
export type { ContactInput, ImportedRows, ListInput, PurchaseInput, RefundInput, RegisterInput, Written } from './customer-inputs';
export type { CustomerView } from './customer-view';
export { customerHistoryOf, loadCustomerHistory } from './customer-history';
export type { CustomerHistory } from './customer-history';
export { CustomerListProjector, customerListMigrations } from './customer-list/customer-list.projector';
export { encodeCursor, listCustomers } from './customer-list/customer-list.query';
export type { CustomerListItem } from './customer-list/customer-list.query';
export { CustomersModule } from './customers.module';
export { CustomerType, PageInfoType } from './graphql/customer.types';
export { CustomerKeys, customerKeyMigrations, loadDataKeys } from './privacy/customer-keys';
export { displayProfile, ERASED, PERSONAL_FIELDS } from './privacy/personal-data';
export type { DataKey } from './privacy/personal-data';
