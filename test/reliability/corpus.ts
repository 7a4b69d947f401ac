import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Linter, type ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import plugin, { rules } from '../../src/index.js';

/** Files larger than this are skipped: bundles and generated tables, not code people write. */
export const MAX_FILE_BYTES = 1024 * 1024;
const SOURCE = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/;
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
const DECLARATION = /\.d\.[cm]?ts$|\.d\.[^.]+\.ts$/;

export interface CorpusFile {
  path: string;
  /** Path relative to the corpus root, used as the linted file name. */
  name: string;
  bytes: number;
}

export interface CorpusSkip {
  declarations: number;
  huge: number;
  minified: number;
}

/**
 * Every JS/TS source file under `root`, sorted by path, found at run time. Symbolic links are not followed (so
 * `.bin` links and workspace links are not linted twice) and declaration files are skipped.
 */
export function listCorpus(root: string): { files: CorpusFile[]; skipped: CorpusSkip } {
  const files: CorpusFile[] = [];
  const skipped: CorpusSkip = { declarations: 0, huge: 0, minified: 0 };
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '.bin' || entry.name === '.cache') continue;
        walk(path);
      } else if (entry.isFile() && SOURCE.test(entry.name)) {
        if (DECLARATION.test(entry.name)) {
          skipped.declarations++;
          continue;
        }
        if (/[.-]min\.[cm]?js$/.test(entry.name)) {
          skipped.minified++;
          continue;
        }
        const bytes = lstatSync(path).size;
        if (bytes > MAX_FILE_BYTES) {
          skipped.huge++;
          continue;
        }
        files.push({ path, name: relative(root, path).split(sep).join('/'), bytes });
      }
    }
  };
  walk(root);
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { files, skipped };
}

/** Minified code: very long lines on average. Counted as skipped, like huge files. */
export function looksMinified(text: string): boolean {
  if (text.length < 2000) return false;
  const lines = text.split('\n').length;
  return text.length / lines > 300;
}

export interface Finding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  message: string;
  source: string;
}

export interface RuleCrash {
  file: string;
  error: string;
}

export interface CorpusReport {
  files: number;
  lines: number;
  bytes: number;
  parsedWith: { espreeModule: number; espreeScript: number; typescript: number };
  unparseable: { file: string; message: string }[];
  skipped: CorpusSkip;
  findings: Finding[];
  crashes: RuleCrash[];
  ms: number;
}

const ALL_RULES = Object.fromEntries(Object.keys(rules).map((name) => [`sleepless/${name}`, 'error' as const]));
const linterOptions = { reportUnusedDisableDirectives: 'off' as const, noInlineConfig: true };
const plugins = { sleepless: plugin as unknown as ESLint.Plugin };

/** The configurations tried in order; a file is "unparseable" when none of them parses it. */
function configsFor(name: string, text: string): { label: keyof CorpusReport['parsedWith']; config: Linter.Config }[] {
  const ts = {
    label: 'typescript' as const,
    config: {
      files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
      plugins,
      linterOptions,
      languageOptions: {
        parser: tsParser as unknown as Linter.Parser,
        sourceType: name.endsWith('.cts') || name.endsWith('.cjs') ? ('commonjs' as const) : ('module' as const),
        parserOptions: { ecmaFeatures: { jsx: /\.[jt]sx$/.test(name) || !TYPESCRIPT.test(name) } },
      },
      rules: ALL_RULES,
    },
  };
  if (TYPESCRIPT.test(name)) return [ts];
  const espree = (sourceType: 'module' | 'commonjs', label: 'espreeModule' | 'espreeScript') => ({
    label,
    config: {
      files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
      plugins,
      linterOptions,
      languageOptions: { ecmaVersion: 'latest' as const, sourceType, parserOptions: { ecmaFeatures: { jsx: true } } },
      rules: ALL_RULES,
    },
  });
  // ESM first for .mjs and for .js with import/export statements, else CommonJS first (so `require`, `module` and a
  // top-level `return` mean what they mean in Node); then the other; then the TS parser.
  const looksCommonJs = name.endsWith('.cjs') || (!name.endsWith('.mjs') && !/^\s*(import|export)\b/m.test(text));
  return looksCommonJs
    ? [espree('commonjs', 'espreeScript'), espree('module', 'espreeModule'), ts]
    : [espree('module', 'espreeModule'), espree('commonjs', 'espreeScript'), ts];
}

