// Every slice's migrations, applied on start and by `crm migrate`.
import type { Migration } from '@crm/database';
import { eventStoreMigrations } from '@crm/event-store';
import { idempotencyMigrations } from './http/idempotency';

export const allMigrations: Migration[] = [...eventStoreMigrations, ...idempotencyMigrations];
