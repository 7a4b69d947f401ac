// The package lints itself: typescript-eslint for the sources, eslint-plugin-eslint-plugin for the rules and their tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import eslintPlugin from 'eslint-plugin-eslint-plugin';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.eslint9/', 'coverage/', 'test/fixtures/', 'examples/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', queueMicrotask: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/rules/**/*.ts'], ...eslintPlugin.configs['rules-recommended'] },
  {
    files: ['test/rules/**/*.ts'],
    ...eslintPlugin.configs['tests-recommended'],
    settings: { 'eslint-plugin': { ruleTesterConstructors: [/RuleTester$/, /^createRuleTester/] } },
  },
);
