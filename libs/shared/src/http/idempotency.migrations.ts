// The table behind Idempotency-Key (the API's interceptor): the first answer to a key, with a hash of its request.
import type { Migration } from '@crm/database';

export const idempotencyMigrations: Migration[] = [
  {
    id: '0002_idempotency_keys',
    sql: `
CREATE TABLE crm_idempotency_keys (
  key          text PRIMARY KEY,
  request_hash text NOT NULL,
  status       integer,
  body         jsonb,
  headers      jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    // The process that claimed a key (SqlClient.presence): a retry takes over at once when that process is gone.
    id: '0016_idempotency_owner',
    sql: `ALTER TABLE crm_idempotency_keys ADD COLUMN owner text;`,
  },
];
