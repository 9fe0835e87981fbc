// The master key a process starts with must be the one the database was set
// up with: a wrong key cannot open the customers' data keys, and a projector
// running with it would empty the customer list's names without a word. The
// first start seals a known value with its key; every later start (API,
// worker, CLI) must open it, or refuses to start and says why.
import type { Migration, SqlClient } from '@crm/database';
import { seal, unsealWithAny } from '@crm/shared';

export const masterKeyCheckMigrations: Migration[] = [
  {
    id: '0017_master_key_check',
    sql: `
CREATE TABLE crm_master_key_check (
  id         integer PRIMARY KEY CHECK (id = 1),
  sealed     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
  },
];

const KNOWN = 'crm master key check';
const AAD = 'crm_master_key_check';

export class WrongMasterKeyError extends Error {
  override readonly name = 'WrongMasterKeyError';
}

/** Stores the check on the first start with a key; throws WrongMasterKeyError when the key cannot open the stored one. */
export async function checkMasterKey(sql: SqlClient, masterKey: Buffer | undefined, rotation?: Buffer): Promise<void> {
  if (!masterKey) return;
  await sql.query('INSERT INTO crm_master_key_check (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [seal(masterKey, KNOWN, AAD)]);
  const [row] = await sql.query<{ sealed: string }>('SELECT sealed FROM crm_master_key_check WHERE id = 1');
  let opened: string | undefined;
  try {
    opened = unsealWithAny(rotation ? [masterKey, rotation] : [masterKey], row.sealed, AAD);
  } catch {
    opened = undefined;
  }
  if (opened !== KNOWN) {
    throw new WrongMasterKeyError(
      'CRM_MASTER_KEY is not the key this database was set up with (it cannot open the key check stored at the first start): ' +
        'with it, no customer data could be opened. Start with the original key (or, for a local data folder, its data/master-key).',
    );
  }
}

/** The key check sealed again with `masterKey` (the last step of a rotation). */
export async function resealMasterKeyCheck(sql: SqlClient, masterKey: Buffer): Promise<void> {
  await sql.query('UPDATE crm_master_key_check SET sealed = $1 WHERE id = 1', [seal(masterKey, KNOWN, AAD)]);
}
