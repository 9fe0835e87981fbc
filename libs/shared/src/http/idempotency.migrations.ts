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
];
