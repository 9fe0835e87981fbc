// Once per test run: migrate a PGlite template folder and, when DATABASE_URL
// is set, a PostgreSQL template database; say which adapters will run.
import 'tsconfig-paths/register'; // globalSetup does not get Jest's moduleNameMapper
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../../libs/database/src/migrator';
import { PGliteClient } from '../../libs/database/src/pglite-client';
import { PostgresClient } from '../../libs/database/src/postgres-client';
import { allMigrations } from '@crm/wiring';
import { databaseUrl, PG_TEMPLATE, withDatabase } from './test-databases';

export default async function globalSetup(): Promise<void> {
  const url = databaseUrl();
  if (process.env.CI === 'true' && !url) {
    throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL suites must run in CI');
  }

  const templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-test-template-'));
  const lite = await PGliteClient.open(templateDir);
  await migrate(lite, allMigrations);
  await lite.close();
  process.env.CRM_TEST_PGLITE_TEMPLATE = templateDir;

  if (url) {
    const admin = new Client({ connectionString: url });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(`DATABASE_URL is set but PostgreSQL is not reachable: ${(error as Error).message}`);
    }
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${PG_TEMPLATE}`);
    } finally {
      await admin.end();
    }
    const template = new PostgresClient(withDatabase(url, PG_TEMPLATE));
    await migrate(template, allMigrations);
    await template.close();
  }

  // Importing the migrations loaded the slices, whose GraphQL types register in a process-wide store of
  // @nestjs/graphql. A test file run in this same process (one file: Jest runs in band) would build its schema
  // from those registrations, made with another copy of graphql: drop them.
  const global_ = globalThis as Record<string, unknown>;
  delete global_.GqlTypeMetadataStorage;
  delete global_.GqlLazyMetadataStorageHost;

  const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
  const line = (name: string, state: string) => `  ${name.padEnd(13)} ${state}`;
  console.log(
    [
      '',
      'Storage under test:',
      line('pglite', 'runs (embedded, template migrated)'),
      line('postgres', url ? `runs (${new URL(url).host}, one database per test file)` : 'SKIPPED: DATABASE_URL is not set'),
      line('eventstoredb', esdb ? 'runs (EVENTSTORE_CONNECTION_STRING)' : 'SKIPPED: EVENTSTORE_CONNECTION_STRING is not set'),
      '',
    ].join('\n'),
  );
}
