// Lint: typescript-eslint's recommended rules on the sources, tests and
// benchmarks; formatting is prettier's (eslint-config-prettier turns off the
// rules that would fight it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      // What a module uses is in its imports: the platform module is handed to the slices, never made global.
      'no-restricted-syntax': [
        'error',
        { selector: "Decorator > CallExpression[callee.name='Global']", message: 'no @Global(): import the platform module (PlatformModule, perPlatform)' },
        { selector: "Property[key.name='global'][value.value=true]", message: 'no global modules: import the platform module (PlatformModule, perPlatform)' },
      ],
    },
  },
  // Boundaries. A lib never imports an app; a slice reaches another slice
  // through its entry point (@crm/<slice>), never its files; only the shared
  // kernel (@crm/shared/...) and the event store's adapters and Nest module
  // (@crm/event-store/adapters, /nest) have subpaths.
  {
    files: ['libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+(apps|libs)/|^(\\.\\./){2,}[a-z-]+/src', message: 'a lib imports other libs by their @crm/<slice> entry point, and never an app' },
            { regex: '^@crm/(?!shared/|event-store/(adapters|nest)$)[a-z-]+/', message: "another slice's internals: import its entry point @crm/<slice>" },
          ],
        },
      ],
    },
  },
  // Domain code (events, evolve, decide, rules) is pure: no Nest, no database, no adapter, no HTTP.
  {
    files: [
      'libs/*/src/business-logic.ts',
      'libs/customers/src/customer.ts',
      'libs/complaints/src/complaint.ts',
      'libs/complaints/src/sla-policy.ts',
      'libs/accounts/src/account.ts',
      'libs/tiers/src/tier-rules.ts',
      'libs/tiers/src/tier-history.ts',
      'libs/tiers/src/tier-rule-set.ts',
      'libs/tiers/src/tier-rule-set-view.ts',
      'libs/tiers/src/dated-facts.ts',
      'libs/lifecycle/src/lifecycle.ts',
      'libs/lifecycle/src/rfm.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@nestjs/|^pg$|^@electric-sql/|^@eventstore/|^typeorm', message: 'domain code is pure: no framework, driver or adapter' },
            {
              regex: '^@crm/(database|projections|wiring)($|/)|^@crm/shared/http|^@crm/event-store/',
              message: 'domain code is pure: the event-store port (@crm/event-store) only, no adapter or module',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
