import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fences } from './helpers/markdown.js';

/**
 * The packed tarball installed into fresh projects, as a user would (`npm pack`, then `npm install <tarball>`):
 * the README's quick start in a project made by `npm init -y` with TypeScript sources, its type-checked config,
 * one copy of typescript-eslint's packages next to a newer typescript-eslint 8.x, and the command run by `npx`
 * from the tarball outside any project. The configs are read from README.md as they stand.
 */

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const RULE = 'sleepless/no-sleep-polling';
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** README code blocks whose first line names a config file (`// eslint.config.mjs`). */
const readmeConfigs = fences(readme).flatMap((fence) => {
  const named = /^\/\/ (eslint\.config\.[cm]?js)\n/.exec(fence.code);
  return fence.lang === 'js' && named ? [{ file: named[1]!, code: fence.code, heading: fence.heading }] : [];
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string; fatal?: boolean }[];
}

/** `eslint --format json .` in `dir`: sleepless rule ids per linted file, after checking that every file parsed. */
async function lint(eslint: string, dir: string): Promise<Record<string, string[]>> {
  const run = await exec(eslint, ['--format', 'json', '.'], dir);
  expect(run.code, run.stderr).toBeLessThanOrEqual(1);
  const results = JSON.parse(run.stdout) as LintResult[];
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || m.ruleId === null).map((m) => `${relative(dir, r.filePath)}: ${m.message}`));
  expect(fatal, 'every file parses').toEqual([]);
  return Object.fromEntries(results.map((r) => [relative(dir, r.filePath).split('\\').join('/'), r.messages.map((m) => m.ruleId!).filter((id) => id.startsWith('sleepless/'))]));
}

const POLL_JS = `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitUntilReady(connection) {
  while (!connection.ready) await sleep(100);
}
module.exports = { waitUntilReady };
`;
/** The same loop in TypeScript syntax, which only a TypeScript parser reads. */
const POLL_TS = `const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export async function waitUntilReady(connection: { ready: boolean }): Promise<void> {
  while (!connection.ready) await sleep(100);
}
`;
const POLL_TSX = `${POLL_TS}export const Status = ({ ready }: { ready: boolean }) => <span>{ready ? 'up' : 'starting'}</span>;\n`;
const CLEAN_TS = 'export async function flush(producer: { flush(): Promise<void> }): Promise<void> {\n  await producer.flush();\n}\n';

/** What the quick start lints in the `npm init -y` project, and what it finds: every flavour of JS and TS. */
const SOURCES = {
  'src/poll.js': POLL_JS,
  'src/poll.ts': POLL_TS,
  'src/view.tsx': POLL_TSX,
  'src/esm.mts': POLL_TS,
  'src/common.cts': POLL_TS,
  'src/clean.ts': CLEAN_TS,
};

let packDir: string;
let tarball: string;

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), 'sleepless-pack-'));
  const pack = await exec(npm, ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'], root);
  expect(pack.code, pack.stderr).toBe(0);
  tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
}, 120_000);

