import { Linter, type ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import plugin, { rules } from '../../src/index.js';
import type { Program } from './fuzz-programs.js';

/** What the fuzz runs saw, for the report. */
export interface FuzzStats {
  programs: number;
  reports: Record<string, number>;
  programsWithReports: number;
  fixedPrograms: number;
  suggestions: number;
  byLanguage: Record<string, number>;
}

export function emptyStats(): FuzzStats {
  return { programs: 0, reports: {}, programsWithReports: 0, fixedPrograms: 0, suggestions: 0, byLanguage: {} };
}

const linter = new Linter({ configType: 'flat' });

function config(program: Pick<Program, 'language' | 'module' | 'options'>): Linter.Config[] {
  const ruleLevels: Linter.RulesRecord = {};
  for (const name of Object.keys(rules)) ruleLevels[`sleepless/${name}`] = 'error';
  ruleLevels['sleepless/no-sleep-polling'] = ['error', program.options];
  return [
    {
      files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
      plugins: { sleepless: plugin as unknown as ESLint.Plugin },
      linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
      languageOptions: {
        ...(program.language === 'ts' ? { parser: tsParser as unknown as Linter.Parser } : { ecmaVersion: 'latest' as const }),
        sourceType: program.module === 'esm' ? 'module' : 'commonjs',
      },
      rules: ruleLevels,
    },
  ];
}

/** A failed property, with what to print as the counterexample. */
export class FuzzFailure extends Error {
  constructor(message: string, readonly code: string, readonly output?: string) {
    super(`${message}\n--- program ---\n${code}${output !== undefined ? `\n--- after fix ---\n${output}` : ''}`);
  }
}

function fatalOf(messages: Linter.LintMessage[]): Linter.LintMessage | undefined {
  return messages.find((m) => m.fatal);
}

/** The tests of `if … else` statements: a fix must not capture another statement's `else` (dangling else). */
function elseTests(code: string, program: Program): string[] {
  const ast = tsParser.parse(code, { sourceType: program.module === 'esm' ? 'module' : 'script', range: true, jsx: false });
  const tests: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; test?: { range: [number, number] }; alternate?: unknown };
    if (n.type === 'IfStatement' && n.alternate && n.test) tests.push(code.slice(n.test.range[0], n.test.range[1]));
    for (const [key, value] of Object.entries(n)) if (key !== 'parent' && key !== 'range' && key !== 'loc') walk(value);
  };
  walk(ast);
  return tests;
}

/** Comments of the program; a fix keeps them (replacements move a loop's comments above the new code). */
function comments(code: string, program: Program): string[] {
  const ast = tsParser.parse(code, { sourceType: program.module === 'esm' ? 'module' : 'script', comment: true });
  return (ast.comments ?? []).map((c) => c.value.trim());
}

function expectSameOutline(code: string, output: string, program: Program, what: string): void {
  const before = new Set(elseTests(code, program));
  for (const test of elseTests(output, program)) {
    if (!before.has(test)) throw new FuzzFailure(`${what} attached an else to another if: ${test}`, code, output);
  }
  const kept = comments(output, program);
  for (const comment of comments(code, program)) {
    if (!kept.includes(comment)) throw new FuzzFailure(`${what} lost the comment "${comment}"`, code, output);
  }
}

function applyFix(code: string, fix: { range: [number, number]; text: string }): string {
  return code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
}

/**
 * Lints `program` with every rule, applies every fix (`verifyAndFix`), and each suggestion on its own. Throws
 * FuzzFailure when a rule throws, the program or any fixed output does not parse, a fix changes which `if` an
 * `else` belongs to, or a second fix pass still changes something.
 */
export function checkProgram(program: Program, stats: FuzzStats = emptyStats()): void {
  const configs = config(program);
  const filename = program.filename;
  stats.programs++;
  stats.byLanguage[`${program.language}/${program.module}`] = (stats.byLanguage[`${program.language}/${program.module}`] ?? 0) + 1;

  let messages: Linter.LintMessage[];
  try {
    messages = linter.verify(program.code, configs, { filename });
  } catch (error) {
    throw new FuzzFailure(`a rule threw: ${(error as Error).message}`, program.code);
  }
  const unlinted = messages.find((m) => !m.ruleId && !m.fatal && /No matching configuration/.test(m.message));
  if (unlinted) throw new FuzzFailure(`not linted (harness bug): ${unlinted.message}`, program.code);
  const fatal = fatalOf(messages);
  if (fatal) throw new FuzzFailure(`the generated program does not parse (generator bug): ${fatal.line}:${fatal.column} ${fatal.message}`, program.code);
  if (messages.length > 0) stats.programsWithReports++;
  for (const m of messages) stats.reports[m.ruleId ?? '?'] = (stats.reports[m.ruleId ?? '?'] ?? 0) + 1;

  let fixed: Linter.FixReport;
  try {
    fixed = linter.verifyAndFix(program.code, configs, { filename });
  } catch (error) {
    throw new FuzzFailure(`a rule threw while fixing: ${(error as Error).message}`, program.code);
  }
  const fixFatal = fatalOf(fixed.messages);
  if (fixFatal) throw new FuzzFailure(`the fixed output does not parse: ${fixFatal.line}:${fixFatal.column} ${fixFatal.message}`, program.code, fixed.output);
  if (fixed.fixed) {
    stats.fixedPrograms++;
    expectSameOutline(program.code, fixed.output, program, 'the fix');
    let again: Linter.FixReport;
    try {
      again = linter.verifyAndFix(fixed.output, configs, { filename });
    } catch (error) {
      throw new FuzzFailure(`a rule threw on the fixed output: ${(error as Error).message}`, program.code, fixed.output);
    }
    if (again.fixed) throw new FuzzFailure('a second fix pass changed the fixed output again', program.code, again.output);
  }

  for (const message of messages) {
    for (const suggestion of message.suggestions ?? []) {
      stats.suggestions++;
      const output = applyFix(program.code, suggestion.fix);
      let after: Linter.LintMessage[];
      try {
        after = linter.verify(output, configs, { filename });
      } catch (error) {
        throw new FuzzFailure(`a rule threw on a suggestion's output (${suggestion.desc}): ${(error as Error).message}`, program.code, output);
      }
      const f = fatalOf(after);
      if (f) throw new FuzzFailure(`the output of suggestion "${suggestion.desc}" does not parse: ${f.line}:${f.column} ${f.message}`, program.code, output);
      expectSameOutline(program.code, output, program, `suggestion "${suggestion.desc}"`);
    }
  }
}

export function formatStats(stats: FuzzStats): string {
  const reports = Object.entries(stats.reports).map(([rule, n]) => `${rule} ${n}`).join(', ') || 'none';
  const kinds = Object.entries(stats.byLanguage).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${stats.programs} programs (${kinds}); ${stats.programsWithReports} with reports (${reports}); ${stats.fixedPrograms} fixed by autofix; ${stats.suggestions} suggestions applied`;
}
