// Personal fields in customer events are sealed with the customer's own data
// key (AES-256-GCM): erasing the key makes every copy unreadable - in the
// log, in backups, in a rebuild - while purchases and the rest stay usable.
// A sealed profile keeps the names of its sealed fields in clear, so that an
// erased one can still say which fields it had.
import { seal, unseal, unsealWithAny } from '@crm/shared';
import type { Profile } from '../customer';

export const PERSONAL_FIELDS = ['name', 'phone', 'email', 'shippingAddress', 'birthDate', 'nickname'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];
export const ERASED = '[erased]';

/** What a profile looks like in a stored event: its other fields in clear, the personal ones sealed. */
export interface SealedProfile extends Omit<Profile, PersonalField> {
  sealed?: { fields: PersonalField[]; data: string };
}

/** The data key of a customer, or 'erased' once it has been destroyed. */
export type DataKey = Buffer | 'erased';

export const hasPersonalData = (profile: Profile): boolean => PERSONAL_FIELDS.some((f) => profile[f] !== undefined);

/** Seals the personal fields of a profile for a customer (bound to them: a sealed value moved to another customer does not open). */
export function sealProfile(profile: Profile, key: Buffer, customerId: string): SealedProfile {
  const fields = PERSONAL_FIELDS.filter((f) => profile[f] !== undefined);
  if (fields.length === 0) return profile;
  const clear: Record<string, unknown> = { ...profile };
  const personal: Record<string, unknown> = {};
  for (const f of fields) {
    personal[f] = clear[f];
    delete clear[f];
  }
  return { ...clear, sealed: { fields, data: seal(key, JSON.stringify(personal), `customer:${customerId}`) } };
}

/**
 * A profile as stored, opened with the customer's key: with the key, the
 * personal fields as written; without it (erased, or no key given), those
 * fields are left out and named in `erasedFields`.
 */
export function openProfile(stored: SealedProfile & Profile, key: DataKey | undefined, customerId: string): { profile: Profile; erasedFields: PersonalField[] } {
  const { sealed, ...rest } = stored;
  if (!sealed) return { profile: rest, erasedFields: [] };
  if (key === undefined || key === 'erased') return { profile: rest, erasedFields: sealed.fields };
  return { profile: { ...rest, ...(JSON.parse(unseal(key, sealed.data, `customer:${customerId}`)) as Profile) }, erasedFields: [] };
}

/** For people reading a stored event (the timeline): the sealed fields opened, or shown as erased. */
export function displayProfile(stored: SealedProfile & Profile, key: DataKey | undefined, customerId: string): Record<string, unknown> {
  const { profile, erasedFields } = openProfile(stored, key, customerId);
  return { ...profile, ...Object.fromEntries(erasedFields.map((f) => [f, ERASED])) };
}

/** Data keys wrapped by the master key for their table. */
/** What a wrapped data key is bound to: its customer (a wrapped key copied to another row does not open). */
export const customerKeyAad = (customerId: string) => `customer-key:${customerId}`;

export function wrapKey(masterKey: Buffer, dataKey: Buffer, customerId: string): string {
  return seal(masterKey, dataKey.toString('base64'), customerKeyAad(customerId));
}

/** The customer's data key, opened with the first of the master keys that opens it (several during a rotation). */
export function unwrapKey(masterKeys: readonly Buffer[], wrapped: string, customerId: string): Buffer {
  return Buffer.from(unsealWithAny(masterKeys, wrapped, customerKeyAad(customerId)), 'base64');
}
