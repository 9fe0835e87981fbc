// Chooses the database from configuration: PostgreSQL when DATABASE_URL is
// set, otherwise embedded PGlite under DATA_DIR.
import { AppConfig } from '@crm/shared';
import { PGliteClient } from './pglite-client';
import { PostgresClient } from './postgres-client';
import { SqlClient } from './sql-client';

export async function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<SqlClient> {
  if (config.databaseUrl) {
    const client = new PostgresClient(config.databaseUrl);
    await client.ping();
    return client;
  }
  return PGliteClient.open(config.dataDir);
}
