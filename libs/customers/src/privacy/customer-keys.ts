// The customers' data keys: one a customer, made when their first personal
// field is written, wrapped by the master key (CRM_MASTER_KEY) in their own
// table. Erasure destroys the key and leaves a tombstone, so no new key (and
// no new personal data) is ever made for that customer again.
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SQL_CLIENT, SqlClient, SqlExecutor } from '@crm/database';
import type { Migration, SealedColumn } from '@crm/database';
import { APP_CONFIG, AppConfig, masterKeyOf, openingKeysOf } from '@crm/shared';
import { customerKeyAad, DataKey, unwrapKey, wrapKey } from './personal-data';

export const customerKeyMigrations: Migration[] = [
  {
    id: '0008_customer_keys',
    sql: `
CREATE TABLE crm_customer_keys (
  customer_id text PRIMARY KEY,
  wrapped_key text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  erased_at   timestamptz
);`,
  },
];

const CACHE_SIZE = 10_000;

/** The wrapped data keys, for a master key rotation (erased customers hold none). */
export const CUSTOMER_KEYS_SEALED: SealedColumn = { table: 'crm_customer_keys', id: 'customer_id', column: 'wrapped_key', aad: customerKeyAad, what: 'customer key' };

/** The keys of several customers in one query (projectors, inside their transaction). */
export async function loadDataKeys(sql: SqlExecutor, masterKeys: readonly Buffer[], customerIds: readonly string[]): Promise<Map<string, DataKey>> {
  const keys = new Map<string, DataKey>();
  if (customerIds.length === 0) return keys;
  const rows = await sql.query<{ customer_id: string; wrapped_key: string | null }>('SELECT customer_id, wrapped_key FROM crm_customer_keys WHERE customer_id = ANY($1::text[])', [
    [...new Set(customerIds)],
  ]);
  for (const row of rows) keys.set(row.customer_id, row.wrapped_key === null ? 'erased' : unwrapKey(masterKeys, row.wrapped_key, row.customer_id));
  return keys;
}

@Injectable()
export class CustomerKeys {
  private readonly cache = new Map<string, DataKey>();
  private readonly masterKey: Buffer;
  private readonly openingKeys: Buffer[];

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.masterKey = masterKeyOf(config);
    this.openingKeys = openingKeysOf(config);
  }

  private remember(customerId: string, key: DataKey): DataKey {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(customerId, key);
    return key;
  }

  /** The customer's key, 'erased', or undefined when none was ever made. */
  async get(customerId: string): Promise<DataKey | undefined> {
    const cached = this.cache.get(customerId);
    if (cached) return cached;
    const key = (await loadDataKeys(this.sql, this.openingKeys, [customerId])).get(customerId);
    return key === undefined ? undefined : this.remember(customerId, key);
  }

  /** The keys of several customers in one query (a page of timelines). */
  async getMany(customerIds: readonly string[]): Promise<Array<DataKey | undefined>> {
    const missing = customerIds.filter((id) => !this.cache.has(id));
    const loaded = await loadDataKeys(this.sql, this.openingKeys, missing);
    for (const [id, key] of loaded) this.remember(id, key);
    return customerIds.map((id) => this.cache.get(id) ?? loaded.get(id));
  }

  /** The customer's key, made now if they have none; 'erased' stays erased. */
  async getOrCreate(customerId: string): Promise<DataKey> {
    const known = await this.get(customerId);
    if (known) return known;
    await this.sql.query('INSERT INTO crm_customer_keys (customer_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING', [
      customerId,
      wrapKey(this.masterKey, randomBytes(32), customerId),
    ]);
    // Another request may have made it first: theirs is the key.
    const key = await this.get(customerId);
    if (!key) throw new Error(`the data key of customer ${customerId} could not be stored`);
    return key;
  }

  /** The keys of several customers, made now for those in `making` who have none (an import's batch: three queries, not one a customer). */
  async getOrCreateMany(customerIds: readonly string[], making: ReadonlySet<string>): Promise<Array<DataKey | undefined>> {
    const known = await this.getMany(customerIds);
    const missing = customerIds.filter((id, i) => known[i] === undefined && making.has(id));
    if (missing.length === 0) return known;
    await this.sql.query('INSERT INTO crm_customer_keys (customer_id, wrapped_key) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (customer_id) DO NOTHING', [
      missing,
      missing.map((id) => wrapKey(this.masterKey, randomBytes(32), id)),
    ]);
    // Another request may have made some first: theirs are the keys.
    const made = await this.getMany(missing);
    if (made.some((key) => key === undefined)) throw new Error('the data keys of an import batch could not be stored');
    const byId = new Map(missing.map((id, i) => [id, made[i]]));
    return customerIds.map((id, i) => known[i] ?? byId.get(id));
  }

  /** Destroys the key for good (a tombstone row keeps it from being made again). */
  async erase(customerId: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO crm_customer_keys (customer_id, wrapped_key, erased_at) VALUES ($1, NULL, now())
       ON CONFLICT (customer_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(crm_customer_keys.erased_at, now())`,
      [customerId],
    );
    this.remember(customerId, 'erased');
  }
}
