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
  const local = config.masterKey === undefined;
  return {
    ...config,
    authJwtSecret: config.authJwtSecret ?? localSecret(config.dataDir, 'auth-jwt-secret', 48).value.toString('base64'),
    masterKey: config.masterKey ?? localSecret(config.dataDir, 'master-key', 32).value,
    // A rotation of the local key that has not finished: its new key opens what it re-wrapped.
    masterKeyRotation: config.masterKeyRotation ?? (local ? keptSecret(config.dataDir, NEXT_MASTER_KEY, 32) : undefined),
  };
}

/** Where `crm keys rotate-master` keeps the new local master key until every value is re-wrapped under it. */
export const NEXT_MASTER_KEY = 'master-key.next';

function keptSecret(dataDir: string, file: string, bytes: number): Buffer | undefined {
  try {
    const value = Buffer.from(fs.readFileSync(path.join(dataDir, file), 'utf8').trim(), 'base64');
    return value.length === bytes ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The rotation's new local master key becomes the master key (the old one is gone: back up the new one). */
export function finishLocalRotation(dataDir: string): void {
  fs.renameSync(path.join(dataDir, NEXT_MASTER_KEY), path.join(dataDir, 'master-key'));
}
