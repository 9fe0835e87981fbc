// Entry point of the API service: validates configuration, opens storage,
// serves HTTP, and closes storage cleanly on SIGINT/SIGTERM.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataDirInUseError, DataDirLock } from '@crm/database';
import { ConfigError, loadConfig } from '@crm/shared';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) DataDirLock.assertFree(config.dataDir);
  const app = await createApp(config);
  const logger = new Logger('crm');
  // Close storage (PGlite flushes and releases its lock) and exit 0 on SIGINT/SIGTERM.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: closing`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`crm: failed to close cleanly: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen(config.port);
  const storage = config.eventStoreConnectionString ? 'EventStoreDB' : config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  const base = `http://localhost:${config.port}`;
  logger.log(`listening on ${base} (events: ${storage}): health ${base}/health, REST ${base}/api/v1, OpenAPI ${base}/api/docs`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`crm: configuration error: ${error.message}`);
  } else if (error instanceof DataDirInUseError) {
    console.error(`crm: ${error.message}`);
  } else {
    console.error(`crm: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
