// Internal ids are UUIDs. Ids derived from a natural key (a customer's external
// ref, an order id, an idempotency key) are name-based UUIDs (v5), so the same
// key always gives the same id: the event store's own idempotency then makes
// a repeated order or a retried request a no-op.
import { createHash, randomUUID } from 'node:crypto';

const NAMESPACE = Buffer.from('6f1d2c3a4b5e4f60a1b2c3d4e5f60718', 'hex');

export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const newId = (): string => randomUUID();

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
