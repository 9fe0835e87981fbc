// The master key check: the first start stores it, the same key opens it,
// another key is refused with a reason (real SQL: PGlite always, PostgreSQL
// when DATABASE_URL is set).
import { randomBytes } from 'node:crypto';
import type { SqlClient } from '@crm/database';
import { testDatabases } from '../../../../test/support/test-databases';
import { checkMasterKey, WrongMasterKeyError } from './master-key-check';

for (const database of testDatabases()) {
  describe(`master key check on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it('Given a database set up with one key, When a process starts with it, another key, or none, Then only the other key is refused', async () => {
      await sql.query('DELETE FROM crm_master_key_check');
      const key = randomBytes(32);
      await checkMasterKey(sql, key);
      await expect(checkMasterKey(sql, key)).resolves.toBeUndefined();
      await expect(checkMasterKey(sql, randomBytes(32))).rejects.toThrow(WrongMasterKeyError);
      await expect(checkMasterKey(sql, randomBytes(32))).rejects.toThrow(/CRM_MASTER_KEY is not the key this database was set up with/);
      await expect(checkMasterKey(sql, undefined)).resolves.toBeUndefined();
    });
  });
}
