import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';
import { loadBuiltPlugin } from '../helpers/built-plugin.js';
import { fences, type Fence } from '../helpers/markdown.js';

/**
 * The producer's examples in README.md and docs/producer.md, read from the Markdown at run time and run for real:
 * transpiled, pointed at the built package (dist/) and at an embedded Kinesis (kinesalite), and run as an ES
 * module in a child `node`, so top-level await runs the example as a user's script would. The blocks are also
 * type-checked against the published types (dist/producer/index.d.ts) and linted with the plugin's own rules.
 */

const root = join(import.meta.dirname, '..', '..');
const builtProducer = join(root, 'dist', 'producer', 'index.js');
const SPECIFIER = "'eslint-plugin-sleepless/producer'";

interface DocBlock {
  source: string;
  fence: Fence;
}

const blocks: DocBlock[] = ['README.md', 'docs/producer.md'].flatMap((source) =>
  fences(readFileSync(join(root, source), 'utf8')).filter((fence) => fence.lang === 'ts').map((fence) => ({ source, fence })),
);
/** A block is a runnable program when it builds a producer and closes it; the others are fragments or signatures. */
const isProgram = (b: DocBlock) => b.fence.code.includes('new KinesisProducer(') && b.fence.code.includes('await producer.close()');
/** Programs that need servers of their own (the kinesalite command, Prometheus, an OTLP endpoint): test/producer/otel-docs.test.ts runs them. */
const RUN_BY_OTEL_DOCS_TEST = new Set(['Trying it locally (kinesalite)', 'Prometheus', 'CloudWatch (ADOT collector, EMF)']);
const programs = blocks.filter((b) => isProgram(b) && !(b.source === 'docs/producer.md' && RUN_BY_OTEL_DOCS_TEST.has(b.fence.heading)));
const name = (b: DocBlock) => `${b.source} "${b.fence.heading}" (line ${b.fence.line})`;

/** What each program must print and store. Keyed by the heading above the block. */
const EXPECTED: Record<string, { stdout: RegExp; records: number }> = {
  // README: `console.log(result.shardId, result.sequenceNumber)`, then `console.log(delivered, failed)`.
  'The producer': { stdout: /^shardId-\d{12} \d+\n1000 0\n$/, records: 1001 },
  // docs/producer.md: `console.log(result.shardId, result.sequenceNumber, result.attempts.length)`.
  'Quick start': { stdout: /^shardId-\d{12} \d+ 1\n$/, records: 1001 },
  // Its `// …` stands for the user's code; the test puts one record there.
  'Bringing your own client': { stdout: /^$/, records: 1 },
};

