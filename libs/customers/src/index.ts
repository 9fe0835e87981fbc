// The customer slice's public face: its events and decider, the commands and
// application service every transport calls, the read models it publishes,
// and the module.
export { decodeCustomerEvent, evolve, initialCustomer, CONSENT_CHANNELS, CONTACT_CHANNELS } from './customer';
export type { Customer, CustomerEvent, CustomerEventType, Profile, PurchaseItem, Region } from './customer';
export { decide, marketingStage } from './business-logic';
export type { CustomerCommand, CustomerRules } from './business-logic';
export { CommandInBatchError, customerRules, customerStream, ExecuteCustomerCommand, naturalEventId } from './customer-commands';
export { CustomersService, customerIdForRef } from './customers.service';
export type { ContactInput, ListInput, PurchaseInput, RefundInput, RegisterInput } from './customers.service';
export type { CustomerView } from './customer-view';
export { customerHistoryOf, loadCustomerHistory } from './customer-history';
export type { CustomerHistory } from './customer-history';
export { CustomerListProjector, customerListMigrations } from './customer-list/customer-list.projector';
export { encodeCursor, listCustomers, scanCustomerFacts } from './customer-list/customer-list.query';
export type { CustomerListItem } from './customer-list/customer-list.query';
export { rfmAsOf } from './analytics/rfm.query';
export { stickiness } from './analytics/stickiness.query';
export { AnalyticsService, RFM_SEGMENTS } from './analytics/analytics.service';
export { CustomersModule } from './customers.module';
export { CustomerType, PageInfoType } from './graphql/customer.types';
export { CustomerKeys, customerKeyMigrations, loadDataKeys } from './privacy/customer-keys';
export { displayProfile, ERASED, PERSONAL_FIELDS } from './privacy/personal-data';
export type { DataKey } from './privacy/personal-data';
export { checkRow, columnIndexes, IMPORT_COLUMNS, ImportFileError, parseColumnMap, readImportRows } from './import/import-file';
export type { ImportColumn, ImportRow, ReadItem, RejectedRow } from './import/import-file';
export { Importer } from './import/importer';
export type { ImportOptions, ImportProgress, ImportSummary } from './import/importer';
export { importMigrations } from './import/imports.store';
export { ImportsService } from './import/imports.service';
export { ImportsModule } from './import/imports.module';
