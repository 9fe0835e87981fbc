// The customer read side's public face: the views service other slices ask
// (complaints, timeline), the list read model and its query, the GraphQL
// customer type others nest, and the module.
export { CustomerViewsService } from './customer-views.service';
export type { CustomerView } from './customer-view';
export { categorySalesOf, CustomerListProjector, customerListMigrations } from './customer-list/customer-list.projector';
export { countCustomers, encodeCursor, listCustomers } from './customer-list/customer-list.query';
export { csvField, customerCsvLines, CSV_COLUMNS } from './customer-list/customer-csv';
export type { CustomerListItem, ListInput } from './customer-list/customer-list.query';
export { CustomerViewsModule } from './customer-views.module';
export { CustomerType, PageInfoType } from './graphql/customer.types';
export { fromView } from './graphql/customer-views.resolver';
