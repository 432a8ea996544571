// Lint: the recommended JavaScript and TypeScript rules, plus the import boundary of the design
// (the core and the flows never import a platform, the driver, the scheduler or an HTTP framework).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const PLATFORM_IMPORTS = {
  patterns: [
    { group: ['@slack/*', 'botbuilder*', 'botframework*'], message: 'Chat platforms belong in adapters/.' },
    { group: ['mongodb', 'mongodb/*', '@seald-io/nedb'], message: 'Store drivers belong in adapters/store/.' },
    { group: ['node-cron'], message: 'The cron binding belongs in adapters/scheduler/.' },
    { group: ['express', 'node:http', 'http', 'node:https', 'https', 'pino'], message: 'HTTP and logging belong in adapters/.' },
    { group: ['**/adapters/**'], message: 'The core never reaches into adapters/.' },
  ],
};

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'adapters/webchat/public/**', 'tools/empty-package/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['src/**/*.ts', 'flows/**/*.ts'], rules: { 'no-restricted-imports': ['error', PLATFORM_IMPORTS] } },
  { files: ['**/*.js', '**/*.mjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
