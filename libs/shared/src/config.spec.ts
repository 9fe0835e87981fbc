import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded database in ./data on port 3000, UTC and CNY', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      shopTimezone: 'UTC',
      shopCurrency: 'CNY',
      logLevel: 'log',
      projections: 'inline',
      workerPort: 3001,
      projectionLeaseMs: 5_000,
      projectionPartitions: 1,
      readyMaxLagEvents: 0,
    });
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/crm',
      DATABASE_URL: 'postgres://u@db:5432/crm',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      SHOP_TIMEZONE: 'Asia/Shanghai',
      SHOP_CURRENCY: 'EUR',
      LOG_LEVEL: 'debug',
      MARKETING_CAP_PER_MONTH: '5',
      SLA_HOURS: 'URGENT=3, RED_ALERT=0.5',
      SLA_TIER_FACTORS: 'VIP=0.75,SUPREME=0.5,GOLD=1',
      PROJECTIONS: 'off',
      WORKER_PORT: '3101',
      PROJECTION_LEASE_SECONDS: '3',
      PROJECTION_PARTITIONS: '4',
      READY_MAX_LAG_EVENTS: '10000',
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_RETRY_BASE_MS: '250',
    });
    expect(config).toEqual({
      projections: 'off',
      workerPort: 3101,
      projectionLeaseMs: 3_000,
      projectionPartitions: 4,
      readyMaxLagEvents: 10_000,
      webhookMaxAttempts: 4,
      webhookRetryBaseMs: 250,
      webhookTimeoutMs: 10_000,
      webhookPrivateTargets: 'refuse',
      marketingCapsByStage: { ACTIVE: 5, SILENT: 5, SLEEPING: 1, LOST: 0 },
      clockSkewMs: 300_000,
      activationHorizonYears: 5,
      apiDocs: 'open',
      readyMaxParkedStreams: 100,
      authJwtPreviousGraceSeconds: 3600,
      idempotencyClaimTtlMs: 60_000,
      projectionFailAfter: 5,
      projectionRetryMaxMs: 30_000,
      production: false,
      authJwtSecret: undefined,
      authTokenTtlSeconds: 3600,
      masterKey: undefined,
      rateLimitPerMinute: 1200,
      authRateLimitPerMinute: 10,
      graphqlIntrospection: true,
      slaHours: { FEEDBACK: 72, NORMAL: 24, URGENT: 3, CRITICAL: 2, RED_ALERT: 0.5 },
      slaTierFactors: { VIP: 0.75, SUPREME: 0.5, GOLD: 1 },
      port: 8080,
      dataDir: '/var/lib/crm',
      databaseUrl: 'postgres://u@db:5432/crm',
      eventStoreConnectionString: 'esdb://localhost:2113?tls=false',
      shopTimezone: 'Asia/Shanghai',
      shopCurrency: 'EUR',
      logLevel: 'debug',
    });
  });

  it("takes the marketing caps per lifecycle stage, over docs/domain.md's defaults", () => {
    expect(loadConfig({}).marketingCapsByStage).toEqual({ ACTIVE: 3, SILENT: 3, SLEEPING: 1, LOST: 0 });
    expect(loadConfig({ MARKETING_CAPS: 'SLEEPING=2, LOST=1' }).marketingCapsByStage).toEqual({ ACTIVE: 3, SILENT: 3, SLEEPING: 2, LOST: 1 });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: ' ' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '0' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ EVENTSTORE_CONNECTION_STRING: 'http://x' }, /EVENTSTORE_CONNECTION_STRING/],
    [{ SHOP_TIMEZONE: 'Mars/Olympus' }, /SHOP_TIMEZONE must be an IANA time zone/],
    [{ SHOP_CURRENCY: 'cny' }, /SHOP_CURRENCY must be an ISO 4217 code/],
    [{ SHOP_CURRENCY: 'XYZ' }, /SHOP_CURRENCY/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ MARKETING_CAP_PER_MONTH: '-1' }, /MARKETING_CAP_PER_MONTH/],
    [{ MARKETING_CAPS: 'DORMANT=1' }, /MARKETING_CAPS must look like/],
    [{ MARKETING_CAPS: 'LOST=-1' }, /MARKETING_CAPS/],
    [{ CLOCK_SKEW_SECONDS: 'soon' }, /CLOCK_SKEW_SECONDS must be a whole number/],
    [{ ACTIVATION_HORIZON_YEARS: '1000' }, /ACTIVATION_HORIZON_YEARS/],
    [{ SLA_HOURS: 'SOON=1' }, /SLA_HOURS must look like/],
    [{ SLA_HOURS: 'URGENT=0' }, /SLA_HOURS/],
    [{ SLA_HOURS: 'constructor=1' }, /SLA_HOURS must look like/],
    [{ SLA_TIER_FACTORS: 'VIP=2' }, /SLA_TIER_FACTORS must look like/],
    [{ SLA_TIER_FACTORS: 'vip=0.5' }, /SLA_TIER_FACTORS/],
    [{ SLA_TIER_FACTORS: 'VIP=0' }, /SLA_TIER_FACTORS/],
    [{ PROJECTIONS: 'workers' }, /PROJECTIONS must be inline or off/],
    [{ WEBHOOK_PRIVATE_TARGETS: 'yes' }, /WEBHOOK_PRIVATE_TARGETS must be refuse or allow/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be 16-200 printable characters/],
    [{ METRICS_TOKEN: 'has a space in it, long enough' }, /METRICS_TOKEN must be 16-200 printable characters/],
    [{ WORKER_PORT: '99999' }, /WORKER_PORT/],
    [{ PROJECTION_LEASE_SECONDS: 'long' }, /PROJECTION_LEASE_SECONDS must be a whole number/],
    [{ PROJECTION_PARTITIONS: '0' }, /PROJECTION_PARTITIONS must be a whole number from 1 to 64/],
    [{ PROJECTION_PARTITIONS: '65' }, /PROJECTION_PARTITIONS must be a whole number from 1 to 64, got "65"/],
    [{ WEBHOOK_MAX_ATTEMPTS: '1000' }, /WEBHOOK_MAX_ATTEMPTS must be a whole number from 0 to 100/],
    [{ WEBHOOK_TIMEOUT_MS: '-1' }, /WEBHOOK_TIMEOUT_MS must be a whole number/],
    [{ READY_MAX_LAG_EVENTS: '-5' }, /READY_MAX_LAG_EVENTS/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('production needs the token secret and the master key; weak ones are refused', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const secret = 'x'.repeat(32);
    expect(() => loadConfig({ NODE_ENV: 'production', CRM_MASTER_KEY: key })).toThrow(/AUTH_JWT_SECRET is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret })).toThrow(/CRM_MASTER_KEY is required/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ CRM_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/32 bytes/);
    const config = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret, CRM_MASTER_KEY: key });
    expect(config).toMatchObject({ production: true, authJwtSecret: secret });
    expect(config.masterKey?.length).toBe(32);
  });
});
