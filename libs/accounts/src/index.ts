// The accounts slice's public face: sign-in and the credential check, the
// administration of accounts and API keys, the REST guards, the module.
export { ACCOUNTS_STREAM, decodeAccountEvent, evolve, initialAccounts } from './account';
export type { Account, AccountEvent, Accounts, ApiKey } from './account';
export { decide, USERNAME } from './business-logic';
export type { AccountCommand } from './business-logic';
export { AccountsService, accountMigrations, FIRST_ADMIN_ON_START, UNAUTHENTICATED_PRINCIPAL } from './accounts.service';
export { AuthenticationGuard, bearerCredential, Public } from './authentication.guard';
export { RateLimitGuard, rateLimits } from './rate-limit.guard';
export { AccountsModule } from './accounts.module';
