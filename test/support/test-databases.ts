// Real databases for integration tests: PGlite always, PostgreSQL when
// DATABASE_URL is set. Each test file gets its own database, made from a
// template migrated once per run (global-setup.ts), so files never share rows.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PGliteClient } from '../../libs/database/src/pglite-client';
import { PostgresClient } from '../../libs/database/src/postgres-client';
import { SqlClient } from '../../libs/database/src/sql-client';

export const PG_TEMPLATE = 'crm_test_template';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, migrated database; `dispose` closes and deletes it. */
  open(): Promise<{ sql: SqlClient; url?: string; dataDir?: string; dispose: () => Promise<void> }>;
}

export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && url.trim() !== '' ? url : undefined;
}

export function pgliteTemplateDir(): string {
  return process.env.CRM_TEST_PGLITE_TEMPLATE ?? path.join(os.tmpdir(), 'crm-test-pglite-template');
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const pglite: TestDatabase = {
  name: 'pglite',
  async open() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-test-'));
    fs.cpSync(pgliteTemplateDir(), dataDir, { recursive: true, filter: (src) => !src.endsWith('crm.lock') });
    const sql = await PGliteClient.open(dataDir);
    return {
      sql,
      dataDir,
      dispose: async () => {
        await sql.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const postgres = (baseUrl: string): TestDatabase => ({
  name: 'postgres',
  async open() {
    const name = `crm_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(baseUrl, name);
    const sql = new PostgresClient(url);
    return {
      sql,
      url,
      dispose: async () => {
        await sql.close();
        const drop = new Client({ connectionString: baseUrl });
        await drop.connect();
        try {
          await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await drop.end();
        }
      },
    };
  },
});

/** The databases this run tests against. */
export function testDatabases(): TestDatabase[] {
  const url = databaseUrl();
  return url ? [pglite, postgres(url)] : [pglite];
}
