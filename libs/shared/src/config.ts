// Reads and validates the environment once at start. A bad value becomes one
// ConfigError line, so that the service stops with a message a user can act on.
import * as path from 'node:path';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface AppConfig {
  port: number;
  /** Folder of the embedded database (PGlite) when no DATABASE_URL is set. */
  dataDir: string;
  databaseUrl?: string;
  eventStoreConnectionString?: string;
  shopTimezone: string;
  shopCurrency: string;
  logLevel: LogLevel;
  /** Respond-by hours per complaint priority, over docs/domain.md's defaults. */
  slaHours: Record<string, number>;
  /** Respond-by hours are multiplied by these for customers of a tier (a tier privilege). */
  slaTierFactors: Record<string, number>;
  /** How far in the future a business time (occurredAt) may lie: the callers' clocks are not ours. */
  clockSkewMs: number;
  /** How many years ahead a rule set may be activated. */
  activationHorizonYears: number;
  /** Marketing contacts per customer per calendar month by lifecycle stage (docs/domain.md contact policy). */
  marketingCapsByStage: Record<MarketingStage, number>;
  /** An Idempotency-Key claim older than this with no answer is taken to be left by a crashed process. */
  idempotencyClaimTtlMs: number;
  /** Failures in a row after which a projection shows as failed (and readiness fails). */
  projectionFailAfter: number;
  /** Longest wait between retries of a failing projection batch. */
  projectionRetryMaxMs: number;
  /** inline: the API projects too (one process does everything); off: it writes and reads, workers project. */
  projections: 'inline' | 'off';
  /** A worker's projector leases last this long unrenewed: a dead worker's projectors move after it. */
  projectionLeaseMs: number;
  /** By-stream projectors run in this many partitions, each with its checkpoint and lease (1: whole). */
  projectionPartitions: number;
  /** Port of a worker's health and metrics. */
  workerPort: number;
  /** Readiness fails while a projection is more events than this behind (0: no bound). */
  readyMaxLagEvents: number;
  /** Readiness fails while more streams than this are parked (dead letters) across the projections. */
  readyMaxParkedStreams: number;
  /** A webhook delivery goes dead-letter after this many failed attempts. */
  webhookMaxAttempts: number;
  /** Wait before the first retry of a failed delivery; it doubles with each failure (up to an hour). */
  webhookRetryBaseMs: number;
  /** How long a receiver has to answer a delivery. */
  webhookTimeoutMs: number;
  /** Webhook receivers on this machine or private networks (loopback, RFC 1918, link-local...): refused unless allowed. */
  webhookPrivateTargets: 'refuse' | 'allow';
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** NODE_ENV=production: secrets must be configured, nothing is generated. */
  production: boolean;
  /** HMAC secret of access tokens; in development a generated one is kept in DATA_DIR when unset. */
  authJwtSecret?: string;
  /** The secret before a rotation: its tokens are still taken for `authJwtPreviousGraceSeconds` after the process starts. */
  authJwtPreviousSecret?: string;
  authJwtPreviousGraceSeconds: number;
  authTokenTtlSeconds: number;
  /** Wraps the per-customer data keys (32 bytes); in development a generated one is kept in DATA_DIR when unset. */
  masterKey?: Buffer;
  /** The other key of a master key rotation in progress (CRM_MASTER_KEY_ROTATION): it opens what it wrapped, and never wraps. */
  masterKeyRotation?: Buffer;
  /** Requests a minute per principal (or per address when not signed in). */
  rateLimitPerMinute: number;
  /** Token requests a minute per address (password guessing). */
  authRateLimitPerMinute: number;
  /** GraphQL schema introspection (and the GraphiQL page): on in development, off in production unless asked for. */
  graphqlIntrospection: boolean;
  /** The OpenAPI pages (/api/docs): open, behind sign-in (auth), or off. Default: open in development, auth in production. */
  apiDocs: 'open' | 'auth' | 'off';
}

export const MARKETING_STAGES = ['ACTIVE', 'SILENT', 'SLEEPING', 'LOST'] as const;
export type MarketingStage = (typeof MARKETING_STAGES)[number];
export const DEFAULT_MARKETING_CAPS: Readonly<Record<MarketingStage, number>> = { ACTIVE: 3, SILENT: 3, SLEEPING: 1, LOST: 0 };

export const DEFAULT_SLA_HOURS: Readonly<Record<string, number>> = { FEEDBACK: 72, NORMAL: 24, URGENT: 4, CRITICAL: 2, RED_ALERT: 1 };

