import { parseArgs, type ParseArgsConfig } from 'node:util';

export const FORMATS = ['stylish', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface CliOptions {
  paths: string[];
  fix: boolean;
  format: Format;
  typeAware: boolean;
  warn: boolean;
  /** -1: no limit, as in ESLint. */
  maxWarnings: number;
  outputFile?: string;
  /** `--rule-option` values: JSON objects of `sleepless/no-sleep-polling` options, in the order given. */
  ruleOptions: string[];
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;

export const HELP = `Usage: sleepless [options] [paths...]

Lints JavaScript and TypeScript for sleep-polling, busy-waits and blocking sleeps with the recommended rules
of eslint-plugin-sleepless. It needs no ESLint configuration and ignores yours: use the plugin in your
eslint.config.js for that.

Paths are files or directories (default: the current directory). Directories are searched for
.js .jsx .mjs .cjs .ts .tsx .mts .cts files; .gitignore files are respected and node_modules is skipped.
A file named on the command line is linted even if .gitignore lists it.

Options:
  --fix                   Apply the rules' safe fixes to the files (suggestions are never applied)
  -f, --format <name>     Output format: stylish (default), json or sarif (SARIF 2.1.0, for GitHub code
                          scanning)
  -o, --output-file <path>
                          Write the report to this file instead of standard output
  --type-aware            Also use type information: TypeScript files are parsed with the project service
                          of the nearest tsconfig.json (slower; files outside every tsconfig.json are
                          reported as parse errors)
  --warn                  Report findings as warnings instead of errors (see --max-warnings)
  --max-warnings <n>      Exit with 1 when there are more than n warnings (with --warn: more than n
                          findings). Default: no limit
  --rule-option <json>    Options of sleepless/no-sleep-polling, as a JSON object, to name your own
                          helpers: '{"pollingFunctions":["waitFor"],"sleepFunctions":["pause"]}'.
                          Over the "sleepless" key of the nearest package.json, which takes the same object
  -h, --help              Show this help
  -v, --version           Show the version

Exit codes:
  0  nothing found (or, with --warn, no more than --max-warnings findings)
  1  findings: at least one error, or more warnings than --max-warnings
  2  bad usage, a path that does not exist, a file that could not be parsed, or an internal failure

Examples:
  npx sleepless                                   lint the current directory
  npx sleepless src test --fix                    lint two directories and apply fixes
  npx sleepless --format sarif -o sleepless.sarif write a report for GitHub code scanning
  npx sleepless --warn --max-warnings 10          tolerate up to 10 known findings while adopting it
`;

const OPTIONS = {
  fix: { type: 'boolean', default: false },
  format: { type: 'string', short: 'f', default: 'stylish' },
  'output-file': { type: 'string', short: 'o' },
  'type-aware': { type: 'boolean', default: false },
  warn: { type: 'boolean', default: false },
  'max-warnings': { type: 'string' },
  'rule-option': { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} satisfies ParseArgsConfig['options'];

/** `--format (-f)`: every option, with its short form. */
const OPTION_NAMES = Object.entries(OPTIONS).map(([name, o]) => ('short' in o ? `--${name} (-${o.short})` : `--${name}`));

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** "Unknown option '--fromat'. Did you mean --format?" and the list of options. */
function unknownOption(given: string): UsageError {
  const name = given.startsWith('--') ? given.slice(2).split('=')[0]! : '';
  const [closest] = Object.keys(OPTIONS)
    .map((option) => ({ option, distance: editDistance(name, option) }))
    .sort((a, b) => a.distance - b.distance);
  const near = name !== '' && closest && closest.distance <= Math.max(2, Math.floor(name.length / 3));
  return new UsageError(
    `Unknown option '${given}'.${near ? ` Did you mean --${closest.option}?` : ''}\nOptions: ${OPTION_NAMES.join(', ')}`,
  );
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) throw unknownOption(unknown[1]!);
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}': use one of ${FORMATS.join(', ')}`);
  }
  let maxWarnings = -1;
  if (values['max-warnings'] !== undefined) {
    const raw = values['max-warnings'];
    if (!/^-?\d+$/.test(raw) || Number(raw) < -1) {
      throw new UsageError(`--max-warnings needs a whole number (0 or more), got '${raw}'`);
    }
    maxWarnings = Number(raw);
  }
  if (values['output-file'] === '') throw new UsageError('--output-file needs a path');
  return {
    paths: positionals.length > 0 ? positionals : ['.'],
    fix: values.fix,
    format: format as Format,
    typeAware: values['type-aware'],
    warn: values.warn,
    maxWarnings,
    outputFile: values['output-file'],
    ruleOptions: values['rule-option'],
    help: values.help,
    version: values.version,
  };
}
