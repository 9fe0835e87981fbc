// Signatures of webhook deliveries, as the Standard Webhooks scheme defines
// them (standardwebhooks.com): HMAC-SHA256 over "id.timestamp.body" with the
// secret's bytes (base64 after "whsec_"), sent as "v1,<base64>" in the
// webhook-signature header beside webhook-id and webhook-timestamp. A
// receiver can check them with any Standard Webhooks library.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new secret: 32 random bytes. */
export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** True for "whsec_" + base64 of 24 to 64 bytes (what newSecret makes, and what other senders use). */
export function isSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const encoded = value.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

const keyOf = (secret: string) => Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): SignedHeaders {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${mac}` };
}

/**
 * What a receiver does: recompute the signature and compare in constant
 * time; refuse timestamps more than `toleranceSeconds` away (replays).
 */
export function verify(secret: string, headers: Partial<SignedHeaders>, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, id, Number(timestamp), body)['webhook-signature'].slice(3), 'base64');
  // Several signatures may be sent (secret rotation), separated by spaces.
  return signature.split(' ').some((candidate) => {
    if (!candidate.startsWith('v1,')) return false;
    const given = Buffer.from(candidate.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