afterAll(() => {
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

describe('a project made by `npm init -y`, with TypeScript sources', () => {
  let project: string;
  const eslint = () => join(project, 'node_modules', '.bin', 'eslint');

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'sleepless-user-'));
    const init = await exec(npm, ['init', '-y'], project);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).type).toBe('commonjs');
    // The quick start's install line, with the tarball for the package name; the producer's optional peers too.
    const install = await exec(
      npm,
      ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--silent', 'eslint@10.15.0', tarball, '@aws-sdk/client-kinesis@3.1143.0', '@smithy/node-http-handler@4.14.2'],
      project,
    );
    expect(install.code, install.stderr).toBe(0);
  }, 240_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('the package holds its MIT LICENSE', () => {
    const license = readFileSync(join(project, 'node_modules', 'eslint-plugin-sleepless', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(JSON.parse(readFileSync(join(project, 'node_modules', 'eslint-plugin-sleepless', 'package.json'), 'utf8')).license).toBe('MIT');
  });

  it('the README has the quick start config and its CommonJS form', () => {
    expect(readmeConfigs.filter((c) => c.heading === 'Quick start').map((c) => c.file)).toEqual(['eslint.config.mjs']);
    expect(readmeConfigs.filter((c) => c.file === 'eslint.config.cjs')).toHaveLength(1);
  });

  // The quick start as written (.mjs), its CommonJS form as .cjs, and the same CommonJS text as .js, which is what
  // a CommonJS package (`"type": "commonjs"`) takes as its eslint.config.js.
  const variants = [
    { as: 'eslint.config.mjs', from: 'eslint.config.mjs' },
    { as: 'eslint.config.cjs', from: 'eslint.config.cjs' },
    { as: 'eslint.config.js', from: 'eslint.config.cjs' },
  ];
  it.each(variants)('$as ($from of the README) lints the .ts, .tsx, .mts and .cts files, and finds the loops in them', async ({ as, from }) => {
    const dir = join(project, as.replace(/\W/g, '-'));
    write(dir, { ...SOURCES, [as]: readmeConfigs.find((c) => c.file === from)!.code });
    const found = await lint(eslint(), dir);
    expect(Object.keys(found).length).toBeGreaterThan(0);
    expect(found).toEqual({
      [as]: [],
      'src/clean.ts': [],
      'src/common.cts': [RULE],
      'src/esm.mts': [RULE],
      'src/poll.js': [RULE],
      'src/poll.ts': [RULE],
      'src/view.tsx': [RULE],
    });
  }, 120_000);

  it('an ES module eslint.config.js in a `"type": "module"` package', async () => {
    const dir = join(project, 'esm');
    write(dir, { 'package.json': '{ "type": "module" }\n', 'src/poll.ts': POLL_TS, 'eslint.config.js': readmeConfigs.find((c) => c.heading === 'Quick start')!.code });
    expect(await lint(eslint(), dir)).toEqual({ 'eslint.config.js': [], 'src/poll.ts': [RULE] });
  }, 120_000);

  it('exposes the producer entry point', async () => {
    const run = await exec(process.execPath, ['-e', "import('eslint-plugin-sleepless/producer').then((m) => console.log(typeof m.KinesisProducer))"], project);
    expect(run.stdout.trim(), run.stderr).toBe('function');
  });

  describe('oxlint 1.95.0 with the .oxlintrc.json of README.md and docs/integrations.md', () => {
    const blocks = [
      ...fences(readme).filter((f) => f.lang === 'json' && f.code.includes('"jsPlugins"')).map((f) => ({ source: `README.md:${f.line}`, code: f.code })),
      ...fences(readFileSync(join(root, 'docs', 'integrations.md'), 'utf8'))
        .filter((f) => f.lang === 'json' && f.code.includes('"jsPlugins"'))
        .map((f) => ({ source: `docs/integrations.md:${f.line}`, code: f.code })),
    ];

    beforeAll(async () => {
      const install = await exec(npm, ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--silent', 'oxlint@1.95.0'], project);
      expect(install.code, install.stderr).toBe(0);
    }, 240_000);

    it('finds both blocks', () => {
      expect(blocks.map((b) => b.source.split(':')[0])).toEqual(['README.md', 'docs/integrations.md']);
    });

    it.each(blocks)('$source: `npx oxlint` reports the loops in every JS and TS flavour', async ({ source, code }) => {
      const dir = join(project, `oxlint-${source.replace(/\W/g, '-')}`);
      const kit = "import { waitFor } from './kit.js';\nexport const started = (server: { listening: boolean }) => waitFor(() => server.listening);\n";
      // `waitFor` comes from a package through a module of the project: nothing says it polls, unless the config does.
      write(dir, { ...SOURCES, 'src/started.ts': kit, 'src/kit.ts': "export { waitFor } from 'some-test-kit';\n", '.oxlintrc.json': code });
      const run = await exec(join(project, 'node_modules', '.bin', 'oxlint'), ['--format', 'json', 'src'], dir);
      expect(run.code, run.stderr).toBe(1);
      const report = JSON.parse(run.stdout) as { diagnostics: { code: string; filename: string }[]; number_of_files: number };
      expect(report.number_of_files).toBe(Object.keys(SOURCES).length + 2);
      const found = report.diagnostics.filter((d) => d.code.startsWith('sleepless(')).map((d) => `${d.filename} ${d.code}`).sort();
      const polled = ['src/common.cts', 'src/esm.mts', 'src/poll.js', 'src/poll.ts', 'src/view.tsx'];
      // The integrations.md block also names `waitFor` as a polling helper.
      if (code.includes('pollingFunctions')) polled.push('src/started.ts');
      expect(found).toEqual(polled.sort().map((file) => `${file} sleepless(no-sleep-polling)`));
    }, 120_000);
  });

  describe('with typescript-eslint 8.74.0, newer than the 8.72.0 this package was built with', () => {
    beforeAll(async () => {
      const install = await exec(npm, ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--silent', 'typescript-eslint@8.74.0'], project);
      expect(install.code, install.stderr).toBe(0);
    }, 240_000);

    it('`npm ls` finds one copy of @typescript-eslint/parser, /utils and /types, shared with typescript-eslint', async () => {
      const run = await exec(npm, ['ls', '--all', '--json', '@typescript-eslint/parser', '@typescript-eslint/utils', '@typescript-eslint/types'], project);
      expect(run.code, run.stderr).toBe(0);
      const versions = new Map<string, Set<string>>();
      const visit = (deps: Record<string, { version: string; dependencies?: Record<string, unknown> }> | undefined) => {
        for (const [name, dep] of Object.entries(deps ?? {})) {
          if (name === '@typescript-eslint/parser' || name === '@typescript-eslint/utils' || name === '@typescript-eslint/types') versions.set(name, (versions.get(name) ?? new Set()).add(dep.version));
          visit(dep.dependencies as typeof deps);
        }
      };
      visit(JSON.parse(run.stdout).dependencies);
      expect(Object.fromEntries([...versions].map(([name, set]) => [name, [...set]]))).toEqual({
        '@typescript-eslint/parser': ['8.74.0'],
        '@typescript-eslint/types': ['8.74.0'],
        '@typescript-eslint/utils': ['8.74.0'],
      });
      // One copy on disk: the one typescript-eslint uses is the one the plugin loads.
      const copies = (name: string) => {
        const found: string[] = [];
        const walk = (dir: string) => {
          for (const entry of readdirSync(dir, { withFileTypes: true })) {
            if (!entry.isDirectory()) continue;
            const full = join(dir, entry.name);
            if (full.endsWith(join('node_modules', name))) found.push(relative(project, full));
            else walk(full);
          }
        };
        walk(join(project, 'node_modules'));
        return found;
      };
      expect(copies('@typescript-eslint/parser')).toEqual(['node_modules/@typescript-eslint/parser']);
      expect(copies('@typescript-eslint/utils')).toEqual(['node_modules/@typescript-eslint/utils']);
      expect(copies('@typescript-eslint/types')).toEqual(['node_modules/@typescript-eslint/types']);
    });

    it('the README type-checked config, copied as it is, lints a project whose tsconfig.json includes only src', async () => {
      const block = readmeConfigs.find((c) => c.code.includes("configs['recommended-type-checked']"))!;
      expect(block.file).toBe('eslint.config.js');
      const dir = join(project, 'typed');
      write(dir, {
        'package.json': '{ "type": "module" }\n',
        'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true, jsx: 'preserve' }, include: ['src'] }),
        'src/poll.ts': POLL_TS,
        'src/helpers.ts': 'export function hold(ms: number): Promise<void> {\n  return new Promise((resolve) => setTimeout(resolve, ms));\n}\n',
        // `hold` is a sleep only if the rule can follow the import to its declaration: type information.
        'src/ready.ts': "import { hold } from './helpers.js';\nexport async function whenReady(s: { ready: boolean }): Promise<void> {\n  while (!s.ready) await hold(10);\n}\n",
        'eslint.config.js': block.code,
      });
      // No "was not found by the project service" for eslint.config.js: `lint` fails on any parsing error.
      expect(await lint(eslint(), dir)).toEqual({ 'eslint.config.js': [], 'src/helpers.ts': [], 'src/poll.ts': [RULE], 'src/ready.ts': [RULE] });
    }, 120_000);
  });
});

describe('`npx --package <tarball> sleepless`, outside any project', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sleepless-npx-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the command from the tarball `npm pack` writes, as the README says', async () => {
    const line = /^npx --package (\.\/eslint-plugin-sleepless-[\d.]+\.tgz) sleepless\b/m.exec(readme);
    expect(line, 'the README line').not.toBeNull();
    expect(line![1]).toBe(`./eslint-plugin-sleepless-${version}.tgz`);
    copyFileSync(tarball, join(dir, line![1]!));
    write(dir, { 'src/poll.js': POLL_JS, 'src/poll.ts': POLL_TS });
    const run = await exec(npx, ['--yes', '--prefer-offline', '--package', line![1]!, 'sleepless', '--format', 'json', 'src'], dir);
    expect(run.code, run.stderr).toBe(1);
    const results = JSON.parse(run.stdout) as LintResult[];
    expect(results.map((r) => [relative(dir, r.filePath), r.messages.map((m) => m.ruleId)])).toEqual([
      ['src/poll.js', [RULE]],
      ['src/poll.ts', [RULE]],
    ]);
  }, 240_000);
});
