// crm keys rotate-master on a real database: every customer key and webhook
// secret opens with the new key afterwards and the old one opens none; a run
// stopped half-way resumes; values open with either key at every moment for
// a process that holds both.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { rewrapSealed, SqlClient, withLocalSecrets } from '@crm/database';
import { loadConfig } from '@crm/shared';
import { checkMasterKey, CUSTOMER_KEYS_SEALED, loadDataKeys } from '@crm/customers';
import { WEBHOOK_SECRETS_SEALED } from '@crm/webhooks';
import { wrapKey } from '../../../libs/customers/src/privacy/personal-data';
import { openSecret, sealSecret } from '../../../libs/webhooks/src/webhook-secrets';
import { testDatabases } from '../../../test/support/test-databases';
import { newMasterKey, parseRotateArgs, rotateMasterKey, RotateUsageError } from './rotate-master-key';

const CUSTOMERS = 2_500;
const WEBHOOK = '6f1c2a4e-0000-4000-8000-000000000001';

for (const database of testDatabases()) {
  describe(`crm keys rotate-master on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const dataKeys = new Map<string, Buffer>();
    const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c-${String(i).padStart(5, '0')}`);
    const config = { ...loadConfig({}), masterKey: oldKey };

    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      for (const id of ids) dataKeys.set(id, randomBytes(32));
      await sql.query(`INSERT INTO crm_customer_keys (customer_id, wrapped_key) SELECT * FROM unnest($1::text[], $2::text[])`, [
        ids,
        ids.map((id) => wrapKey(oldKey, dataKeys.get(id)!, id)),
      ]);
      await sql.query(`INSERT INTO crm_customer_keys (customer_id, wrapped_key, erased_at) VALUES ('c-erased', NULL, now())`);
      await sql.query(`INSERT INTO crm_webhooks (id, url, event_types, secret, from_position, created_by) VALUES ($1, 'https://shop.example/hook', '{}', $2, 0, 'test')`, [
        WEBHOOK,
        sealSecret(oldKey, WEBHOOK, 'whsec_the-secret'),
      ]);
      await checkMasterKey(sql, oldKey);
    });
    afterAll(async () => dispose?.());

    const openAll = async (keys: Buffer[]) => {
      const opened = await loadDataKeys(sql, keys, ids);
      return ids.every((id) => (opened.get(id) as Buffer).equals(dataKeys.get(id)!));
    };

    it('stopped half-way, every value still opens with either key; resumed, everything is under the new key and the old key opens nothing', async () => {
      const keys = { open: [oldKey], next: newKey };
      await expect(
        rewrapSealed(sql, CUSTOMER_KEYS_SEALED, keys, (p) => {
          if (p.seen >= 1_000) throw new Error('stopped');
        }),
      ).rejects.toThrow('stopped');
      expect(await openAll([oldKey, newKey])).toBe(true);
      await expect(openAll([oldKey])).rejects.toThrow();

      const pages: number[] = [];
      const result = await rotateMasterKey(sql, config, newKey, (p) => pages.push(p.rewrapped));
      expect(result.customerKeys).toEqual({ what: 'customer key', seen: CUSTOMERS, rewrapped: CUSTOMERS - 1_000 });
      expect(result.webhookSecrets).toEqual({ what: 'webhook secret', seen: 1, rewrapped: 1 });
      expect(await openAll([newKey])).toBe(true);
      const [hook] = await sql.query<{ secret: string }>('SELECT secret FROM crm_webhooks WHERE id = $1', [WEBHOOK]);
      expect(openSecret([newKey], WEBHOOK, hook.secret)).toBe('whsec_the-secret');
      expect(() => openSecret([oldKey], WEBHOOK, hook.secret)).toThrow();
      await expect(checkMasterKey(sql, oldKey)).rejects.toThrow(/not the key this database was set up with/);
      await checkMasterKey(sql, newKey);
      await checkMasterKey(sql, oldKey, newKey);
      const [erased] = await sql.query<{ wrapped_key: string | null }>(`SELECT wrapped_key FROM crm_customer_keys WHERE customer_id = 'c-erased'`);
      expect(erased.wrapped_key).toBeNull();
    });

    it('run again, it changes nothing; with a key that opens nothing it stops before writing and says why', async () => {
      const again = await rotateMasterKey(sql, { ...config, masterKey: oldKey, masterKeyRotation: newKey }, newKey, () => undefined);
      expect(again.customerKeys.rewrapped).toBe(0);
      await expect(rewrapSealed(sql, CUSTOMER_KEYS_SEALED, { open: [randomBytes(32)], next: randomBytes(32) })).rejects.toThrow(
        /the customer key of c-00000 opens with none of the keys given/,
      );
      expect(await openAll([newKey])).toBe(true);
      await expect(rewrapSealed(sql, WEBHOOK_SECRETS_SEALED, { open: [newKey], next: newKey })).resolves.toMatchObject({ rewrapped: 0 });
    });
  });
}

describe('the new master key', () => {
  it('development: made once in DATA_DIR and kept until the rotation finishes, so a second run takes the same; processes open with it meanwhile', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rotate-'));
    const config = withLocalSecrets(loadConfig({ DATA_DIR: dataDir }));
    const first = newMasterKey(config, {}, {});
    expect(first.local).toBe(true);
    expect(newMasterKey(config, {}, {}).key.equals(first.key)).toBe(true);
    expect(withLocalSecrets(loadConfig({ DATA_DIR: dataDir })).masterKeyRotation?.equals(first.key)).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'master-key.next')).mode & 0o777).toBe(0o600);
  });

  it('a configured key needs the new one from a file, of 32 bytes, not the key in use', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rotate-'));
    const current = randomBytes(32);
    const config = withLocalSecrets(loadConfig({ DATA_DIR: dataDir, CRM_MASTER_KEY: current.toString('base64') }));
    expect(() => newMasterKey(config, {}, { CRM_MASTER_KEY: current.toString('base64') })).toThrow(RotateUsageError);
    const file = path.join(dataDir, 'new.key');
    fs.writeFileSync(file, 'short');
    expect(() => newMasterKey(config, { newKeyFile: file })).toThrow(/32 bytes/);
    fs.writeFileSync(file, current.toString('base64'));
    expect(() => newMasterKey(config, { newKeyFile: file })).toThrow(/the key in use/);
    const next = randomBytes(32);
    fs.writeFileSync(file, `${next.toString('base64')}\n`);
    expect(newMasterKey(config, { newKeyFile: file }).key.equals(next)).toBe(true);
    expect(() => parseRotateArgs(['rotate'])).toThrow(RotateUsageError);
    expect(parseRotateArgs(['rotate-master', '--new-key-file', file])).toEqual({ newKeyFile: file });
  });
});