/** Lints the files with every rule of the plugin and collects findings, unparseable files and rule exceptions. */
export function lintCorpus(files: readonly CorpusFile[], skipped: CorpusSkip, onProgress?: (done: number) => void): CorpusReport {
  const started = performance.now();
  const linter = new Linter({ configType: 'flat' });
  const report: CorpusReport = {
    files: 0,
    lines: 0,
    bytes: 0,
    parsedWith: { espreeModule: 0, espreeScript: 0, typescript: 0 },
    unparseable: [],
    skipped: { ...skipped },
    findings: [],
    crashes: [],
    ms: 0,
  };
  files.forEach((file, index) => {
    if (onProgress && index % 500 === 0) onProgress(index);
    const text = readFileSync(file.path, 'utf8');
    if (looksMinified(text)) {
      report.skipped.minified++;
      return;
    }
    let lastParseError = '';
    for (const { label, config } of configsFor(file.name, text)) {
      let messages: Linter.LintMessage[];
      try {
        // Flat config ignores **/node_modules/ by default: lint nested packages under another directory name.
        messages = linter.verify(text, [config], { filename: file.name.replaceAll('node_modules/', 'nm/') });
      } catch (error) {
        // A rule threw: ESLint rethrows with the rule and the location in the message.
        const e = error as Error;
        report.crashes.push({ file: file.name, error: `${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}` });
        break;
      }
      const unlinted = messages.find((m) => !m.ruleId && !m.fatal && /No matching configuration/.test(m.message));
      if (unlinted) {
        // e.g. "No matching configuration found": the harness, not a rule, is wrong; never count it as linted.
        report.crashes.push({ file: file.name, error: `not linted: ${unlinted.message}` });
        break;
      }
      const fatal = messages.find((m) => m.fatal);
      if (fatal) {
        lastParseError = `${fatal.line}:${fatal.column} ${fatal.message}`;
        continue;
      }
      report.files++;
      report.lines += text.split('\n').length;
      report.bytes += file.bytes;
      report.parsedWith[label]++;
      const lines = text.split('\n');
      for (const m of messages) {
        if (!m.ruleId) continue;
        report.findings.push({ file: file.name, line: m.line, column: m.column, ruleId: m.ruleId, message: m.message, source: (lines[m.line - 1] ?? '').trim().slice(0, 160) });
      }
      lastParseError = '';
      break;
    }
    if (lastParseError) report.unparseable.push({ file: file.name, message: lastParseError });
  });
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** Every `step`-th file: a deterministic sample spread over the whole (sorted) corpus. */
export function sample<T>(items: readonly T[], step: number): T[] {
  return items.filter((_, i) => i % step === 0);
}

export function formatReport(report: CorpusReport, title: string): string {
  const out: string[] = [];
  out.push(`${title}: ${report.files} files, ${report.lines} lines (${(report.bytes / 1e6).toFixed(1)} MB) linted with ${Object.keys(rules).length} rules in ${(report.ms / 1000).toFixed(1)} s`);
  out.push(`  parsed as ESM ${report.parsedWith.espreeModule}, as CommonJS ${report.parsedWith.espreeScript}, by the TS parser ${report.parsedWith.typescript}; unparseable ${report.unparseable.length}`);
  out.push(`  skipped: ${report.skipped.declarations} declaration files, ${report.skipped.huge} files > 1 MB, ${report.skipped.minified} minified`);
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  out.push(`  findings: ${report.findings.length} (${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'})`);
  out.push(`  rule exceptions: ${report.crashes.length}`);
  for (const f of report.findings) out.push(`    ${f.file}:${f.line}:${f.column} ${f.ruleId}\n      | ${f.source}\n      > ${f.message.slice(0, 200)}`);
  for (const u of report.unparseable.slice(0, 20)) out.push(`    unparseable ${u.file}: ${u.message}`);
  for (const c of report.crashes) out.push(`    CRASH ${c.file}: ${c.error}`);
  return out.join('\n');
}
