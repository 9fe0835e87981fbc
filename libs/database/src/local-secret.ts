// A secret generated once and kept in the data folder (mode 0600), for
// development when none is configured: tokens and encrypted personal data
// survive a restart. Production configures its secrets instead.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@crm/shared';

export function localSecret(dataDir: string, file: string, bytes: number): { value: Buffer; created: boolean } {
  const at = path.join(dataDir, file);
  try {
    const value = Buffer.from(fs.readFileSync(at, 'utf8').trim(), 'base64');
    if (value.length === bytes) return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(bytes);
  try {
    fs.writeFileSync(at, `${value.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return localSecret(dataDir, file, bytes);
    throw error;
  }
  return { value, created: true };
}

/**
 * The configuration with its secrets: those set in the environment, or in
 * development the ones kept in DATA_DIR (made on first use). Production
 * requires them set (loadConfig refuses to start without).
 */
export function withLocalSecrets(config: AppConfig): AppConfig {
  if (config.production) return config;
  return {
    ...config,
    authJwtSecret: config.authJwtSecret ?? localSecret(config.dataDir, 'auth-jwt-secret', 48).value.toString('base64'),
    masterKey: config.masterKey ?? localSecret(config.dataDir, 'master-key', 32).value,
  };
}
