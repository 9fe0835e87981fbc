// Unit (*.spec.ts), integration (*.int.spec.ts) and end-to-end (test/*.e2e.spec.ts)
// tests in one run. PGlite always; PostgreSQL when DATABASE_URL is set.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^@crm/(shared|database|event-store|customers|customer-views|complaints|lifecycle|tiers|projections|timeline|accounts|webhooks|wiring|imports|figures|segments|campaigns)$':
      '<rootDir>/libs/$1/src',
    '^@crm/(shared|database|event-store|customers|customer-views|complaints|lifecycle|tiers|projections|timeline|accounts|webhooks|wiring|imports|figures|segments|campaigns)/(.*)$':
      '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
