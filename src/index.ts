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
  configs: {} as Record<'recommended' | 'recommended-type-checked', TSESLint.FlatConfig.Config>,
} satisfies TSESLint.FlatConfig.Plugin;

function ruleLevels(includeTyped: boolean): TSESLint.FlatConfig.Rules {
  const levels: TSESLint.FlatConfig.Rules = {};
  for (const [ruleName, rule] of Object.entries(rules) as [RuleName, (typeof rules)[RuleName]][]) {
    const docs = rule.meta.docs;
    if (docs?.recommended && (includeTyped || !docs.requiresTypeChecking)) levels[`sleepless/${ruleName}`] = 'error';
  }
  return levels;
}

Object.assign(plugin.configs, {
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
