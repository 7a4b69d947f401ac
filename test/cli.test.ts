import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type AjvModule from 'ajv-draft-04';
import type { FormatsPlugin } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { BUILT_CLI, CLEAN_JS, makeTree, POLLING_JS, removeTrees, ROOT, run, spawnNode } from './helpers/cli.js';

const RULE = 'sleepless/no-sleep-polling';

afterAll(removeTrees);

/**
 * The SARIF 2.1.0 JSON schema (2.1.0-rtm.5, the OASIS standard's schema as published on SchemaStore), copied
 * from `lib/schemas/sarif-2.1.0-rtm.5.json` of the npm package @microsoft/jest-sarif@1.0.0-beta.0 (MIT).
 */
const sarifSchema = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8'));
// The schema's `pattern`s are ECMA-262 without the `u` flag. Both packages are CommonJS whose module.exports is the class or function itself.
const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as typeof AjvModule.default;
const addFormats = require('ajv-formats') as FormatsPlugin;
const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(sarifSchema);

function expectValidSarif(text: string) {
  const log = JSON.parse(text);
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  return log;
}

describe('usage', () => {
  it('--help explains every option and the exit codes', async () => {
    const { code, stdout } = await run(['--help'], ROOT);
    expect(code).toBe(0);
    for (const word of ['--fix', '--format', 'sarif', '--type-aware', '--max-warnings', '--output-file', '--warn', '--rule-option', '"sleepless" key of the nearest package.json', '--version']) {
      expect(stdout).toContain(word);
    }
    expect(stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await run(['--version'], ROOT);
    expect(code).toBe(0);
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(stdout.trim()).toBe(version);
  });

  it.each([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--format', 'xml'], /unknown format 'xml': use one of stylish, json, sarif/],
    [['--max-warnings', 'many'], /--max-warnings needs a whole number/],
    [['--max-warnings'], /argument missing/],
    [['does-not-exist'], /no such file or directory: does-not-exist/],
  ])('bad usage %j exits with 2 and says why', async (argv, message) => {
    const dir = makeTree({ 'a.js': CLEAN_JS });
    const { code, stderr, stdout } = await run(argv, dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('an unknown option names the closest one and lists them all', async () => {
    const dir = makeTree({ 'a.js': CLEAN_JS });
    const typo = await run(['--fromat', 'json'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Unknown option '--fromat'. Did you mean --format?\n");
    expect(typo.stderr).toContain('Options: --fix, --format (-f), --output-file (-o), --type-aware, --warn, --max-warnings, --rule-option, --help (-h), --version (-v)\n');
    const far = await run(['--zzzzzzzzzz'], dir);
    expect(far.stderr).toMatch(/^sleepless: Unknown option '--zzzzzzzzzz'\.\nOptions: --fix, /);
    expect((await run(['--type_aware'], dir)).stderr).toContain('Did you mean --type-aware?');
  });

  it('--type-aware without a tsconfig.json exits with 2', async () => {
    const dir = makeTree({ 'a.ts': CLEAN_JS });
    // A tmp dir has no tsconfig.json above it.
    const { code, stderr } = await run(['--type-aware'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--type-aware needs a tsconfig.json/);
  });
});

describe('findings and exit codes', () => {
  it('exits 0 and says so when nothing is found', async () => {
    const dir = makeTree({ 'src/a.js': CLEAN_JS });
    const { code, stdout, stderr } = await run([], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('sleepless: no findings in 1 file\n');
  });

  it('exits 1 with the finding, its place and its rule in stylish output', async () => {
    const dir = makeTree({ 'src/connection.js': POLLING_JS, 'src/ok.js': CLEAN_JS });
    const { code, stdout } = await run([], dir);
    expect(code).toBe(1);
    expect(stdout).toContain(path.join(dir, 'src/connection.js'));
    expect(stdout).toMatch(/3:\d+\s+error\s+`!this\.ready` is polled every 100 ms.*sleepless\/no-sleep-polling/);
    expect(stdout).toContain('1 problem (1 error, 0 warnings)');
    expect(stdout).not.toContain('ok.js');
  });

  it('only runs rules the plugin recommends, read from the plugin itself', async () => {
    const dir = makeTree({ 'a.js': POLLING_JS });
    const { stdout } = await run(['--format', 'json'], dir);
    const ruleIds = new Set(JSON.parse(stdout).flatMap((r: { messages: { ruleId: string }[] }) => r.messages.map((m) => m.ruleId)));
    const recommended = Object.keys(plugin.configs.recommended.rules ?? {});
    expect(recommended).toContain(RULE);
    for (const id of ruleIds) expect(recommended).toContain(id);
  });

  it('parses every JS and TS flavour, with JSX in .js/.jsx/.tsx and types in .ts/.tsx/.mts/.cts', async () => {
    const tsx = `import * as React from 'react';
interface Props { label: string }
export class Widget extends React.Component<Props> {
  ready = false;
  async waitUntilReady(): Promise<void> {
    while (!this.ready) {
      await new Promise<void>((resolve) => setTimeout(resolve, 100));
    }
  }
  render() { return <button type="button">{this.props.label as string}</button>; }
}
`;
    const ts = `export class Pool { private ready = false;\n  async wait(): Promise<void> {\n    while (!this.ready) { await new Promise<void>((r) => setTimeout(r, 100)); }\n  }\n}\n`;
    const jsx = `export const App = () => <div className="app">{1 < 2 ? 'a' : 'b'}</div>;\n${POLLING_JS}`;
    const dir = makeTree({
      'a.tsx': tsx,
      'b.ts': `const x = <number>(1 as unknown);\n${ts}`,
      'c.mts': ts,
      'd.cts': ts,
      'e.js': jsx,
      'f.jsx': jsx,
      'g.mjs': POLLING_JS,
      'h.cjs': 'module.exports = class { async w() { while (!this.ready) { await new Promise((r) => setTimeout(r, 100)); } } };\n',
      'types.d.ts': 'declare const x: <T>() => T;\n',
      'notes.md': '# not code\n',
    });
    const { code, stdout, stderr } = await run(['--format', 'json'], dir);
    expect(stderr).not.toContain('could not parse');
    expect(code).toBe(1);
    const results: { filePath: string; messages: { ruleId: string; fatal?: boolean }[] }[] = JSON.parse(stdout);
    expect(results.map((r) => path.basename(r.filePath)).sort()).toEqual(
      ['a.tsx', 'b.ts', 'c.mts', 'd.cts', 'e.js', 'f.jsx', 'g.mjs', 'h.cjs'],
    );
    for (const result of results) {
      expect(result.messages.map((m) => m.ruleId), path.basename(result.filePath)).toEqual([RULE]);
    }
  });

  it('reports a file it cannot parse with file:line:column and exits 2 without crashing', async () => {
    const dir = makeTree({ 'src/broken.ts': 'export const x = ;\n', 'src/connection.js': POLLING_JS });
    const { code, stdout, stderr } = await run([], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/sleepless: could not parse src\/broken\.ts:1:\d+: Expression expected/);
    expect(stdout).toContain('Parsing error');
    expect(stdout).toContain(RULE); // the other file is still linted
  });

  it('parses a .js file that no module can hold as CommonJS (a top-level return, `interface` as a name)', async () => {
    const cjs = [
      'const interface = 1;',
      'let ready = false;',
      'exports.start = () => { ready = true; };',
      'exports.opened = async () => { while (!ready) await new Promise((r) => setTimeout(r, 100)); };',
      'if (!module.parent) return;',
    ].join('\n');
    const dir = makeTree({ 'package.json': '{"name":"x"}', 'lib/worker.js': cjs, 'lib/broken.js': 'let = ;\n' });
    const { code, stdout, stderr } = await run([], dir);
    expect(code).toBe(2); // broken.js still cannot be parsed either way
    expect(stderr).not.toContain('could not parse lib/worker.js');
    expect(stderr).toContain('sleepless: could not parse lib/broken.js:1:1');
    expect(stdout).toContain('lib/worker.js');
    expect(stdout).toContain(RULE);
  });

  it('never says "no findings" about a file it could not parse', async () => {
    const dir = makeTree({ 'src/broken.js': 'let = ;\n', 'src/ok.js': CLEAN_JS });
    const { code, stderr } = await run(['--format', 'json'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('sleepless: could not parse src/broken.js:1:1');
    expect(stderr).toContain('sleepless: no findings in the 1 file that could be parsed; 1 file could not be parsed\n');
    const both = await run(['--format', 'json'], makeTree({ 'broken.ts': 'export const x = ;\n', 'a.js': POLLING_JS }));
    expect(both.stderr).toContain('sleepless: 1 finding in 1 of 2 files; 1 file could not be parsed\n');
  });

  it('honours disable comments for its rules and ignores comments about rules of other plugins', async () => {
    const dir = makeTree({
      'a.js': `// eslint-disable-next-line react/no-danger, @typescript-eslint/no-explicit-any
/* eslint no-console: "error" */
console.log('not our business');
${POLLING_JS.replace('    while', '    // eslint-disable-next-line sleepless/no-sleep-polling -- waits for a test double\n    while')}`,
    });
    const { code, stdout, stderr } = await run([], dir);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(stderr).toContain('no findings');
  });

  it('--warn and --max-warnings: tolerate up to N findings', async () => {
    const dir = makeTree({ 'a.js': POLLING_JS, 'b.js': POLLING_JS });
    expect((await run(['--warn'], dir)).code).toBe(0);
    expect((await run(['--warn', '--max-warnings', '2'], dir)).code).toBe(0);
    const over = await run(['--warn', '--max-warnings', '1'], dir);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('2 problems (0 errors, 2 warnings)');
    expect(over.stderr).toContain('too many warnings (2, at most 1 allowed)');
    // Without --warn the findings are errors: any one fails, whatever --max-warnings says.
    expect((await run(['--max-warnings', '5'], dir)).code).toBe(1);
  });

  it('lints paths outside the current directory', async () => {
    const dir = makeTree({ 'project/a.js': CLEAN_JS, 'other/b.js': POLLING_JS });
    const { code, stdout } = await run(['--format', 'json', '../other'], path.join(dir, 'project'));
    expect(code).toBe(1);
    expect(JSON.parse(stdout)[0].filePath).toBe(path.join(dir, 'other/b.js'));
  });
});

describe('which files', () => {
  it('respects .gitignore files (nested, negated, anchored) and skips node_modules', async () => {
    const dir = makeTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': '# build output\n/dist/\n*.generated.js\ncoverage\n!keep.generated.js\n',
      'packages/app/.gitignore': 'tmp/\n',
      'src/a.js': POLLING_JS,
      'src/b.generated.js': POLLING_JS,
      'src/keep.generated.js': POLLING_JS,
      'dist/a.js': POLLING_JS,
      'lib/dist/a.js': POLLING_JS, // `/dist/` is anchored to the root
      'coverage/x.js': POLLING_JS,
      'node_modules/dep/index.js': POLLING_JS,
      'packages/app/node_modules/dep/index.js': POLLING_JS,
      'packages/app/tmp/x.js': POLLING_JS,
      'packages/app/src/y.js': POLLING_JS,
      'packages/lib/tmp/z.js': POLLING_JS, // the nested .gitignore only applies under packages/app
    });
    const linted = async (cwd: string, args: string[] = []) =>
      (JSON.parse((await run(['--format', 'json', ...args], cwd)).stdout) as { filePath: string }[])
        .map((r) => path.relative(dir, r.filePath).split(path.sep).join('/'))
        .sort();
    expect(await linted(dir)).toEqual([
      'lib/dist/a.js',
      'packages/app/src/y.js',
      'packages/lib/tmp/z.js',
      'src/a.js',
      'src/keep.generated.js',
    ]);
    // From a subdirectory, the .gitignore files above it still apply.
    expect(await linted(path.join(dir, 'src'))).toEqual(['src/a.js', 'src/keep.generated.js']);
    // A file named on the command line is linted even if ignored.
    expect(await linted(dir, ['src/b.generated.js'])).toEqual(['src/b.generated.js']);
  });

  it('exits 0 with a note when there is nothing to lint', async () => {
    const dir = makeTree({ 'README.md': '# hi\n', 'node_modules/x/index.js': POLLING_JS });
    const { code, stderr } = await run([], dir);
    expect(code).toBe(0);
    expect(stderr).toContain('no JavaScript or TypeScript files to lint in .');
  });
});

describe('output', () => {
  it('--format json prints ESLint results', async () => {
    const dir = makeTree({ 'a.js': POLLING_JS });
    const { stdout, stderr } = await run(['--format', 'json'], dir);
    const [result] = JSON.parse(stdout);
    expect(result).toMatchObject({ filePath: path.join(dir, 'a.js'), errorCount: 1, messages: [{ ruleId: RULE, line: 3 }] });
    expect(stderr).toBe('sleepless: 1 finding in 1 of 1 file\n');
  });

  it('--format sarif writes schema-valid SARIF 2.1.0 with relative locations and rule help', async () => {
    const dir = makeTree({ 'src/connection.js': POLLING_JS, 'src/broken.js': 'let = ;\n', 'src/ok.ts': CLEAN_JS });
    const { code, stdout, stderr } = await run(['--format', 'sarif', '--output-file', 'reports/sleepless.sarif'], dir);
    expect(code).toBe(2); // the parse error
    expect(stdout).toBe('');
    expect(stderr).toContain('(report in reports/sleepless.sarif)');
    const log = expectValidSarif(readFileSync(path.join(dir, 'reports/sleepless.sarif'), 'utf8'));
    const [sarifRun] = log.runs;
    expect(sarifRun.tool.driver.name).toBe('sleepless');
    expect(sarifRun.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(Object.keys(plugin.configs.recommended.rules ?? {}));
    const rule = sarifRun.tool.driver.rules.find((r: { id: string }) => r.id === RULE);
    expect(rule.helpUri).toMatch(/docs\/rules\/no-sleep-polling\.md$/);
    expect(rule.help.markdown).toContain(`[Documentation](${rule.helpUri})`);
    expect(sarifRun.results).toHaveLength(1);
    expect(sarifRun.results[0]).toMatchObject({
      ruleId: RULE,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/connection.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } } }],
    });
    expect(sarifRun.invocations[0].toolExecutionNotifications).toMatchObject([
      { level: 'error', message: { text: expect.stringContaining('Parsing error') }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/broken.js' } } }] },
    ]);
  });

  it('--format sarif is valid with no findings, warnings, and odd file names', async () => {
    const dir = makeTree({ 'app/[id] page.tsx': `export default function Page() { return <p>ok</p>; }\n` });
    const clean = expectValidSarif((await run(['--format', 'sarif'], dir)).stdout);
    expect(clean.runs[0].results).toEqual([]);
    const dir2 = makeTree({ 'routes/[id]/ä b.js': POLLING_JS });
    const warned = expectValidSarif((await run(['--format', 'sarif', '--warn'], dir2)).stdout);
    expect(warned.runs[0].results[0]).toMatchObject({
      level: 'warning',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'routes/%5Bid%5D/%C3%A4%20b.js' } } }],
    });
  });

  it('shows `linted N/M files` on a terminal for large trees, and nothing when piped', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`src/f${String(i).padStart(3, '0')}.js`] = CLEAN_JS;
    const dir = makeTree(files);
    const tty = await run([], dir, { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('sleepless: linted 50/120 files');
    expect(tty.stderr).toContain('sleepless: linted 120/120 files');
    const piped = await run([], dir);
    expect(piped.stderr).toBe('sleepless: no findings in 120 files\n');
  });
});

describe('your own helpers: the "sleepless" key of package.json and --rule-option', () => {
  // A polling helper and a sleep of another module: nothing says what they do unless the user names them.
  const helpers = {
    'test/util.js': 'export { waitFor, holdOn } from "some-test-kit";\n',
    'test/server.test.js': `import { waitFor, holdOn } from './util.js';
export async function started(server) {
  await waitFor(() => server.listening);
}
export async function drained(queue) {
  while (queue.length > 0) await holdOn(20);
}
`,
  };
  const rules = async (args: string[], dir: string) => {
    const { code, stdout, stderr } = await run(['--format', 'json', ...args], dir);
    const messages = code === 2 ? [] : (JSON.parse(stdout) as { messages: { line: number; message: string }[] }[]).flatMap((r) => r.messages);
    return { code, stderr, found: messages.map((m) => `${m.line}: ${m.message.split(':')[0]}`) };
  };

  it('reports nothing for them by default', async () => {
    expect(await rules([], makeTree(helpers))).toEqual({ code: 0, stderr: 'sleepless: no findings in 2 files\n', found: [] });
  });

  it('reads pollingFunctions and sleepFunctions from the nearest package.json, from a subdirectory too', async () => {
    const dir = makeTree({ ...helpers, 'package.json': JSON.stringify({ name: 'app', sleepless: { pollingFunctions: ['waitFor'], sleepFunctions: ['holdOn'] } }) });
    const expected = ['3: `server.listening` is polled by `waitFor()` at a fixed interval', '6: `queue.length > 0` is polled every 20 ms'];
    expect(await rules([], dir)).toMatchObject({ code: 1, found: expected });
    expect(await rules([], path.join(dir, 'test'))).toMatchObject({ code: 1, found: expected });
  });

  it('docs/integrations.md: its "sleepless" key, as printed, names all three', async () => {
    const docs = readFileSync(path.join(ROOT, 'docs/integrations.md'), 'utf8');
    const block = /```json\n(\{\n {2}"sleepless"[\s\S]*?)```/.exec(docs);
    expect(block, 'the package.json example').not.toBeNull();
    const dir = makeTree({
      ...helpers,
      'package.json': block![1]!,
      'test/kit.test.js': "import { eventually } from '@acme/test-kit';\nexport const up = (s) => eventually(() => s.up);\n",
    });
    const { code, found } = await rules([], dir);
    expect(code).toBe(1);
    expect(found).toEqual([
      '2: `s.up` is polled by `eventually()` at a fixed interval',
      '3: `server.listening` is polled by `waitFor()` at a fixed interval',
      '6: `queue.length > 0` is polled every 20 ms',
    ]);
  });

  it('--rule-option takes the same object and wins over package.json key by key', async () => {
    const dir = makeTree({ ...helpers, 'package.json': JSON.stringify({ sleepless: { pollingFunctions: ['waitFor'] } }) });
    expect((await rules(['--rule-option', '{"sleepFunctions":["holdOn"]}'], dir)).found).toHaveLength(2);
    expect((await rules(['--rule-option', '{"pollingFunctions":[]}'], dir)).found).toEqual([]);
    expect((await rules(['--rule-option', '{"pollingFunctions":[{"from":"./util.js","name":"waitFor"}]}'], makeTree(helpers))).found).toHaveLength(1);
  });

  it.each([
    [{ sleepless: ['waitFor'] }, [], /the "sleepless" key of package.json must be a JSON object of sleepless\/no-sleep-polling options \(sleepFunctions, pollingFunctions, drainMethods, reportWorkLoops\)/],
    [{ sleepless: { pollingFunction: ['waitFor'] } }, [], /unknown option 'pollingFunction' in the "sleepless" key of package.json: use sleepFunctions, pollingFunctions/],
    [{}, ['--rule-option', 'pollingFunctions=waitFor'], /--rule-option needs a JSON object, e.g. '\{"pollingFunctions":\["waitFor"\]\}'; got 'pollingFunctions=waitFor'/],
    [{}, ['--rule-option', '{"sleepFunctions":[3]}'], /invalid options for sleepless\/no-sleep-polling \(from --rule-option\): Value 3 should be string/],
  ])('bad options %j %j exit with 2 and say what is wrong', async (pkg, args, message) => {
    const dir = makeTree({ ...helpers, 'package.json': JSON.stringify(pkg) });
    const { code, stderr, stdout } = await run(args, dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });
});

describe('--type-aware', () => {
  it('lints TypeScript with the nearest tsconfig.json', async () => {
    const dir = makeTree({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true }, include: ['src'] }),
      'src/pool.ts': `export class Pool {\n  private ready = false;\n  async wait(): Promise<void> {\n    while (!this.ready) {\n      await new Promise<void>((r) => setTimeout(r, 100));\n    }\n  }\n}\n`,
      'src/ok.ts': CLEAN_JS.replace('(connection)', '(connection: { ready: Promise<void> })'),
    });
    const { code, stdout, stderr } = await run(['--type-aware', '--format', 'json'], path.join(dir, 'src'));
    expect(stderr).not.toContain('could not parse');
    expect(code).toBe(1);
    const results: { filePath: string; messages: { ruleId: string }[] }[] = JSON.parse(stdout);
    expect(results.find((r) => r.filePath.endsWith('pool.ts'))?.messages.map((m) => m.ruleId)).toEqual([RULE]);
  });
});

