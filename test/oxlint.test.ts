import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ESLint, type Linter, type Rule } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltPlugin } from './helpers/built-plugin.js';

/**
 * oxlint runs the rules unchanged as a JS plugin (`jsPlugins`): the pinned oxlint over examples/ must find what
 * ESLint finds (same files, lines, columns, rules and messages), apply the same fixes and suggestions, take the
 * rule options, and honour disable comments. The plugin is the built one (dist/), as a user's oxlint loads it.
 */

const root = join(import.meta.dirname, '..');
const oxlintBin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'oxlint.cmd' : 'oxlint');
const builtPlugin = join(root, 'dist', 'index.js');
const examples = readdirSync(join(root, 'examples')).filter((f) => /\.[cm]?[jt]sx?$/.test(f)).sort();
const RULES = ['no-blocking-sleep', 'no-busy-wait', 'no-sleep-polling'];

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function oxlint(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(oxlintBin, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** An .oxlintrc.json with only this plugin's rules on (oxlint's own default category off), in `dir`. */
function writeConfig(dir: string, ruleOptions: Record<string, unknown> = {}): string {
  const file = join(dir, '.oxlintrc.json');
  const rules = Object.fromEntries(RULES.map((r) => [`sleepless/${r}`, ruleOptions[r] ?? 'error']));
  writeFileSync(file, `${JSON.stringify({ categories: { correctness: 'off' }, jsPlugins: [builtPlugin], rules }, null, 2)}\n`);
  return file;
}

/** oxlint's JSON report as findings, paths relative to `dir`. */
async function oxlintFindings(dir: string, paths: string[]): Promise<Finding[]> {
  const run = await oxlint(['-c', join(dir, '.oxlintrc.json'), '-f', 'json', ...paths], dir);
  expect(run.code, run.stderr).toBeLessThanOrEqual(1);
  const report = JSON.parse(run.stdout) as {
    diagnostics: { message: string; code: string; filename: string; labels: { span: { line: number; column: number } }[] }[];
    number_of_files: number;
  };
  expect(report.number_of_files).toBe(paths.length);
  return report.diagnostics
    .map((d) => ({
      file: relative(dir, join(dir, d.filename)).split('\\').join('/'),
      line: d.labels[0]!.span.line,
      column: d.labels[0]!.span.column,
      rule: d.code.replace(/^(\w+)\((.*)\)$/, '$1/$2'),
      message: d.message,
    }))
    .sort(byPlace);
}

function byPlace(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

let eslint: ESLint;
let fixingEslint: ESLint;
let dir: string;

beforeAll(async () => {
  const plugin = await loadBuiltPlugin();
  const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser } }, plugin.configs.recommended];
  eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });
  fixingEslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config, fix: true });
  dir = mkdtempSync(join(tmpdir(), 'sleepless-oxlint-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of examples/ with the config, to lint or fix in place. */
function copyExamples(name: string): string {
  const copy = mkdtempSync(join(dir, `${name}-`));
  for (const file of examples) copyFileSync(join(root, 'examples', file), join(copy, file));
  writeConfig(copy);
  return copy;
}

describe('oxlint with the plugin as a JS plugin', () => {
  it('finds in examples/ what ESLint finds: same files, lines, columns, rules and messages', async () => {
    const copy = copyExamples('compare');
    const fromOxlint = await oxlintFindings(copy, examples);

    const results = await eslint.lintFiles(examples.map((f) => join(root, 'examples', f)));
    const fromEslint = results
      .flatMap((r) => r.messages.map((m) => ({ file: relative(join(root, 'examples'), r.filePath), line: m.line, column: m.column, rule: m.ruleId ?? '(parser)', message: m.message })))
      .sort(byPlace);

    expect(fromEslint.length).toBeGreaterThanOrEqual(10);
    expect(new Set(fromEslint.map((f) => f.rule))).toEqual(new Set(RULES.map((r) => `sleepless/${r}`)));
    expect(fromOxlint).toEqual(fromEslint);
  }, 60_000);

  it('`oxlint --fix` writes what `eslint --fix` writes', async () => {
    const copy = copyExamples('fix');
    await oxlint(['-c', join(copy, '.oxlintrc.json'), '--fix', ...examples], copy);
    const results = await fixingEslint.lintFiles(examples.map((f) => join(root, 'examples', f)));
    const fixed = results.filter((r) => r.output !== undefined).map((r) => relative(join(root, 'examples'), r.filePath));
    expect(fixed).toEqual(['kpl-flush-sync.ts']);
    for (const result of results) {
      const file = relative(join(root, 'examples'), result.filePath);
      expect(readFileSync(join(copy, file), 'utf8'), file).toBe(result.output ?? readFileSync(result.filePath, 'utf8'));
    }
  }, 60_000);

  it('`oxlint --fix-suggestions` applies the suggestions ESLint offers', async () => {
    const copy = copyExamples('suggest');
    await oxlint(['-c', join(copy, '.oxlintrc.json'), '--fix-suggestions', ...examples], copy);
    const results = await eslint.lintFiles(examples.map((f) => join(root, 'examples', f)));
    let suggested = 0;
    for (const result of results) {
      const file = relative(join(root, 'examples'), result.filePath);
      const edits = result.messages.flatMap((m) => [m.fix, m.suggestions?.[0]?.fix].filter((f): f is Rule.Fix => !!f));
      suggested += result.messages.filter((m) => m.suggestions?.length).length;
      let text = readFileSync(result.filePath, 'utf8');
      for (const edit of edits.sort((a, b) => b.range[0] - a.range[0])) text = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
      expect(readFileSync(join(copy, file), 'utf8'), file).toBe(text);
    }
    expect(suggested).toBeGreaterThan(0);
  }, 60_000);

  it('takes rule options, and honours eslint-disable comments', async () => {
    const copy = mkdtempSync(join(dir, 'options-'));
    // A helper of a module that is not there: nothing says it polls, until the options do.
    writeFileSync(join(copy, 'kit.test.js'), `import { ensure } from './kit.js';
export async function started(server) {
  await ensure(() => server.listening);
}
export async function ready(state) {
  // eslint-disable-next-line sleepless/no-sleep-polling -- waits on a test double
  while (!state.ready) await new Promise((resolve) => setTimeout(resolve, 10));
}
`);
    writeFileSync(join(copy, 'plain.js'), 'export async function ready(state) {\n  while (!state.ready) await new Promise((resolve) => setTimeout(resolve, 10));\n}\n');
    writeConfig(copy);
    // The same loop without the comment is reported; with it, not.
    expect((await oxlintFindings(copy, ['kit.test.js', 'plain.js'])).map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual(['plain.js:2 sleepless/no-sleep-polling']);
    writeConfig(copy, { 'no-sleep-polling': ['error', { pollingFunctions: ['ensure'] }] });
    expect((await oxlintFindings(copy, ['kit.test.js'])).map((f) => `${f.line}: ${f.message.split(':')[0]}`)).toEqual([
      '3: `server.listening` is polled by `ensure()` at a fixed interval',
    ]);
  }, 60_000);
});
