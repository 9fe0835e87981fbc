// Starts the real application (the same pipeline as main.ts) on a fresh test
// database, with an admin signed in: requests made with `http(running)` carry
// its token, and `tokenFor` signs in other accounts (created on first use).
import { INestApplication } from '@nestjs/common';
import { createApp } from '../../apps/api/src/create-app';
import { AccountsService } from '../../libs/accounts/src';
import { loadConfig } from '../../libs/shared/src/config';
import { contextFor, operatorPrincipal, Principal, Role } from '../../libs/shared/src';
import { TestDatabase } from './test-databases';

export interface RunningApp {
  app: INestApplication;
  /** The access token of the test admin ("test-admin"). */
  token: string;
  /** A token of an account with this username and role, created on first use. */
  tokenFor: (username: string, role?: Role) => Promise<string>;
  close: () => Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function startTestApp(database: TestDatabase, env: NodeJS.ProcessEnv = {}, options: { benchmarkPrincipal?: Principal } = {}): Promise<RunningApp> {
  const { url, dataDir, sql, dispose } = await database.open();
  // The app opens the database itself, from configuration, as in production.
  await sql.close();
  const config = loadConfig({ LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000', ...env, DATABASE_URL: url, DATA_DIR: dataDir });
  const app = await createApp(config, options);
  await app.init();
  const accounts = app.get(AccountsService);
  const tokens = new Map<string, string>();
  const tokenFor = async (username: string, role: Role = 'agent') => {
    const known = tokens.get(username);
    if (known) return known;
    if ((await accounts.accountIdOf(username)) === undefined) await accounts.create({ username, password: TEST_PASSWORD, role }, contextFor(operatorPrincipal()));
    const { accessToken } = await accounts.login(username, TEST_PASSWORD);
    tokens.set(username, accessToken);
    return accessToken;
  };
  return {
    app,
    token: await tokenFor('test-admin', 'admin'),
    tokenFor,
    close: async () => {
      await app.close();
      await dispose();
    },
  };
}
