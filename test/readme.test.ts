import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltPlugin } from './helpers/built-plugin.js';
import { fences, type Fence } from './helpers/markdown.js';

/**
 * The README's (and docs/integrations.md's) ESLint configs and commands, run as a user would run them: the packed
 * package installed into a fresh project, each config block written as that project's config file, then
 * `eslint .` and the `sleepless` bin. The blocks are read from the Markdown at run time, so an edit to the docs
 * is tested as it stands.
 */

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const integrations = readFileSync(join(root, 'docs', 'integrations.md'), 'utf8');
const POLLING_RULE = 'sleepless/no-sleep-polling';

interface ConfigBlock {
  source: string;
  fence: Fence;
  /** The file name the docs give it. */
  file: 'eslint.config.js' | 'eslint.config.mjs' | 'eslint.config.cjs';
}

/** README: ```js blocks whose first line names the config file. */
const readmeConfigs: ConfigBlock[] = fences(readme).flatMap((fence) => {
  const named = /^\/\/ (eslint\.config\.[cm]?js)\n/.exec(fence.code);
  return fence.lang === 'js' && named ? [{ source: 'README.md', fence, file: named[1] as ConfigBlock['file'] }] : [];
});

/** docs/integrations.md: ```js blocks that export a `defineConfig([...])` (the prose calls them `eslint.config.js`). */
const integrationConfigs: ConfigBlock[] = fences(integrations)
  .filter((fence) => fence.lang === 'js' && fence.code.includes('export default defineConfig('))
  .map((fence) => ({ source: 'docs/integrations.md', fence, file: 'eslint.config.js' }));

