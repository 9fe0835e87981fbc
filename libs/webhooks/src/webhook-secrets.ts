// Webhook secrets at rest: sealed with the master key, bound to their webhook.
// HMAC needs the secret itself at the sender, so it cannot be hashed; sealed,
// a copy of the database (a backup, a dump) does not give it away.
import type { SealedColumn, SqlExecutor } from '@crm/database';
import { isSealed, seal, unsealWithAny } from '@crm/shared';

const boundTo = (webhookId: string) => `webhook-secret:${webhookId}`;

/** The sealed secrets, for a master key rotation. */
export const WEBHOOK_SECRETS_SEALED: SealedColumn = { table: 'crm_webhooks', id: 'id', column: 'secret', aad: boundTo, what: 'webhook secret' };

export const sealSecret = (masterKey: Buffer, webhookId: string, secret: string): string => seal(masterKey, secret, boundTo(webhookId));

/** The secret to sign with; a row stored before sealing (clear) reads as it is until sealStoredSecrets runs. */
export const openSecret = (masterKeys: readonly Buffer[], webhookId: string, stored: string): string =>
  isSealed(stored) ? unsealWithAny(masterKeys, stored, boundTo(webhookId)) : stored;

/** Seals the secrets stored in clear by earlier versions; answers how many. */
export async function sealStoredSecrets(sql: SqlExecutor, masterKey: Buffer): Promise<number> {
  const clear = await sql.query<{ id: string; secret: string }>(`SELECT id, secret FROM crm_webhooks WHERE secret NOT LIKE 'v1.%'`);
  for (const row of clear) await sql.query('UPDATE crm_webhooks SET secret = $2 WHERE id = $1 AND secret = $3', [row.id, sealSecret(masterKey, row.id, row.secret), row.secret]);
  return clear.length;
}
