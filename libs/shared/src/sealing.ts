// AES-256-GCM sealing of a short secret, bound to what it belongs to (the
// additional data): a sealed value copied to another row does not open.
// Used for personal fields, wrapped customer keys and webhook secrets.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AppConfig } from './config';

export function masterKeyOf(config: Pick<AppConfig, 'masterKey'>): Buffer {
  if (!config.masterKey) throw new Error('no master key: CRM_MASTER_KEY is not set and no local one was made (withLocalSecrets)');
  return config.masterKey;
}

export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), body.toString('base64'), cipher.getAuthTag().toString('base64')].join('.');
}

export function unseal(key: Buffer, sealed: string, aad: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64')).setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

/** The keys that may open a sealed value: the master key first, then the other key of a rotation in progress. */
export function openingKeysOf(config: Pick<AppConfig, 'masterKey' | 'masterKeyRotation'>): Buffer[] {
  return config.masterKeyRotation ? [masterKeyOf(config), config.masterKeyRotation] : [masterKeyOf(config)];
}

/** `unseal` with the first of `keys` that opens the value (AES-GCM tells a wrong key by its tag); throws when none does. */
export function unsealWithAny(keys: readonly Buffer[], sealed: string, aad: string): string {
  let failure: unknown = new Error('no key to open a sealed value');
  for (const key of keys) {
    try {
      return unseal(key, sealed, aad);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

export const isSealed = (value: string): boolean => value.startsWith('v1.');
