// Webhook secrets at rest: sealed with the master key, bound to their webhook.
// HMAC needs the secret itself at the sender, so it cannot be hashed; sealed,
// a copy of the database (a backup, a dump) does not give it away.
import type { SqlExecutor } from '@crm/database';
import { isSealed, seal, unseal } from '@crm/shared';

const boundTo = (webhookId: string) => `webhook-secret:${webhookId}`;

export const sealSecret = (masterKey: Buffer, webhookId: string, secret: string): string => seal(masterKey, secret, boundTo(webhookId));

/** The secret to sign with; a row stored before sealing (clear) reads as it is until sealStoredSecrets runs. */
export const openSecret = (masterKey: Buffer, webhookId: string, stored: string): string => (isSealed(stored) ? unseal(masterKey, stored, boundTo(webhookId)) : stored);

/** Seals the secrets stored in clear by earlier versions; answers how many. */
export async function sealStoredSecrets(sql: SqlExecutor, masterKey: Buffer): Promise<number> {
  const clear = await sql.query<{ id: string; secret: string }>(`SELECT id, secret FROM crm_webhooks WHERE secret NOT LIKE 'v1.%'`);
  for (const row of clear) await sql.query('UPDATE crm_webhooks SET secret = $2 WHERE id = $1 AND secret = $3', [row.id, sealSecret(masterKey, row.id, row.secret), row.secret]);
  return clear.length;
}