describe('producer examples in the docs', () => {
  it('finds the runnable blocks, and only signatures and lint examples besides', () => {
    expect(programs.map((b) => `${b.source}: ${b.fence.heading}`)).toEqual([
      'README.md: The producer',
      'docs/producer.md: Quick start',
      'docs/producer.md: Bringing your own client',
    ]);
    // Not programs: the README's polling loop (a lint example: test/readme.test.ts checks its message and fix) and
    // the API signatures of put(), flush(), close() and destroy() (declarations, not statements).
    expect(blocks.filter((b) => !isProgram(b)).map((b) => `${b.source}: ${b.fence.heading}`)).toEqual([
      'README.md: What it finds',
      'docs/producer.md: put()',
      'docs/producer.md: flush()',
      'docs/producer.md: close()',
      'docs/producer.md: destroy()',
    ]);
  });

  describe('run against kinesalite', () => {
    let dir: string;
    let server: KinesisTestServer;

    beforeAll(() => {
      if (!existsSync(builtProducer)) throw new Error('dist/ is missing: run `npm run build` first');
      dir = mkdtempSync(join(tmpdir(), 'sleepless-docs-examples-'));
      // The examples' other imports (@aws-sdk/client-kinesis, @smithy/node-http-handler) resolve as in a user's project.
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      server = await startKinesisServer();
    });
    afterEach(async () => {
      await server?.close();
    });

    /** The block as a module: the package import points at dist/, the region at kinesalite, `// …` does a put. */
    function localise(code: string): string {
      expect(code).toContain(SPECIFIER);
      expect(code.match(/region: 'eu-west-1'/g), "the block's client config").toHaveLength(1);
      const local = code
        .replaceAll(SPECIFIER, JSON.stringify(pathToFileURL(builtProducer).href))
        .replace(
          "region: 'eu-west-1'",
          `region: 'us-east-1', endpoint: ${JSON.stringify(server.endpoint)}, credentials: { accessKeyId: 'docs', secretAccessKey: 'docs' }`,
        )
        .replace(/^\/\/ …$/m, "await producer.put({ partitionKey: 'docs', data: 'from the test' });");
      return ts.transpileModule(local, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    }

    function runNode(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
      // No real AWS credentials or region can reach the example, whatever it does.
      const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'docs', AWS_SECRET_ACCESS_KEY: 'docs', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      delete env.AWS_PROFILE;
      delete env.AWS_SESSION_TOKEN;
      return new Promise((resolve) => {
        execFile(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', timeout: 50_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        });
      });
    }

    it.each(programs.map((b) => [name(b), b] as const))('%s runs and stores its records', async (_, block) => {
      const expected = EXPECTED[block.fence.heading]!;
      const stream = /streamName: '([^']+)'/.exec(block.fence.code)![1]!;
      await server.createStream(stream, 2);
      const file = join(dir, `${block.source.replace(/\W/g, '-')}-${block.fence.line}.mjs`);
      writeFileSync(file, localise(block.fence.code));

      const run = await runNode(file);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(expected.stdout);

      const stored = await server.readAll(stream);
      expect(stored).toHaveLength(expected.records);
      if (expected.records === 1001) {
        const single = stored.filter((r) => r.data.toString('utf8') === JSON.stringify({ id: 1 }));
        expect(single.map((r) => r.partitionKey)).toEqual(['customer-42']);
        const events = stored.filter((r) => r.data.toString('utf8').startsWith('event ')).map((r) => `${r.partitionKey} ${r.data.toString('utf8')}`);
        expect(events.sort()).toEqual(Array.from({ length: 1000 }, (_, i) => `customer-${i} event ${i}`).sort());
        const [first] = run.stdout.split(' ');
        expect(stored.some((r) => r.shardId === first)).toBe(true);
      }
    });
  });

  it('type-check against the published types', () => {
    if (!existsSync(join(root, 'dist', 'producer', 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'sleepless-docs-types-'));
    try {
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');
      const files = programs.map((b) => {
        const file = join(dir, `${b.source.replace(/\W/g, '-')}-${b.fence.line}.mts`); // .mts: an ES module, so top-level await
        writeFileSync(file, b.fence.code);
        return file;
      });
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        paths: { 'eslint-plugin-sleepless/producer': [join(root, 'dist', 'producer', 'index.d.ts')] },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
        return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('lint clean with the recommended config; the ❌/✅ blocks of docs/producer.md report as marked', async () => {
    const plugin = await loadBuiltPlugin();
    const config: Linter.Config[] = [{ files: ['**/*.ts', '**/*.js'], languageOptions: { parser: tsParser as Linter.Parser } }, plugin.configs.recommended];
    const linter = new Linter({ configType: 'flat' });
    for (const block of programs) {
      expect(linter.verify(block.fence.code, config, { filename: 'example.ts' }).map((m) => `${name(block)}:${m.line} ${m.message}`)).toEqual([]);
    }
    const marked = fences(readFileSync(join(root, 'docs', 'producer.md'), 'utf8')).filter((f) => /^\/\/ (❌|✅)/.test(f.code));
    expect(marked.map((f) => /^\/\/ (❌|✅)/.exec(f.code)![1])).toEqual(['❌', '✅']);
    for (const fence of marked) {
      const rules = linter.verify(fence.code, config, { filename: `example.${fence.lang}` }).map((m) => m.ruleId);
      expect(rules, `docs/producer.md line ${fence.line}`).toEqual(fence.code.startsWith('// ❌') ? ['sleepless/no-sleep-polling'] : []);
    }
  });
});