/** The injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const value = (key: string): string | undefined => {
    const raw = env[key];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const port = value('PORT') ?? '3000';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new ConfigError(`PORT must be an integer from 1 to 65535, got "${port}"`);
  }

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const eventStoreConnectionString = value('EVENTSTORE_CONNECTION_STRING');
  if (eventStoreConnectionString !== undefined && !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\//.test(eventStoreConnectionString)) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING must start with esdb:// (or esdb+discover://)');
  }

  const shopTimezone = value('SHOP_TIMEZONE') ?? 'UTC';
  if (!isTimeZone(shopTimezone)) {
    throw new ConfigError(`SHOP_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "${shopTimezone}"`);
  }

  const shopCurrency = value('SHOP_CURRENCY') ?? 'CNY';
  if (!isCurrency(shopCurrency)) {
    throw new ConfigError(`SHOP_CURRENCY must be an ISO 4217 code such as CNY, got "${shopCurrency}"`);
  }

  const logLevel = (value('LOG_LEVEL') ?? 'log') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const cap = value('MARKETING_CAP_PER_MONTH') ?? '3';
  if (!/^\d{1,4}$/.test(cap)) throw new ConfigError(`MARKETING_CAP_PER_MONTH must be a whole number >= 0, got "${cap}"`);

  const slaHours = { ...DEFAULT_SLA_HOURS };
  for (const part of (value('SLA_HOURS') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, hours] = part.split('=').map((p) => p.trim());
    if (!Object.hasOwn(DEFAULT_SLA_HOURS, key ?? '') || !/^\d{1,5}(\.\d{1,2})?$/.test(hours ?? '') || Number(hours) <= 0) {
      throw new ConfigError(`SLA_HOURS must look like "URGENT=3,RED_ALERT=0.5" with priorities ${Object.keys(DEFAULT_SLA_HOURS).join(', ')}, got "${part}"`);
    }
    slaHours[key] = Number(hours);
  }

  const slaTierFactors: Record<string, number> = {};
  for (const part of (value('SLA_TIER_FACTORS') ?? 'VIP=0.5,SUPREME=0.5')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, factor] = part.split('=').map((p) => p.trim());
    if (!/^[A-Z][A-Z0-9_]{0,31}$/.test(key ?? '') || !/^(0(\.\d{1,2})?|1(\.0{1,2})?)$/.test(factor ?? '') || Number(factor) <= 0) {
      throw new ConfigError(`SLA_TIER_FACTORS must look like "VIP=0.5,SUPREME=0.5" (tier code = factor above 0, at most 1), got "${part}"`);
    }
    slaTierFactors[key] = Number(factor);
  }

  const whole = (key: string, fallback: string, max: number): number => {
    const raw = value(key) ?? fallback;
    if (!/^\d{1,7}$/.test(raw) || Number(raw) > max) throw new ConfigError(`${key} must be a whole number from 0 to ${max}, got "${raw}"`);
    return Number(raw);
  };
  const marketingCapsByStage = { ...DEFAULT_MARKETING_CAPS, ...(value('MARKETING_CAP_PER_MONTH') !== undefined ? { ACTIVE: Number(cap), SILENT: Number(cap) } : {}) };
  for (const part of (value('MARKETING_CAPS') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, n] = part.split('=').map((p) => p.trim());
    if (!(MARKETING_STAGES as readonly string[]).includes(key ?? '') || !/^\d{1,4}$/.test(n ?? '')) {
      throw new ConfigError(`MARKETING_CAPS must look like "ACTIVE=3,SILENT=3,SLEEPING=1,LOST=0" with stages ${MARKETING_STAGES.join(', ')}, got "${part}"`);
    }
    marketingCapsByStage[key as MarketingStage] = Number(n);
  }
  const projections = value('PROJECTIONS') ?? 'inline';
  if (projections !== 'inline' && projections !== 'off') throw new ConfigError(`PROJECTIONS must be inline or off, got "${projections}"`);
  const metricsToken = value('METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,200}$/.test(metricsToken)) throw new ConfigError('METRICS_TOKEN must be 16-200 printable characters without spaces');
  const privateTargets = value('WEBHOOK_PRIVATE_TARGETS') ?? 'refuse';
  if (privateTargets !== 'refuse' && privateTargets !== 'allow') throw new ConfigError(`WEBHOOK_PRIVATE_TARGETS must be refuse or allow, got "${privateTargets}"`);
  const partitions = value('PROJECTION_PARTITIONS') ?? '1';
  if (!/^\d{1,2}$/.test(partitions) || Number(partitions) < 1 || Number(partitions) > 64) {
    throw new ConfigError(`PROJECTION_PARTITIONS must be a whole number from 1 to 64, got "${partitions}"`);
  }
  const projectionPartitions = Number(partitions);
  const production = value('NODE_ENV') === 'production';
  const authJwtSecret = value('AUTH_JWT_SECRET');
  if (authJwtSecret !== undefined && Buffer.byteLength(authJwtSecret) < 32) throw new ConfigError('AUTH_JWT_SECRET must be at least 32 characters (e.g. openssl rand -base64 48)');
  if (production && authJwtSecret === undefined) throw new ConfigError('AUTH_JWT_SECRET is required when NODE_ENV=production (e.g. openssl rand -base64 48)');
  const authJwtPreviousSecret = value('AUTH_JWT_PREVIOUS_SECRET');
  if (authJwtPreviousSecret !== undefined && Buffer.byteLength(authJwtPreviousSecret) < 32) throw new ConfigError('AUTH_JWT_PREVIOUS_SECRET must be at least 32 characters');
  const apiDocs = value('API_DOCS') ?? (production ? 'auth' : 'open');
  if (apiDocs !== 'open' && apiDocs !== 'auth' && apiDocs !== 'off') throw new ConfigError(`API_DOCS must be open, auth or off, got "${apiDocs}"`);
  const rawMasterKey = value('CRM_MASTER_KEY');
  const masterKey = rawMasterKey !== undefined ? Buffer.from(rawMasterKey, 'base64') : undefined;
  if (rawMasterKey !== undefined && (!/^[A-Za-z0-9+/]{43}=$/.test(rawMasterKey) || masterKey?.length !== 32)) {
    throw new ConfigError('CRM_MASTER_KEY must be 32 bytes in base64 (e.g. openssl rand -base64 32)');
  }
  const rawRotation = value('CRM_MASTER_KEY_ROTATION');
  const masterKeyRotation = rawRotation !== undefined ? Buffer.from(rawRotation, 'base64') : undefined;
  if (rawRotation !== undefined && (!/^[A-Za-z0-9+/]{43}=$/.test(rawRotation) || masterKeyRotation?.length !== 32)) {
    throw new ConfigError('CRM_MASTER_KEY_ROTATION must be 32 bytes in base64, as CRM_MASTER_KEY');
  }
  const introspection = value('GRAPHQL_INTROSPECTION');
  if (introspection !== undefined && !['true', 'false'].includes(introspection)) throw new ConfigError(`GRAPHQL_INTROSPECTION must be true or false, got "${introspection}"`);
  if (production && masterKey === undefined) throw new ConfigError('CRM_MASTER_KEY is required when NODE_ENV=production (e.g. openssl rand -base64 32)');
  return {
    port: Number(port),
    dataDir: path.resolve(value('DATA_DIR') ?? './data'),
    databaseUrl,
    eventStoreConnectionString,
    shopTimezone,
    shopCurrency,
    logLevel,
    slaHours,
    slaTierFactors,
    clockSkewMs: whole('CLOCK_SKEW_SECONDS', '300', 86_400) * 1000,
    activationHorizonYears: whole('ACTIVATION_HORIZON_YEARS', '5', 100),
    marketingCapsByStage,
    idempotencyClaimTtlMs: whole('IDEMPOTENCY_CLAIM_TTL_SECONDS', '60', 86_400) * 1000,
    projectionFailAfter: Math.max(1, whole('PROJECTION_FAIL_AFTER', '5', 1000)),
    projectionRetryMaxMs: Math.max(10, whole('PROJECTION_RETRY_MAX_MS', '30000', 3_600_000)),
    projections,
    workerPort: Math.max(1, whole('WORKER_PORT', '3001', 65_535)),
    projectionPartitions,
    projectionLeaseMs: Math.max(1, whole('PROJECTION_LEASE_SECONDS', '5', 3_600)) * 1000,
    readyMaxLagEvents: whole('READY_MAX_LAG_EVENTS', '0', 1_000_000_000),
    readyMaxParkedStreams: whole('READY_MAX_PARKED_STREAMS', '100', 1_000_000_000),
    webhookMaxAttempts: Math.max(1, whole('WEBHOOK_MAX_ATTEMPTS', '10', 100)),
    webhookRetryBaseMs: Math.max(10, whole('WEBHOOK_RETRY_BASE_MS', '5000', 3_600_000)),
    webhookTimeoutMs: Math.max(100, whole('WEBHOOK_TIMEOUT_MS', '10000', 120_000)),
    webhookPrivateTargets: privateTargets,
    metricsToken,
    production,
    authJwtSecret,
    authJwtPreviousSecret,
    authJwtPreviousGraceSeconds: whole('AUTH_JWT_PREVIOUS_GRACE_SECONDS', value('AUTH_TOKEN_TTL_SECONDS') ?? '3600', 604_800),
    authTokenTtlSeconds: Math.max(60, whole('AUTH_TOKEN_TTL_SECONDS', '3600', 604_800)),
    masterKey,
    masterKeyRotation,
    rateLimitPerMinute: Math.max(1, whole('RATE_LIMIT_PER_MINUTE', '1200', 1_000_000)),
    authRateLimitPerMinute: Math.max(1, whole('AUTH_RATE_LIMIT_PER_MINUTE', '10', 1_000_000)),
    graphqlIntrospection: introspection !== undefined ? introspection === 'true' : !production,
    apiDocs,
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

/** Log levels Nest should print for a configured level (each includes the more severe ones). */
export function nestLogLevels(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
