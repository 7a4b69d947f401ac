import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin, { rules } from '../src/index.js';

/**
 * Type information only ever adds: every report of the untyped analysis is also a report with
 * `parserOptions.projectService` (same file, line and rule). Linted: the repository's examples/, and a project
 * whose sleep helpers come from packages the type checker follows into their own implementation (issue 12: with
 * types, `delay` was followed into its library's body, rejected as a sleep, and 26 findings became 0).
 */
const repo = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'sleepless-typed-superset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROJECT: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      allowJs: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(repo, 'node_modules', '@types')],
      paths: { 'eslint-plugin-sleepless/producer': [join(repo, 'src', 'producer', 'index.ts')] },
    },
    include: ['examples', 'src'],
  }),
  'package.json': JSON.stringify({ name: 'superset-fixture', type: 'module', private: true }),
  // The `delay` package's shape: an implementation, and declarations without bodies beside it.
  'node_modules/delay/package.json': JSON.stringify({ name: 'delay', version: '6.0.0', type: 'module', exports: { types: './index.d.ts', default: './index.js' } }),
  'node_modules/delay/index.d.ts': [
    'export type Options<T> = { value?: T; signal?: AbortSignal };',
    'export default function delay<T = void>(milliseconds: number, options?: Options<T>): Promise<T>;',
    'export function rangeDelay<T = void>(minimum: number, maximum: number, options?: Options<T>): Promise<T>;',
  ].join('\n'),
  'node_modules/delay/index.js': [
    'const createDelay = ({ clearTimeout: clear = clearTimeout, setTimeout: set = setTimeout } = {}) => (milliseconds, { value, signal } = {}) => {',
    '  if (signal?.aborted) return Promise.reject(signal.reason);',
    '  let timeoutId;',
    '  return new Promise((resolve) => { timeoutId = set(() => resolve(value), milliseconds); });',
    '};',
    'const delay = createDelay();',
    'export default delay;',
    'export const rangeDelay = (minimum, maximum, options) => delay(minimum + Math.random() * (maximum - minimum), options);',
  ].join('\n'),
  // A package whose types are its TypeScript sources (a workspace package): the checker reads its bodies.
  'node_modules/@acme/timing/package.json': JSON.stringify({ name: '@acme/timing', version: '1.0.0', type: 'module', exports: { types: './src/index.ts', default: './dist/index.js' } }),
  'node_modules/@acme/timing/src/index.ts': [
    'export async function delay(ms: number, { signal }: { signal?: AbortSignal } = {}): Promise<void> {',
    '  if (signal?.aborted) throw signal.reason;',
    '  await new Promise<void>((resolve) => {',
    '    const timer = setTimeout(resolve, ms);',
    "    signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });",
    '  });',
    '}',
    'export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());',
    'export const wait = (ms: number) => delay(ms);',
    'export const timing = { delay, sleep };',
  ].join('\n'),
  'src/delay-package.ts': [
    "import delay from 'delay';",
    'export class Worker {',
    '  idle = false;',
    '  async stopped() { while (!this.idle) await delay(100); }',
    '}',
  ].join('\n'),
  'src/workspace-package.ts': [
    "import { delay, sleep, wait, timing } from '@acme/timing';",
    'export class Connection {',
    '  open = false;',
    '  pending = new Set<string>();',
    '  async opened() { while (!this.open) await delay(50); }',
    '  async settled() { while (this.pending.size > 0) await sleep(25); }',
    '  async ready(state: { ready: boolean }) { while (!state.ready) await wait(10); }',
    '  async flushed() { while (this.pending.size > 0) await timing.delay(30); }',
    '}',
  ].join('\n'),
  'src/local-helper.ts': [
    "import { pause } from './helpers/pause.js';",
    'export async function started(server: { listening: boolean }) { while (!server.listening) await pause(20); }',
  ].join('\n'),
  'src/helpers/pause.ts': [
    'export async function pause(ms: number): Promise<void> {',
    '  const started = Date.now();',
    '  await new Promise((resolve) => setTimeout(resolve, ms));',
    '  return void (Date.now() - started);',
    '}',
  ].join('\n'),
};

interface Finding {
  file: string;
  line: number;
  rule: string;
}

const allRules = Object.fromEntries(Object.keys(rules).map((name) => [`sleepless/${name}`, 'error' as const]));

async function lint(typed: boolean): Promise<Finding[]> {
  const config: Linter.Config[] = [
    {
      files: ['**/*.js', '**/*.ts'],
      languageOptions: {
        parser: tseslint.parser as Linter.Parser,
        parserOptions: typed ? { projectService: true, tsconfigRootDir: dir } : {},
      },
      plugins: { sleepless: plugin as unknown as ESLint.Plugin },
      rules: allRules,
    },
  ];
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
  const results = await eslint.lintFiles(['examples', 'src']);
  const findings: Finding[] = [];
  for (const result of results) {
    const fatal = result.messages.find((m) => m.fatal || !m.ruleId);
    if (fatal) throw new Error(`${result.filePath}: ${fatal.message}`);
    for (const m of result.messages) findings.push({ file: relative(dir, result.filePath), line: m.line, rule: m.ruleId! });
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

const key = (f: Finding) => `${f.file}:${f.line} ${f.rule}`;

describe('type-aware mode never finds less than the untyped mode', () => {
  let untyped: Finding[];
  let typed: Finding[];

  beforeAll(async () => {
    for (const [name, text] of Object.entries(PROJECT)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), `${text}\n`);
    }
    mkdirSync(join(dir, 'examples'));
    for (const name of readdirSync(join(repo, 'examples'))) {
      if (/\.(js|ts)$/.test(name)) copyFileSync(join(repo, 'examples', name), join(dir, 'examples', name));
    }
    [untyped, typed] = [await lint(false), await lint(true)];
  }, 120_000);

  it('typed findings ⊇ untyped findings, on examples/ and on sleep helpers of packages', () => {
    const typedKeys = new Set(typed.map(key));
    expect(untyped.map(key).filter((k) => !typedKeys.has(k))).toEqual([]);
  });

  it('the untyped analysis finds what the fixture is about (so the comparison is not vacuous)', () => {
    const files = new Set(untyped.map((f) => f.file));
    for (const file of ['src/delay-package.ts', 'src/workspace-package.ts', 'src/local-helper.ts']) expect(files).toContain(file);
    expect(untyped.filter((f) => f.file === 'src/workspace-package.ts').map((f) => f.line)).toEqual([5, 6, 7, 8]);
    expect(untyped.filter((f) => f.file === 'src/delay-package.ts').map((f) => f.line)).toEqual([4]);
    expect(untyped.some((f) => f.file.startsWith('examples/'))).toBe(true);
  });

  it('examples/ and the fixture are linted with type information in the typed run', async () => {
    // A parser without a program would make the two runs the same and the superset trivial.
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [{
        files: ['**/*.ts', '**/*.js'],
        languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
        plugins: { typed: { rules: { program: {
          meta: { type: 'problem', schema: [], messages: { has: 'program' } },
          create(context) {
            const services = (context.sourceCode as unknown as { parserServices?: { program?: unknown } }).parserServices;
            return { Program(node) { if (services?.program) context.report({ node, messageId: 'has' }); } };
          },
        } } } },
        rules: { 'typed/program': 'error' },
      }],
    });
    const results = await eslint.lintFiles(['examples', 'src']);
    expect(results.length).toBeGreaterThan(5);
    for (const result of results) expect(result.messages.map((m) => m.message), result.filePath).toEqual(['program']);
  });
});
