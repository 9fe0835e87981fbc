// Starts the real application (the same pipeline as main.ts) on a fresh test database.
import { INestApplication } from '@nestjs/common';
import { createApp } from '../../apps/api/src/create-app';
import { loadConfig } from '../../libs/shared/src/config';
import { TestDatabase } from './test-databases';

export interface RunningApp {
  app: INestApplication;
  close: () => Promise<void>;
}

export async function startTestApp(database: TestDatabase, env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  const { url, dataDir, sql, dispose } = await database.open();
  // The app opens the database itself, from configuration, as in production.
  await sql.close();
  const config = loadConfig({ LOG_LEVEL: 'error', ...env, DATABASE_URL: url, DATA_DIR: dataDir });
  const app = await createApp(config);
  await app.init();
  return {
    app,
    close: async () => {
      await app.close();
      await dispose();
    },
  };
}
