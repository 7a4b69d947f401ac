import type { TSESLint } from '@typescript-eslint/utils';
import { createRequire } from 'node:module';
import noBlockingSleep from './rules/no-blocking-sleep.js';
import noBusyWait from './rules/no-busy-wait.js';
import noSleepPolling from './rules/no-sleep-polling.js';

const require = createRequire(import.meta.url);
// Read at run time (not imported) so that tsc does not copy package.json into dist/.
const { name, version } = require('../package.json') as { name: string; version: string };

/** Every rule of the plugin; the one list that configs and docs are derived from. */
export const rules = {
  'no-blocking-sleep': noBlockingSleep,
  'no-busy-wait': noBusyWait,
  'no-sleep-polling': noSleepPolling,
};

type RuleName = keyof typeof rules;

const plugin = {
  meta: { name, version, namespace: 'sleepless' },
  rules,
  configs: {} as Record<'recommended' | 'recommended-type-checked' | 'typescript', TSESLint.FlatConfig.Config>,
} satisfies TSESLint.FlatConfig.Plugin;

function ruleLevels(includeTyped: boolean): TSESLint.FlatConfig.Rules {
  const levels: TSESLint.FlatConfig.Rules = {};
  for (const [ruleName, rule] of Object.entries(rules) as [RuleName, (typeof rules)[RuleName]][]) {
    const docs = rule.meta.docs;
    if (docs?.recommended && (includeTyped || !docs.requiresTypeChecking)) levels[`sleepless/${ruleName}`] = 'error';
  }
  return levels;
}

/**
 * `@typescript-eslint/parser`, loaded on the first TypeScript file: it loads TypeScript itself, which a project
 * linting only JavaScript should not pay for.
 */
const typescriptParser = {
  meta: { name: `${name}/typescript-parser`, version },
  parseForESLint(code: string, options?: Record<string, unknown>): unknown {
    const parser = require('@typescript-eslint/parser') as { parseForESLint(code: string, options?: Record<string, unknown>): unknown };
    return parser.parseForESLint(code, options);
  },
} as unknown as TSESLint.FlatConfig.Parser;

Object.assign(plugin.configs, {
  // ESLint lints .js, .mjs and .cjs files by itself; this config adds TypeScript's, parsed by the parser typescript-eslint
  // uses. Not needed with typescript-eslint's own configs, which already do both.
  typescript: {
    name: 'sleepless/typescript',
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    languageOptions: { parser: typescriptParser },
  },
  recommended: {
    name: 'sleepless/recommended',
    plugins: { sleepless: plugin },
    rules: ruleLevels(false),
  },
  'recommended-type-checked': {
    name: 'sleepless/recommended-type-checked',
    plugins: { sleepless: plugin },
    rules: ruleLevels(true),
  },
});

export default plugin;
export { plugin as 'module.exports' };