describe('the built bin', () => {
  beforeAll(() => {
    if (!existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });

  it('is the package.json bin, starts with a shebang and exits 1 on findings', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ sleepless: './dist/cli.js' });
    expect(pkg.dependencies['@typescript-eslint/parser']).toBeDefined();
    expect(readFileSync(BUILT_CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const dir = makeTree({ 'src/connection.js': POLLING_JS, 'src/ok.tsx': 'export const A = () => <a href="/" />;\n' });
    const { code, stdout } = await spawnNode([BUILT_CLI, 'src'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain(RULE);
  });

  it("keeps ESLint's own warnings out of its output (an .eslintignore file in the tree)", async () => {
    const dir = makeTree({ '.eslintignore': 'dist\n', 'src/connection.js': POLLING_JS });
    const { code, stdout, stderr } = await spawnNode([BUILT_CLI, '--format', 'json'], dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toHaveLength(1);
    expect(stderr).toBe('sleepless: 1 finding in 1 of 1 file\n');
    // The same in this process: the warning is dropped, and process.emitWarning is left as it was.
    const emitWarning = process.emitWarning;
    expect((await run([], dir)).code).toBe(1);
    expect(process.emitWarning).toBe(emitWarning);
  });

  it('exits 0 on a clean tree and 2 on bad usage', async () => {
    const dir = makeTree({ 'a.js': CLEAN_JS });
    expect((await spawnNode([BUILT_CLI], dir)).code).toBe(0);
    const bad = await spawnNode([BUILT_CLI, '--format=html'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown format 'html'");
  });
});
