import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const project = join(import.meta.dirname, 'fixtures', 'fix-project');
const file = join(project, 'sink.ts');

/** Type-checks the fixture project with `sink.ts` replaced by `text`; returns the diagnostics as strings. */
function typeCheck(text: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(project, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? text : readFile(name));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) =>
    name === file ? ts.createSourceFile(name, text, language, true) : getSourceFile(name, language, onError, create);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const config = [{
  files: ['**/*.ts'],
  plugins: { sleepless: plugin as unknown as ESLint.Plugin },
  languageOptions: { parser: tsParser },
  rules: { 'sleepless/no-sleep-polling': 'error' as const },
}];

describe('eslint --fix on a TypeScript project', () => {
  const before = readFileSync(file, 'utf8');

  it('type-checks before the fix', () => {
    expect(typeCheck(before)).toEqual([]);
  });

  it('rewrites every drain loop, and the result parses and type-checks', () => {
    const linter = new Linter({ configType: 'flat' });
    const first = linter.verifyAndFix(before, config, { filename: file });
    expect(first.fixed).toBe(true);
    expect(first.messages).toEqual([]);
    expect(first.output.match(/await (this\.producer|producer)\.flush\(\);/g)).toHaveLength(3);
    expect(first.output).not.toMatch(/getOutstandingRecordsCount\(\) (>|!==|===) 0/);
    expect(first.output).toContain('// as KPL does it\n    // nudge\n    await this.producer.flush();');
    expect(typeCheck(first.output)).toEqual([]);
  });

  it('takes along the sleep helper and the import that only the removed loops used', () => {
    const linter = new Linter({ configType: 'flat' });
    const { output } = linter.verifyAndFix(before, config, { filename: file });
    expect(before).toMatch(/^const delay = /m);
    expect(before).toContain("import { setTimeout as sleep } from 'node:timers/promises';");
    expect(output).not.toMatch(/\b(delay|sleep)\b/);
    expect(output).toContain("import { KinesisProducer } from 'eslint-plugin-sleepless/producer';\n\n\nexport class EventSink {");
  });

  it('`eslint --fix`, then `eslint` again: nothing new, core no-unused-vars included', async () => {
    const withUnused = [...config, { files: ['**/*.ts'], rules: { 'no-unused-vars': 'error' as const } }];
    const eslint = new ESLint({ cwd: project, overrideConfigFile: true, overrideConfig: withUnused, fix: true });
    const [fixed] = await eslint.lintText(before, { filePath: file });
    expect(fixed!.output).toBeDefined();
    const again = new ESLint({ cwd: project, overrideConfigFile: true, overrideConfig: withUnused });
    const [second] = await again.lintText(fixed!.output!, { filePath: file });
    expect(second!.messages).toEqual([]);
  });

  it('changes nothing on a second pass', () => {
    const linter = new Linter({ configType: 'flat' });
    const first = linter.verifyAndFix(before, config, { filename: file });
    const second = linter.verifyAndFix(first.output, config, { filename: file });
    expect(second.fixed).toBe(false);
    expect(second.output).toBe(first.output);
  });
});
