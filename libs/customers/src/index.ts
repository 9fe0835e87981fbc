// The customer slice's public face: its events and decider, the commands and
// application service every transport calls, the stream reader the read side
// builds on, sealing, and the module. The customer's read side is
// @crm/customer-views.
export { decodeCustomerEvent, evolve, initialCustomer, CONSENT_CHANNELS, CONTACT_CHANNELS } from './customer';
export type { Customer, CustomerEvent, CustomerEventType, Profile, PurchaseItem, Region } from './customer';
export { decide, marketingStage } from './business-logic';
export type { CustomerCommand, CustomerRules } from './business-logic';
export { CommandInBatchError, customerRules, customerStream, ExecuteCustomerCommand, naturalEventId } from './customer-commands';
export { CustomerCommandsService } from './customer-commands.service';
export { customerIdForRef, purchaseCommand, refundCommand } from './customer-inputs';
export type { ContactInput, ImportedRows, PurchaseInput, RefundInput, RegisterInput, Written } from './customer-inputs';
export { customerHistoryOf, loadCustomerHistories, loadCustomerHistory } from './customer-history';
export type { CustomerHistory } from './customer-history';
export { CustomersModule } from './customers.module';
/** The profile's rules as the API checks them (the import checks its profile columns with the same). */
export { ProfileDto } from './customers.dto';
export { CUSTOMER_KEYS_SEALED, CustomerKeys, customerKeyMigrations, loadDataKeys } from './privacy/customer-keys';
export { checkMasterKey, masterKeyCheckMigrations, resealMasterKeyCheck, WrongMasterKeyError } from './privacy/master-key-check';
export { displayProfile, ERASED, PERSONAL_FIELDS } from './privacy/personal-data';
export type { DataKey } from './privacy/personal-data';
