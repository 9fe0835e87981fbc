// Versioned, forward-only schema migrations. Each slice contributes its own;
// they are applied in id order, each in its own transaction under a
// transaction-level advisory lock, so two starting processes do not race
// (a session lock would not survive a connection pool).
import { SqlClient } from './sql-client';

export interface Migration {
  /** Sortable and unique across slices, e.g. "0001_event_store". */
  id: string;
  sql: string;
}

const LOCK = 'SELECT pg_advisory_xact_lock(7413001)';

export async function migrate(client: SqlClient, migrations: readonly Migration[]): Promise<string[]> {
  const sorted = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  if (new Set(sorted.map((m) => m.id)).size !== sorted.length) throw new Error('duplicate migration ids');
  await client.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.query('CREATE TABLE IF NOT EXISTS crm_schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  });
  const applied: string[] = [];
  for (const m of sorted) {
    const ran = await client.transaction(async (tx) => {
      await tx.query(LOCK);
      const done = await tx.query('SELECT 1 FROM crm_schema_migrations WHERE id = $1', [m.id]);
      if (done.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO crm_schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (ran) applied.push(m.id);
  }
  return applied;
}

export async function appliedMigrations(client: SqlClient): Promise<string[]> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('crm_schema_migrations')::text AS t");
  if (!exists[0]?.t) return [];
  return (await client.query<{ id: string }>('SELECT id FROM crm_schema_migrations ORDER BY id')).map((r) => r.id);
}
