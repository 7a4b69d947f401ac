import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_JS, makeTree, POLLING_JS, removeTrees, ROOT, spawnNode } from './helpers/cli.js';

afterAll(removeTrees);

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const readYaml = (file: string) => parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('pre-commit', () => {
  it('.pre-commit-hooks.yaml declares the `sleepless` hook over the package bin', () => {
    const hooks = readYaml('.pre-commit-hooks.yaml');
    expect(hooks).toEqual([expect.objectContaining({ id: 'sleepless', entry: 'sleepless', language: 'node' })]);
    const [hook] = hooks;
    expect(hook.types_or).toEqual(['javascript', 'jsx', 'ts', 'tsx']);
    expect(Object.keys(pkg.bin)).toContain(hook.entry);
    // pre-commit installs the hook with `npm install` + `npm pack` of this repository: packing must build dist/.
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
    expect(pkg.files).toContain('dist');
  });
});

describe('GitHub Actions example', () => {
  const workflow = readYaml('examples/ci/github-actions.yml');
  const runs = (job: string): string[] =>
    workflow.jobs[job].steps.map((step: { run?: string }) => step.run).filter(Boolean);
  const uses = (job: string): string[] =>
    workflow.jobs[job].steps.map((step: { uses?: string }) => step.uses).filter(Boolean);

  it('uploads the `sleepless` SARIF report to code scanning', () => {
    const job = workflow.jobs['code-scanning'];
    expect(job.permissions['security-events']).toBe('write');
    expect(runs('code-scanning')).toContain('npx sleepless --format sarif --output-file sleepless.sarif');
    const upload = job.steps.find((step: { uses?: string }) => step.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(upload).toMatchObject({ uses: 'github/codeql-action/upload-sarif@v4', if: 'always()', with: { sarif_file: 'sleepless.sarif' } });
  });

  it('has an `eslint --max-warnings 0` job', () => {
    expect(runs('eslint')).toContain('npx eslint . --max-warnings 0');
    expect(uses('eslint')[0]).toMatch(/^actions\/checkout@v\d+$/);
  });
});

describe('eslint --concurrency', () => {
  it('gives the same results with worker threads as on one thread', async () => {
    const builtPlugin = path.join(ROOT, 'dist', 'index.js');
    if (!existsSync(builtPlugin)) throw new Error('dist/ is missing: run `npm run build` first');
    const require = createRequire(path.join(ROOT, 'package.json'));
    const eslintBin = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
    const parser = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
    const files: Record<string, string> = {
      'eslint.config.js': `import sleepless from ${JSON.stringify(pathToFileURL(builtPlugin).href)};
import tsParser from ${JSON.stringify(parser)};
export default [
  { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
  sleepless.configs.recommended,
];
`,
    };
    for (let i = 0; i < 12; i++) {
      files[`src/polling-${i}.js`] = POLLING_JS;
      files[`src/clean-${i}.js`] = CLEAN_JS;
      files[`src/typed-${i}.ts`] = `export class Pool${i} {\n  private ready = false;\n  async wait(): Promise<void> {\n    while (!this.ready) await new Promise<void>((r) => setTimeout(r, ${i * 10}));\n  }\n}\n`;
    }
    const dir = makeTree(files);
    const lint = async (concurrency: string) => {
      const { code, stdout, stderr } = await spawnNode([eslintBin, '--format', 'json', '--concurrency', concurrency, '.'], dir);
      // ESLint warns that 2 threads are too many for 36 small files; that is the point here.
      expect(stderr.replace(/.*(ESLintPoorConcurrencyWarning|--trace-warnings).*\n?/g, '')).toBe('');
      const results = (JSON.parse(stdout) as { filePath: string; messages: unknown[]; errorCount: number }[])
        .map(({ filePath, messages, errorCount }) => ({ file: path.relative(dir, filePath), messages, errorCount }))
        .sort((a, b) => a.file.localeCompare(b.file));
      return { code, results };
    };
    const [single, threaded] = await Promise.all([lint('off'), lint('2')]);
    expect(single.code).toBe(1);
    expect(single.results.filter((r) => r.errorCount > 0)).toHaveLength(24);
    expect(threaded).toEqual(single);
  });
});