// The user's code. The KPL loop in JS (nothing says what `producer` is) and in TS (typed as this package's
// producer); a sleep helper imported from another module of the project, which the rules follow by reading that
// file (or with type information); clean code.
const FILES: Record<string, string> = {
  'src/poll.js': `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function flushSync(producer) {
  while (producer.getOutstandingRecordsCount() > 0) {
    producer.flush();
    await sleep(500);
  }
}
`,
  'src/flush.ts': `import type { KinesisProducer } from 'eslint-plugin-sleepless/producer';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function flushSync(producer: KinesisProducer): Promise<void> {
  while (producer.getOutstandingRecordsCount() > 0) {
    void producer.flush();
    await sleep(500);
  }
}
`,
  'src/helpers.ts': `export function hold(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
`,
  'src/ready.ts': `import { hold } from './helpers.js';

export async function whenReady(service: { ready: boolean }): Promise<void> {
  while (!service.ready) await hold(10);
}
`,
  'clean/ok.js': `export async function flushSync(producer) {
  await producer.flush();
}
`,
  // allowJs: with `projectService`, typescript-eslint parses every linted file, JavaScript too, through a tsconfig;
  // the config file itself is not included: the type-checked config gives it the default project.
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, allowJs: true, noEmit: true, skipLibCheck: true },
      include: ['src', 'clean'],
    },
    null,
    2,
  )}\n`,
};

/** Writes the user's files into `dir`. */
function writeTree(dir: string): void {
  for (const [name, content] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string; fatal?: boolean }[];
}

/** Sleepless rule ids per linted file (paths relative to `dir`), after checking that nothing failed to parse. */
function findings(results: LintResult[], dir: string): Record<string, string[]> {
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || m.ruleId === null).map((m) => `${relative(dir, r.filePath)}: ${m.message}`));
  expect(fatal, 'every file must parse').toEqual([]);
  return Object.fromEntries(
    results.map((r) => [relative(dir, r.filePath).split('\\').join('/'), r.messages.filter((m) => m.ruleId?.startsWith('sleepless/')).map((m) => m.ruleId!)]),
  );
}

describe('README.md and docs/integrations.md in a fresh project', () => {
  let packDir: string;
  let project: string;
  let fixTree: string;
  const bin = (name: string) => join(project, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

  beforeAll(async () => {
    // dist/ is what gets packed. `npm test` builds it first; packing with --ignore-scripts skips a second build
    // (the `prepack` script) that would rewrite dist/ under the other test files while they import it.
    if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    packDir = mkdtempSync(join(tmpdir(), 'sleepless-readme-pack-'));
    project = mkdtempSync(join(tmpdir(), 'sleepless-readme-user-'));
    fixTree = mkdtempSync(join(tmpdir(), 'sleepless-readme-fix-'));
    const pack = await exec(npm, ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'], root);
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    writeTree(project);
    const install = await exec(
      npm,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', join(packDir, tarball), 'eslint@10.15.0', 'typescript-eslint@8.72.0', 'typescript@6.0.3', '@aws-sdk/client-kinesis@3.1143.0', '@smithy/node-http-handler@4.14.2'],
      project,
    );
    expect(install.code, install.stderr).toBe(0);
  }, 180_000);

  afterAll(() => {
    for (const dir of [packDir, project, fixTree]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the config blocks', () => {
    // 4 in the README (the quick start, CommonJS, typescript-eslint, type-checked) and 3 in docs/integrations.md.
    expect(readmeConfigs.map((b) => b.file)).toEqual(['eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.js', 'eslint.config.js']);
    expect(readmeConfigs.filter((b) => b.fence.code.includes('sleepless.configs.typescript'))).toHaveLength(2);
    expect(readmeConfigs.filter((b) => b.fence.code.includes('typescript-eslint'))).toHaveLength(2);
    expect(readmeConfigs.filter((b) => b.fence.code.includes("configs['recommended-type-checked']"))).toHaveLength(1);
    expect(integrationConfigs).toHaveLength(3);
  });

  describe('ESLint configs', () => {
    // Each block gets a directory of its own under the project (the packages resolve from the project's
    // node_modules above it), so the blocks are linted concurrently.
    afterAll(() => rmSync(join(project, 'configs'), { recursive: true, force: true }));

    describe.concurrent.each([...readmeConfigs, ...integrationConfigs].map((b) => [`${b.source}:${b.fence.line} (${b.file})`, b] as const))('%s', (_, block) => {
      // typescript-eslint's presets, or this plugin's `configs.typescript`, make ESLint lint the .ts files too.
      const typescript = block.fence.code.includes("from 'typescript-eslint'") || block.fence.code.includes('sleepless.configs.typescript');
      const typed = block.fence.code.includes('projectService');

      it(`\`npx eslint .\` reports the polling loop${typescript ? ' in JS and TS' : ''}${typed ? ', with type information' : ''}`, async () => {
        const dir = join(project, 'configs', `${block.source.replace(/\W/g, '-')}-${block.fence.line}`);
        writeTree(dir);
        writeFileSync(join(dir, block.file), block.fence.code);
        const run = await exec(bin('eslint'), ['--format', 'json', '.'], dir);
        expect(run.code, run.stderr).toBe(1); // errors found
        const results = JSON.parse(run.stdout) as LintResult[];
        // Without typescript-eslint, ESLint lints only .js/.mjs/.cjs files; with it, the .ts files too.
        const expected: Record<string, string[]> = {
          'clean/ok.js': [],
          [block.file]: [],
          'src/poll.js': [POLLING_RULE],
          ...(typescript && {
            'src/flush.ts': [POLLING_RULE],
            'src/helpers.ts': [],
            // `hold` is a sleep in ./helpers.js: the rule follows the relative import to its declaration.
            'src/ready.ts': [POLLING_RULE],
          }),
        };
        expect(findings(results, dir)).toEqual(expected);
        const message = (file: string) => results.find((r) => r.filePath === join(dir, file))!.messages.find((m) => m.ruleId === POLLING_RULE)!.message;
        expect(message('src/poll.js')).toContain('`producer.getOutstandingRecordsCount() > 0` is polled every 500 ms');
        if (typescript) expect(message('src/flush.ts')).toContain('Await `producer.flush()` instead.');
      }, 120_000);
    });
  });

  describe.concurrent('the `sleepless` command', () => {
    const sleepless = (args: string[], cwd = project) => exec(bin('sleepless'), args, cwd);
    const expected = {
      'clean/ok.js': [],
      'src/flush.ts': [POLLING_RULE],
      'src/helpers.ts': [],
      'src/poll.js': [POLLING_RULE],
      'src/ready.ts': [POLLING_RULE],
    };

    it('`npx sleepless` lints the current directory and exits 1 on findings', async () => {
      const run = await exec(npx, ['--offline', '--no', 'sleepless'], project);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain(join(project, 'src', 'poll.js'));
      expect(run.stdout).toContain(join(project, 'src', 'flush.ts'));
      expect(run.stdout.match(/sleepless\/no-sleep-polling/g)).toHaveLength(3);
      expect(run.stdout).toContain('3 problems (3 errors, 0 warnings)');
    });

    it('exits 0 when nothing is found', async () => {
      const run = await sleepless(['clean']);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      // The README's "without installing it first" form resolves to the installed package too.
      const viaPackage = await exec(npx, ['--offline', '--no', '--package', 'eslint-plugin-sleepless', 'sleepless', 'clean'], project);
      expect(viaPackage.code, viaPackage.stderr).toBe(0);
    });

    it('--format json prints ESLint JSON results', async () => {
      const run = await sleepless(['--format', 'json']);
      expect(run.code, run.stderr).toBe(1);
      expect(findings(JSON.parse(run.stdout) as LintResult[], project)).toEqual(expected);
    });

    it('--format sarif prints SARIF 2.1.0, and --output-file writes it (the CI command)', async () => {
      const run = await sleepless(['--format', 'sarif']);
      expect(run.code, run.stderr).toBe(1);
      const sarif = JSON.parse(run.stdout) as {
        version: string;
        runs: { tool: { driver: { name: string } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0]!.tool.driver.name).toBe('sleepless');
      const located = sarif.runs[0]!.results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.ruleId}`).sort();
      expect(located).toEqual([`src/flush.ts ${POLLING_RULE}`, `src/poll.js ${POLLING_RULE}`, `src/ready.ts ${POLLING_RULE}`]);

      const ci = await sleepless(['--format', 'sarif', '--output-file', 'sleepless.sarif']);
      try {
        expect(ci).toMatchObject({ code: 1, stdout: '' });
        expect(JSON.parse(readFileSync(join(project, 'sleepless.sarif'), 'utf8'))).toEqual(sarif);
      } finally {
        rmSync(join(project, 'sleepless.sarif'), { force: true });
      }
    });

    it('`sleepless src scripts --fix` applies the safe fix and then exits 0', async () => {
      for (const dir of ['src', 'scripts']) {
        mkdirSync(join(fixTree, dir), { recursive: true });
        writeFileSync(join(fixTree, dir, 'flush.ts'), FILES['src/flush.ts']!);
      }
      const run = await sleepless(['src', 'scripts', '--fix'], fixTree);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const dir of ['src', 'scripts']) {
        const fixed = readFileSync(join(fixTree, dir, 'flush.ts'), 'utf8');
        expect(fixed).toContain('await producer.flush();');
        expect(fixed).not.toContain('getOutstandingRecordsCount');
      }
    });

    it('exits 2 on bad usage', async () => {
      const run = await sleepless(['--no-such-option']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("Unknown option '--no-such-option'");
    });
  });
});

describe('README.md snippets linted in-process', () => {
  const blocks = fences(readme);

  it('"What it finds": the TS loop gets the message the README prints, and --fix gives `await producer.flush();`', async () => {
    const plugin = await loadBuiltPlugin();
    const section = blocks.filter((b) => b.heading === 'What it finds');
    const loop = section.find((b) => b.lang === 'ts')!;
    const text = section.find((b) => b.lang === 'text')!;
    expect(loop.code).toContain('getOutstandingRecordsCount');
    const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser } }, plugin.configs.recommended];
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(loop.code, config, { filename: 'readme.ts' });
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    expect(messages.map((m) => squash(`${m.message} ${m.ruleId}`))).toEqual([squash(text.code)]);
    const { output } = linter.verifyAndFix(loop.code, config, { filename: 'readme.ts' });
    expect(output).toContain('await producer.flush();');
    expect(output).not.toContain('sleep(500)');
  });

  it('the rule-options example in the prose is a valid config object', async () => {
    const plugin = await loadBuiltPlugin();
    for (const markdown of [readme, integrations]) {
      const snippet = /`(\{ rules: \{ 'sleepless\/no-sleep-polling'.*?\] \} \})`/.exec(markdown.replace(/\n/g, ' '));
      expect(snippet, 'the `{ rules: … }` example').not.toBeNull();
      const override = runInNewContext(`(${snippet![1]})`) as Linter.Config;
      const linter = new Linter({ configType: 'flat' });
      // An invalid option makes verify() throw; `pause` is one of the names the option adds.
      const messages = linter.verify('export async function f(s) { while (!s.ready) await pause(10); }\n', [plugin.configs.recommended, override], { filename: 'x.js' });
      expect(messages.map((m) => m.ruleId)).toEqual([POLLING_RULE]);
    }
  });
});
