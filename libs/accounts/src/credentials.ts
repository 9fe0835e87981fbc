// Access tokens (JWT, HS256, made and checked with jose) and API keys. A
// token names the account and its password version; checking one costs no
// database round trip. An API key is "crm_<key id>_<secret>": the id finds
// the key, and only a SHA-256 of the 256-bit secret is stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'crm-engine';
const AUDIENCE = 'crm-api';

export interface TokenClaims {
  accountId: string;
  passwordVersion: number;
}

export class TokenSigner {
  private readonly secret: Uint8Array;
  private readonly previous: Uint8Array | undefined;
  private readonly previousUntilMs: number;

  /**
   * `previous`: the secret before a rotation, whose tokens are still taken
   * until `previousUntilMs` (signed-in users keep working through a
   * rolling restart); new tokens are always signed with `secret`.
   */
  constructor(
    secret: Uint8Array,
    private readonly ttlSeconds: number,
    previous?: { secret: Uint8Array; untilMs: number },
  ) {
    this.secret = new Uint8Array(secret);
    this.previous = previous && new Uint8Array(previous.secret);
    this.previousUntilMs = previous?.untilMs ?? 0;
  }

  async sign(claims: TokenClaims): Promise<{ accessToken: string; expiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const accessToken = await new SignJWT({ pv: claims.passwordVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.accountId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.secret);
    return { accessToken, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid token, or undefined (bad signature, expired, malformed, or of the previous secret after its grace). */
  async verify(token: string): Promise<(TokenClaims & { expiresAtMs: number }) | undefined> {
    const claims = await verifyWith(token, this.secret);
    if (claims || !this.previous || Date.now() >= this.previousUntilMs) return claims;
    return verifyWith(token, this.previous);
  }
}

async function verifyWith(token: string, secret: Uint8Array): Promise<(TokenClaims & { expiresAtMs: number }) | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.pv !== 'number' || typeof payload.exp !== 'number') return undefined;
    return { accountId: payload.sub, passwordVersion: payload.pv, expiresAtMs: payload.exp * 1000 };
  } catch {
    return undefined;
  }
}

const API_KEY = /^crm_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function newApiKey(): { keyId: string; key: string; secretHash: string } {
  const hex = randomBytes(16).toString('hex');
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `crm_${hex}_${secret}`, secretHash: hashSecret(secret) };
}

/** The key id and secret of a string shaped like an API key, else undefined (it may be a token). */
export function parseApiKey(value: string): { keyId: string; secret: string } | undefined {
  const match = API_KEY.exec(value);
  if (!match) return undefined;
  const hex = match[1];
  return { keyId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, secret: match[2] };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
