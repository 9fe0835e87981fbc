// Every slice's migrations, applied on start and by `crm migrate`.
import type { Migration } from '@crm/database';
import { serviceHistoryMigrations } from '@crm/complaints';
import { customerKeyMigrations, masterKeyCheckMigrations } from '@crm/customers';
import { customerListMigrations } from '@crm/customer-views';
import { importMigrations } from '@crm/imports';
import { eventStoreMigrations } from '@crm/event-store/adapters';
import { deadLetterMigrations, leaseMigrations, projectionMigrations } from '@crm/projections';
import { tierPeriodsMigrations } from '@crm/tiers';
import { timelineMigrations } from '@crm/timeline';
import { segmentMemberMigrations, segmentMigrations } from '@crm/segments';
import { campaignMigrations } from '@crm/campaigns';
import { accountMigrations } from '@crm/accounts';
import { webhookMigrations } from '@crm/webhooks';
import { idempotencyMigrations } from '@crm/shared/http/idempotency.migrations';

export const allMigrations: Migration[] = [
  ...eventStoreMigrations,
  ...idempotencyMigrations,
  ...projectionMigrations,
  ...customerListMigrations,
  ...timelineMigrations,
  ...serviceHistoryMigrations,
  ...accountMigrations,
  ...customerKeyMigrations,
  ...masterKeyCheckMigrations,
  ...importMigrations,
  ...leaseMigrations,
  ...webhookMigrations,
  ...tierPeriodsMigrations,
  ...deadLetterMigrations,
  ...segmentMigrations,
  ...segmentMemberMigrations,
  ...campaignMigrations,
];
