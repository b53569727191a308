import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/e2e/cluster/', '.k8s/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JavaScript files are Node scripts (TypeScript files get globals from @types/node).
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
  {
    // The shells enter the core through its public surface only.
    files: ['src/plan/**/*.ts', 'src/vap/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/policy/*', '!**/policy/index.js'],
              message: 'Import the policy core through src/policy/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // The policy core is pure: no I/O, no clock, no cluster client. The webhook and the CLI feed it.
    files: ['src/policy/**/*.ts'],
    ignores: ['src/policy/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fs', 'http', 'https', 'net', 'child_process', 'os', 'path'],
              message: 'The policy core must stay pure (no I/O).',
            },
            {
              // node:path/posix is string functions only (normalising disk paths).
              regex: '^node:(?!path/posix$)',
              message: 'The policy core must stay pure (no I/O).',
            },
            {
              group: [
                'express',
                '@kubernetes/client-node',
                'pino',
                'prom-client',
                '../cli/*',
                '../server/*',
                '../../cli/*',
                '../../server/*',
              ],
              message: 'The policy core must not depend on shells.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No env in the policy core.' },
        { name: 'Date', message: 'No clock in the policy core.' },
      ],
    },
  },
);
