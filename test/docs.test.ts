import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter, type ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../src/index.js';

const docsDir = join(import.meta.dirname, '..', 'docs', 'rules');

interface Block { kind: 'incorrect' | 'correct'; code: string; lang: string; options: unknown; line: number }

/** Fenced blocks whose first line is a `// ❌ …` or `// ✅ …` comment, with options after `with`. */
function exampleBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(\w+)\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) {
    const [, lang, code] = match;
    const first = code!.split('\n', 1)[0]!;
    const marker = /^\/\/ (❌|✅)(?:.*?, with (\{.*\}))?/.exec(first);
    if (!marker) continue;
    blocks.push({
      kind: marker[1] === '❌' ? 'incorrect' : 'correct',
      code: code!,
      lang: lang!,
      options: marker[2] ? JSON.parse(marker[2]) : undefined,
      line: markdown.slice(0, match.index).split('\n').length,
    });
  }
  return blocks;
}

function lint(ruleName: string, block: Block) {
  const linter = new Linter({ configType: 'flat' });
  const ruleId = `sleepless/${ruleName}`;
  return linter.verify(block.code, [{
    files: ['**/*.ts', '**/*.js'],
    plugins: { sleepless: plugin as unknown as ESLint.Plugin },
    languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
    rules: { [ruleId]: block.options ? ['error', block.options] : 'error' },
  }], { filename: block.lang === 'ts' ? 'example.ts' : 'example.js' });
}

const pages = readdirSync(docsDir).filter((f) => /^[a-z-]+\.md$/.test(f));

describe('rule docs', () => {
  it('has a page for every rule, and a rule for every page', () => {
    expect(pages.map((p) => p.replace(/\.md$/, '')).sort()).toEqual(Object.keys(rules).sort());
  });

  for (const page of pages) {
    const ruleName = page.replace(/\.md$/, '');
    const markdown = readFileSync(join(docsDir, page), 'utf8');
    describe(page, () => {
      it('has the required sections and one heading per option', () => {
        expect(markdown).toContain(`# sleepless/${ruleName}`);
        for (const heading of ['## Rule Details', '## Examples', '## Options', '## When Not To Use It']) {
          expect(markdown).toContain(`\n${heading}\n`);
        }
        const rule = rules[ruleName as keyof typeof rules];
        const schema = (rule.meta.schema as unknown as { properties?: Record<string, unknown> }[])[0];
        for (const option of Object.keys(schema?.properties ?? {})) expect(markdown).toContain(`### \`${option}\``);
      });
      const blocks = exampleBlocks(markdown);
      it('has both incorrect and correct examples', () => {
        expect(blocks.some((b) => b.kind === 'incorrect')).toBe(true);
        expect(blocks.some((b) => b.kind === 'correct')).toBe(true);
      });
      for (const block of blocks) {
        it(`${block.kind} example at line ${block.line} ${block.kind === 'incorrect' ? 'reports' : 'does not report'}`, () => {
          const messages = lint(ruleName, block);
          const foreign = messages.filter((m) => m.ruleId !== `sleepless/${ruleName}`);
          expect(foreign.map((m) => m.message), 'the example must parse and be linted').toEqual([]);
          if (block.kind === 'incorrect') expect(messages.length).toBeGreaterThan(0);
          else expect(messages.map((m) => `${m.line}:${m.column} ${m.message}`)).toEqual([]);
        });
      }
    });
  }
});

describe('plugin object', () => {
  it('has meta read from package.json', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(plugin.meta).toEqual({ name: 'eslint-plugin-sleepless', version: pkg.version, namespace: 'sleepless' });
  });
  it('recommended turns on every recommended rule and refers to the plugin itself', () => {
    const config = plugin.configs.recommended;
    expect(config.plugins?.sleepless).toBe(plugin);
    const expected = Object.entries(rules).filter(([, r]) => r.meta.docs?.recommended && !r.meta.docs.requiresTypeChecking);
    expect(Object.keys(config.rules ?? {}).sort()).toEqual(expected.map(([n]) => `sleepless/${n}`).sort());
  });
});
