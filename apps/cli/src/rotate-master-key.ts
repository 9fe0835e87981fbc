// crm keys rotate-master: every customer data key and webhook secret
// re-wrapped under a new master key, then the key check sealed with it.
// Resumable: what already opens with the new key is left alone. Nothing is
// unreadable meanwhile for processes that hold both keys (the current one,
// and the new one as CRM_MASTER_KEY_ROTATION; docs/operations.md).
import { readFileSync } from 'node:fs';
import { localSecret, NEXT_MASTER_KEY, rewrapSealed, RewrapProgress, SqlClient } from '@crm/database';
import { AppConfig, masterKeyOf } from '@crm/shared';
import { CUSTOMER_KEYS_SEALED, resealMasterKeyCheck } from '@crm/customers';
import { WEBHOOK_SECRETS_SEALED } from '@crm/webhooks';

export class RotateUsageError extends Error {}

export interface RotateOptions {
  newKeyFile?: string;
}

export function parseRotateArgs(args: string[]): RotateOptions {
  const [sub, ...rest] = args;
  if (sub !== 'rotate-master') throw new RotateUsageError('usage: crm keys rotate-master [--new-key-file F]');
  if (rest.length === 0) return {};
  if (rest[0] !== '--new-key-file' || !rest[1] || rest.length > 2) throw new RotateUsageError('usage: crm keys rotate-master [--new-key-file F]');
  return { newKeyFile: rest[1] };
}

/**
 * The new key: from the file given, or (development, the key kept in
 * DATA_DIR) one made now and kept beside it until the rotation finishes, so
 * that a run stopped half-way resumes with the same key.
 */
export function newMasterKey(config: AppConfig, options: RotateOptions, env: NodeJS.ProcessEnv = process.env): { key: Buffer; local: boolean } {
  if (options.newKeyFile) {
    const key = Buffer.from(readFileSync(options.newKeyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new RotateUsageError(`${options.newKeyFile} must hold 32 bytes in base64 (openssl rand -base64 32)`);
    if (key.equals(masterKeyOf(config))) throw new RotateUsageError('the new key is the key in use');
    return { key, local: false };
  }
  if (config.production || env.CRM_MASTER_KEY) throw new RotateUsageError('CRM_MASTER_KEY is configured: give the new key with --new-key-file F');
  return { key: localSecret(config.dataDir, NEXT_MASTER_KEY, 32).value, local: true };
}

export async function rotateMasterKey(sql: SqlClient, config: AppConfig, next: Buffer, onProgress: (p: RewrapProgress) => void) {
  const keys = { open: [masterKeyOf(config), ...(config.masterKeyRotation ? [config.masterKeyRotation] : [])], next };
  const customerKeys = await rewrapSealed(sql, CUSTOMER_KEYS_SEALED, keys, onProgress);
  const webhookSecrets = await rewrapSealed(sql, WEBHOOK_SECRETS_SEALED, keys, onProgress);
  await resealMasterKeyCheck(sql, next);
  return { customerKeys, webhookSecrets };
}
