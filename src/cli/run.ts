import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import plugin, { rules } from '../index.js';
import { REPO_URL } from '../util/create-rule.js';
import {
  EXIT_CLEAN,
  EXIT_FAILURE,
  EXIT_FINDINGS,
  HELP,
  parseCliArgs,
  UsageError,
  type CliOptions,
} from './args.js';
import { findFiles, MissingPathError } from './files.js';
import { formatSarif, type SarifRule } from './sarif.js';

/** Where the command reads and writes; `process` in the bin, buffers in tests. */
export interface CliIo {
  cwd: string;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Files linted per `lintFiles` call; between calls a terminal sees `linted N/M files`. */
const CHUNK_SIZE = 50;
/** Fewer files than this lint in a moment; no progress line. */
const PROGRESS_THRESHOLD = 100;

const JS_FILES = ['**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'];
const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const PREFIX = `sleepless/`;

function findTsconfigDir(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'tsconfig.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The deepest directory that contains every one of `paths`. */
function commonAncestor(paths: readonly string[]): string {
  let common = paths[0]!;
  for (const candidate of paths.slice(1)) {
    while (path.relative(common, candidate).startsWith('..') || path.isAbsolute(path.relative(common, candidate))) {
      common = path.dirname(common);
    }
  }
  return common;
}

/** The rule that takes options: users name their own sleep and polling helpers there. */
const OPTIONS_RULE = 'no-sleep-polling';

/** Options of `sleepless/no-sleep-polling`, and where they were read, for error messages. */
interface RuleOptions {
  values: Record<string, unknown>;
  sources: string[];
}

/**
 * The options of `sleepless/no-sleep-polling`: the `"sleepless"` key of the nearest package.json (from the current
 * directory up), then each `--rule-option`, later keys winning. Unknown keys are usage errors here; ESLint checks the
 * values against the rule's schema when it loads the config.
 */
function readRuleOptions(options: CliOptions, cwd: string): RuleOptions {
  const schema = rules[OPTIONS_RULE].meta.schema as readonly { properties?: Record<string, unknown> }[];
  const known = Object.keys(schema[0]?.properties ?? {});
  const values: Record<string, unknown> = {};
  const sources: string[] = [];
  const merge = (given: unknown, source: string) => {
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new UsageError(`${source} must be a JSON object of ${PREFIX}${OPTIONS_RULE} options (${known.join(', ')})`);
    }
    for (const key of Object.keys(given)) {
      if (!known.includes(key)) throw new UsageError(`unknown option '${key}' in ${source}: use ${known.join(', ')}`);
    }
    Object.assign(values, given);
    sources.push(source);
  };
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      let pkg: { sleepless?: unknown };
      try {
        pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { sleepless?: unknown };
      } catch {
        break; // not ours to judge: npm reports a broken package.json
      }
      if (pkg.sleepless !== undefined) merge(pkg.sleepless, `the "sleepless" key of ${path.relative(cwd, manifest) || 'package.json'}`);
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  for (const json of options.ruleOptions) {
    let given: unknown;
    try {
      given = JSON.parse(json);
    } catch {
      throw new UsageError(`--rule-option needs a JSON object, e.g. '{"pollingFunctions":["waitFor"]}'; got '${json}'`);
    }
    merge(given, '--rule-option');
  }
  return { values, sources };
}

/** The rule levels of the recommended (or type-checked) config, as warnings with `--warn`, with the user's options. */
function ruleLevels(options: CliOptions, ruleOptions?: RuleOptions): Linter.RulesRecord {
  const config = plugin.configs[options.typeAware ? 'recommended-type-checked' : 'recommended'];
  const levels: Linter.RulesRecord = {};
  for (const ruleId of Object.keys(config.rules ?? {})) {
    const level = options.warn ? 'warn' : 'error';
    levels[ruleId] = ruleId === `${PREFIX}${OPTIONS_RULE}` && ruleOptions?.sources.length ? [level, ruleOptions.values] : level;
  }
  return levels;
}

/**
 * The whole ESLint configuration of the command: the plugin's recommended rules over every JS/TS flavour,
 * JSX on, and nothing of the user's. Disable comments still work; comments naming rules of other plugins
 * (which this run does not load) and unused ones are not reported.
 */
function buildConfig(
  options: CliOptions,
  tsParser: Linter.Parser | undefined,
  tsconfigRootDir: string | undefined,
  ruleOptions: RuleOptions,
  commonJs = false,
): Linter.Config[] {
  return [
    {
      name: 'sleepless/cli/javascript',
      files: JS_FILES,
      languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    },
    ...(commonJs ? [{ name: 'sleepless/cli/commonjs', files: ['**/*.js', '**/*.jsx'], languageOptions: { sourceType: 'commonjs' as const } }] : []),
    ...(tsParser
      ? [
          {
            name: 'sleepless/cli/typescript',
            files: TS_FILES,
            languageOptions: {
              parser: tsParser,
              parserOptions: tsconfigRootDir ? { projectService: true, tsconfigRootDir } : {},
            },
          },
        ]
      : []),
    {
      name: 'sleepless/cli/rules',
      files: [...JS_FILES, ...TS_FILES],
      plugins: { sleepless: plugin as unknown as ESLint.Plugin },
      linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
      rules: ruleLevels(options, ruleOptions),
    },
  ];
}

/**
 * Keeps the messages this command stands for: the plugin's findings and fatal parse errors. ESLint also
 * reports disable comments for rules it does not know, which here means every other plugin's rules.
 */
function keepOwnMessages(result: ESLint.LintResult): ESLint.LintResult {
  const messages = result.messages.filter((message) => message.fatal || message.ruleId?.startsWith(PREFIX));
  if (messages.length === result.messages.length) return result;
  const count = (severity: number, fixable?: boolean) =>
    messages.filter((m) => m.severity === severity && (!fixable || m.fix !== undefined)).length;
  return {
    ...result,
    messages,
    errorCount: count(2),
    warningCount: count(1),
    fatalErrorCount: messages.filter((m) => m.fatal).length,
    fixableErrorCount: count(2, true),
    fixableWarningCount: count(1, true),
  };
}

function sarifRules(options: CliOptions): SarifRule[] {
  return Object.keys(ruleLevels(options)).map((ruleId) => {
    const rule = rules[ruleId.slice(PREFIX.length) as keyof typeof rules];
    return {
      id: ruleId,
      description: rule.meta.docs?.description ?? ruleId,
      helpUri: rule.meta.docs?.url,
      level: options.warn ? 'warning' : 'error',
    };
  });
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

async function lintInChunks(eslint: ESLint, files: readonly string[], options: CliOptions, io: CliIo) {
  const showProgress = io.stderr.isTTY === true && files.length >= PROGRESS_THRESHOLD;
  const results: ESLint.LintResult[] = [];
  let fixed = 0;
  for (let start = 0; start < files.length; start += CHUNK_SIZE) {
    const chunk = await eslint.lintFiles(files.slice(start, start + CHUNK_SIZE));
    if (options.fix) {
      await ESLint.outputFixes(chunk);
      fixed += chunk.filter((result) => result.output !== undefined).length;
    }
    results.push(...chunk.map(keepOwnMessages));
    if (showProgress) io.stderr.write(`\rsleepless: linted ${results.length}/${files.length} files\x1b[K`);
  }
  if (showProgress) io.stderr.write('\r\x1b[K');
  return { results, fixed };
}

/** Runs the `sleepless` command and resolves to its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`sleepless: ${error.message}\nRun 'sleepless --help' for usage.\n`);
    return EXIT_FAILURE;
  }
  if (options.help) {
    io.stdout.write(HELP);
    return EXIT_CLEAN;
  }
  if (options.version) {
    io.stdout.write(`${plugin.meta.version}\n`);
    return EXIT_CLEAN;
  }

  try {
    const ruleOptions = readRuleOptions(options, io.cwd);
    const files = await findFiles(options.paths, io.cwd);
    let tsconfigRootDir: string | undefined;
    if (options.typeAware) {
      tsconfigRootDir = findTsconfigDir(io.cwd);
      if (!tsconfigRootDir) {
        io.stderr.write(`sleepless: --type-aware needs a tsconfig.json in ${io.cwd} or a directory above it\n`);
        return EXIT_FAILURE;
      }
    }
    if (files.length === 0) {
      io.stderr.write(`sleepless: no JavaScript or TypeScript files to lint in ${options.paths.join(', ')}\n`);
    }

    // typescript-eslint's parser loads TypeScript itself, which takes a second: only when there is TypeScript.
    const tsParser = files.some((file) => /\.[cm]?tsx?$/.test(file))
      ? ((await import('@typescript-eslint/parser')).default as Linter.Parser)
      : undefined;
    // ESLint warns through process.emitWarning about the set-up it would use (an .eslintignore file in the tree,
    // for one). This command uses none of it, so those warnings are not the user's business here: the instance
    // keeps the function it was constructed with, and that one drops them.
    const makeEslint = (commonJs: boolean): ESLint => {
      const emitWarning = process.emitWarning;
      try {
        process.emitWarning = () => {};
        return new ESLint({
          cwd: commonAncestor([io.cwd, ...files]),
          overrideConfigFile: true,
          overrideConfig: buildConfig(options, tsParser, tsconfigRootDir, ruleOptions, commonJs),
          fix: options.fix,
          globInputPaths: false,
          errorOnUnmatchedPattern: false,
          warnIgnored: false,
          ruleFilter: ({ ruleId }) => ruleId.startsWith(PREFIX),
        });
      } finally {
        process.emitWarning = emitWarning;
      }
    };
    const eslint = makeEslint(false);
    let results: ESLint.LintResult[];
    try {
      const first = await lintInChunks(eslint, files, options, io);
      results = first.results;
      let fixed = first.fixed;
      // ESLint parses a `.js` file as a module; one of a package without `"type": "module"` may be CommonJS that
      // no module can hold (a top-level `return`, `interface` as a name). Those get one more try as CommonJS
      // before they count as unparseable.
      const retry = results.filter((r) => r.fatalErrorCount > 0 && /\.jsx?$/.test(r.filePath)).map((r) => r.filePath);
      if (retry.length > 0) {
        const again = await lintInChunks(makeEslint(true), retry, options, io);
        const parsed = new Map(again.results.filter((r) => r.fatalErrorCount === 0).map((r) => [r.filePath, r]));
        results = results.map((r) => parsed.get(r.filePath) ?? r);
        fixed += again.fixed;
      }
      if (fixed > 0) io.stderr.write(`sleepless: fixed ${plural(fixed, 'file')}\n`);
    } catch (error) {
      const invalid = /Key "rules": Key "sleepless\/[\w-]+":?\s*([\s\S]*)/.exec((error as Error).message);
      if (!invalid) throw error;
      io.stderr.write(`sleepless: invalid options for ${PREFIX}${OPTIONS_RULE} (from ${[...new Set(ruleOptions.sources)].join(' and ')}): ${invalid[1]!.trim()}\n`);
      return EXIT_FAILURE;
    }

    let errors = 0;
    let warnings = 0;
    let fatal = 0;
    let filesWithFindings = 0;
    let unparsed = 0;
    for (const result of results) {
      errors += result.errorCount;
      warnings += result.warningCount;
      fatal += result.fatalErrorCount;
      if (result.fatalErrorCount > 0) unparsed++;
      if (result.messages.some((m) => !m.fatal)) filesWithFindings++;
      for (const message of result.messages.filter((m) => m.fatal)) {
        const where = `${path.relative(io.cwd, result.filePath)}:${message.line}:${message.column}`;
        io.stderr.write(`sleepless: could not parse ${where}: ${message.message.replace(/^Parsing error: /, '')}\n`);
      }
    }
    const findings = errors + warnings - fatal;

    let report: string;
    if (options.format === 'sarif') {
      report = formatSarif(results, {
        toolName: 'sleepless',
        toolVersion: plugin.meta.version,
        informationUri: REPO_URL,
        rules: sarifRules(options),
        cwd: io.cwd,
      });
    } else {
      const formatter = await eslint.loadFormatter(options.format);
      const color = options.outputFile !== undefined || io.stdout.isTTY !== true ? false : undefined;
      report = await formatter.format(results, {
        cwd: io.cwd,
        maxWarningsExceeded:
          options.maxWarnings >= 0 && warnings > options.maxWarnings
            ? { maxWarnings: options.maxWarnings, foundWarnings: warnings }
            : undefined,
        color,
      } as ESLint.LintResultData);
    }

    if (options.outputFile !== undefined) {
      const target = path.resolve(io.cwd, options.outputFile);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, report);
    } else if (report) {
      io.stdout.write(report.endsWith('\n') ? report : `${report}\n`);
    }
    if (options.outputFile !== undefined || options.format !== 'stylish' || findings === 0) {
      const where = options.outputFile !== undefined ? ` (report in ${options.outputFile})` : '';
      // A file that could not be parsed was not checked: never count it among the files with no findings.
      const parsed = files.length - unparsed;
      const notParsed = unparsed > 0 ? `; ${plural(unparsed, 'file')} could not be parsed` : '';
      const summary =
        findings === 0
          ? `no findings in ${unparsed > 0 ? `the ${plural(parsed, 'file')} that could be parsed` : plural(files.length, 'file')}${notParsed}`
          : `${plural(findings, 'finding')} in ${filesWithFindings} of ${plural(files.length, 'file')}${notParsed}`;
      io.stderr.write(`sleepless: ${summary}${where}\n`);
    }

    if (fatal > 0) return EXIT_FAILURE;
    if (errors > 0) return EXIT_FINDINGS;
    if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
      io.stderr.write(`sleepless: too many warnings (${warnings}, at most ${options.maxWarnings} allowed)\n`);
      return EXIT_FINDINGS;
    }
    return EXIT_CLEAN;
  } catch (error) {
    if (error instanceof MissingPathError || error instanceof UsageError) {
      io.stderr.write(`sleepless: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`sleepless: failed: ${message}\n`);
    return EXIT_FAILURE;
  }
}
