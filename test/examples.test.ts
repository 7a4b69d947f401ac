import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltPlugin } from './helpers/built-plugin.js';

/**
 * examples/: the TypeScript ones type-check (tsconfig.examples.json), and linting them with the built plugin
 * finds what each file's header comment says it shows, so a rule regression shows up here as well.
 */

const root = join(import.meta.dirname, '..');
const examplesDir = join(root, 'examples');

/** Per example: a phrase of its header comment, and the findings (rule id → count) that the header promises. */
const EXPECTED: Record<string, { header: string; findings: Record<string, number> }> = {
  // Two sleeps (Atomics.wait on a throw-away buffer, execSync('sleep 2')), each blocking the thread.
  'blocking-sleep.js': { header: 'every\n// sleep freezes the whole process', findings: { 'sleepless/no-blocking-sleep': 3 } },
  // Two loops that spin without yielding.
  'busy-wait.js': { header: 'Both spin the CPU without yielding', findings: { 'sleepless/no-busy-wait': 2 } },
  // setInterval, re-armed setTimeout, pWaitFor.
  'interval-poll.js': { header: 'by checking on a timer, three ways', findings: { 'sleepless/no-sleep-polling': 3 } },
  // One finding; the periodic worker, the retry and the remote poll stay silent.
  'job-runner.js': { header: 'one real finding, and the shapes the rules leave alone', findings: { 'sleepless/no-sleep-polling': 1 } },
  // The KPL's flushSync loop.
  'kpl-flush-sync.ts': { header: "The Kinesis Producer Library's Java flushSync(), ported line for line", findings: { 'sleepless/no-sleep-polling': 1 } },
  // The producer used as intended: nothing to find.
  'producer-quickstart.ts': { header: 'A minimal service-style use of the producer', findings: {} },
  // A flag set by the 'listening' handler, polled every 25 ms; and a flag polled on every turn of the event loop.
  'server-start.ts': { header: 'Waiting for a server to listen by polling a flag its own event handler sets', findings: { 'sleepless/no-sleep-polling': 2 } },
};

describe('examples/', () => {
  it('type-checks with tsconfig.examples.json', () => {
    const configFile = join(root, 'tsconfig.examples.json');
    const read = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
    expect(read.error).toBeUndefined();
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
    expect(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    const examples = parsed.fileNames.map((file) => relative(root, file).split('\\').join('/')).sort();
    expect(examples).toEqual(
      readdirSync(examplesDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `examples/${f}`)
        .sort(),
    );
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    // The `eslint-plugin-sleepless/producer` import resolves to the sources through `paths`.
    expect(program.getSourceFile(join(root, 'src', 'producer', 'index.ts'))).toBeDefined();
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);
  }, 60_000);

  describe('linted with the built plugin (recommended)', () => {
    let plugin: Awaited<ReturnType<typeof loadBuiltPlugin>>;
    beforeAll(async () => {
      plugin = await loadBuiltPlugin();
    });
    const parserConfig: Linter.Config = { files: ['**/*.{js,ts}'], languageOptions: { parser: tsParser as Linter.Parser } };

    it('has an expectation for every example', () => {
      expect(readdirSync(examplesDir).filter((f) => /\.(js|ts)$/.test(f)).sort()).toEqual(Object.keys(EXPECTED).sort());
    });

    it.each(Object.entries(EXPECTED))('%s finds what its header says', async (file, expected) => {
      const source = readFileSync(join(examplesDir, file), 'utf8');
      const header = source.slice(0, source.search(/^(?!\/\/)/m));
      expect(header, 'the header comment this expectation is based on').toContain(expected.header);
      const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [parserConfig, plugin.configs.recommended] });
      const [result] = await eslint.lintFiles([join(examplesDir, file)]);
      expect(result!.messages.filter((m) => m.fatal || !m.ruleId).map((m) => m.message)).toEqual([]);
      const counts: Record<string, number> = {};
      for (const m of result!.messages) counts[m.ruleId!] = (counts[m.ruleId!] ?? 0) + 1;
      expect(counts).toEqual(expected.findings);
    });

    it('`eslint --fix` rewrites the KPL loop of kpl-flush-sync.ts to `await this.producer.flush()` (as `npm run demo` shows)', () => {
      const file = join(examplesDir, 'kpl-flush-sync.ts');
      const linter = new Linter({ configType: 'flat' });
      const { output, messages } = linter.verifyAndFix(readFileSync(file, 'utf8'), [parserConfig, plugin.configs.recommended], { filename: file });
      expect(messages).toEqual([]);
      expect(output).toMatch(/async flushSync\(\): Promise<void> \{\n\s+await this\.producer\.flush\(\);\n\s+\}/);
    });
  });
});
