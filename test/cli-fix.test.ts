import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TSESLint } from '@typescript-eslint/utils';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeTree, POLLING_JS, removeTrees, run } from './helpers/cli.js';

/*
 * Whether `--fix` writes files must not depend on which rules have autofixes today, so this file gives the
 * plugin one more rule with a fix (`var` → `let`), next to its real ones.
 */
vi.mock('../src/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/index.js')>();
  const fakeFixable: TSESLint.RuleModule<'useLet'> = {
    meta: {
      type: 'suggestion',
      fixable: 'code',
      docs: { description: 'A stand-in rule with an autofix', url: 'https://example.com/fake-fixable' },
      messages: { useLet: 'Use let.' },
      schema: [],
    },
    defaultOptions: [],
    create: (context) => ({
      VariableDeclaration(node) {
        if (node.kind !== 'var') return;
        const varToken = context.sourceCode.getFirstToken(node)!;
        context.report({ node, messageId: 'useLet', fix: (fixer) => fixer.replaceText(varToken, 'let') });
      },
    }),
  };
  const plugin = original.default;
  const rules = { ...original.rules, 'fake-fixable': fakeFixable };
  const withFake = (config: TSESLint.FlatConfig.Config) => ({
    ...config,
    rules: { ...config.rules, 'sleepless/fake-fixable': 'error' as const },
  });
  const patched = {
    ...plugin,
    rules,
    configs: {
      recommended: withFake(plugin.configs.recommended),
      'recommended-type-checked': withFake(plugin.configs['recommended-type-checked']),
    },
  };
  return { ...original, default: patched, rules };
});

afterAll(removeTrees);

describe('--fix', () => {
  it('writes fixed files, leaves the rest, and exits by what remains', async () => {
    const dir = makeTree({
      'fixable.js': 'var a = 1;\nexport { a };\n',
      'fixable.ts': 'var b: number = 2;\nexport { b };\n',
      'both.js': `var c = 3;\n${POLLING_JS}`,
      'clean.js': 'export const d = 4;\n',
    });
    const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');

    const dryRun = await run(['--format', 'json'], dir);
    expect(dryRun.code).toBe(1);
    expect(read('fixable.js')).toBe('var a = 1;\nexport { a };\n');

    const fixed = await run(['--fix', '--format', 'json', 'fixable.js', 'fixable.ts', 'clean.js'], dir);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toContain('sleepless: fixed 2 files\n');
    expect(read('fixable.js')).toBe('let a = 1;\nexport { a };\n');
    expect(read('fixable.ts')).toBe('let b: number = 2;\nexport { b };\n');
    expect(read('clean.js')).toBe('export const d = 4;\n');

    const partly = await run(['--fix', '--format', 'json'], dir);
    expect(partly.code).toBe(1);
    expect(read('both.js')).toBe(`let c = 3;\n${POLLING_JS}`);
    const [remaining] = JSON.parse(partly.stdout).filter((r: { errorCount: number }) => r.errorCount > 0);
    expect(remaining.messages.map((m: { ruleId: string }) => m.ruleId)).toEqual(['sleepless/no-sleep-polling']);
  });
});
