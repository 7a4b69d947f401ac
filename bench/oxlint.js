// oxlint wall time over the lint corpus (the same real JavaScript as bench/lint.js, written to a temporary
// directory that is removed afterwards): oxlint alone, oxlint with an empty JS plugin (the bridge's own cost: the
// AST handed to JavaScript and walked with listeners on the node types these rules listen to, doing nothing), and
// oxlint with the three sleepless rules; the ESLint CLI with the same three rules for comparison. Each run spawns
// each command once, in an order that rotates per run; wall time of the whole process, as a user sees it.
//   Run alone: node bench/oxlint.js [--quick]   (after npm run build); bench/lint.js runs it and keeps its result.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { log, median, parseArgs, ROOT_DIR, round } from './common.js';

const OXLINT = path.join(ROOT_DIR, 'node_modules', 'oxlint', 'bin', 'oxlint');
const ESLINT = path.join(ROOT_DIR, 'node_modules', 'eslint', 'bin', 'eslint.js');
const PLUGIN = path.join(ROOT_DIR, 'dist', 'index.js');
const RULES = ['no-sleep-polling', 'no-busy-wait', 'no-blocking-sleep'];
const RUNS = { full: 5, quick: 1 };
const CONFIGS = ['alone', 'bridge', 'sleepless', 'eslint'];

/** The empty plugin: one rule whose listeners on the node types the sleepless rules listen to do nothing. */
const EMPTY_PLUGIN = `export default {
  meta: { name: 'empty' },
  rules: {
    listen: {
      meta: { type: 'problem', schema: [] },
      create: () => ({ CallExpression() {}, WhileStatement() {}, DoWhileStatement() {}, ForStatement() {} }),
    },
  },
};
`;

function oxlintConfig(jsPlugin, rules) {
  // oxlint's default rule category (correctness) stays on in all three: what a user runs, plus the plugin.
  return `${JSON.stringify({ ...(jsPlugin && { jsPlugins: [jsPlugin] }), rules }, null, 2)}\n`;
}

/** Writes the corpus and the configs into a temporary directory. */
function prepare(files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sleepless-oxlint-bench-'));
  const tree = path.join(dir, 'tree');
  for (const file of files) {
    // The extension says ESM or CommonJS, as in bench/lint.js, for both linters alike.
    const target = path.join(tree, file.relative.replace(/\.[cm]?js$/, file.sourceType === 'module' ? '.mjs' : '.cjs'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text);
  }
  writeFileSync(path.join(dir, 'empty-plugin.mjs'), EMPTY_PLUGIN);
  const sleeplessRules = Object.fromEntries(RULES.map((rule) => [`sleepless/${rule}`, 'error']));
  writeFileSync(path.join(dir, 'alone.json'), oxlintConfig(null, {}));
  writeFileSync(path.join(dir, 'bridge.json'), oxlintConfig(path.join(dir, 'empty-plugin.mjs'), { 'empty/listen': 'error' }));
  writeFileSync(path.join(dir, 'sleepless.json'), oxlintConfig(PLUGIN, sleeplessRules));
  writeFileSync(
    path.join(dir, 'eslint.config.mjs'),
    `import sleepless from ${JSON.stringify(pathToFileURL(PLUGIN).href)};\nexport default [{ files: ['**/*.cjs', '**/*.mjs'] }, sleepless.configs.recommended];\n`,
  );
  return { dir, tree };
}

function command(config, dir) {
  if (config === 'eslint') return [ESLINT, ['--format', 'json', '--config', path.join(dir, 'eslint.config.mjs'), 'tree']];
  return [OXLINT, ['--format', 'json', '--config', path.join(dir, `${config}.json`), 'tree']];
}

function timed(config, dir) {
  const [bin, args] = command(config, dir);
  const started = performance.now();
  const child = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`${config}: exit ${child.status}: ${child.stderr.slice(0, 2000)}`);
  return { wallMs, stdout: child.stdout };
}

/** Findings per rule from a run's JSON report (oxlint's or ESLint's). */
function findingsOf(config, stdout) {
  const counts = {};
  if (config === 'eslint') {
    for (const result of JSON.parse(stdout)) for (const m of result.messages) counts[m.ruleId ?? '(parser)'] = (counts[m.ruleId ?? '(parser)'] ?? 0) + 1;
  } else {
    const report = JSON.parse(stdout);
    for (const d of report.diagnostics) counts[d.code] = (counts[d.code] ?? 0) + 1;
    counts['(files)'] = report.number_of_files;
  }
  return counts;
}

export function runOxlintBenchmark(files, { quick = false } = {}) {
  const { dir } = prepare(files);
  try {
    const runs = quick ? RUNS.quick : RUNS.full;
    const samples = Object.fromEntries(CONFIGS.map((c) => [c, []]));
    const findings = {};
    // Warm-up, not timed: the file cache, and each command's own first start.
    for (const config of CONFIGS) findings[config] = findingsOf(config, timed(config, dir).stdout);
    for (let run = 0; run < runs; run++) {
      const order = [...CONFIGS.slice(run % CONFIGS.length), ...CONFIGS.slice(0, run % CONFIGS.length)];
      for (const config of order) samples[config].push(round(timed(config, dir).wallMs, 0));
      log(`oxlint run ${run + 1}/${runs}: ${CONFIGS.map((c) => `${c} ${samples[c].at(-1)} ms`).join(', ')}`);
    }
    const wall = Object.fromEntries(CONFIGS.map((c) => [c, { median: median(samples[c]), min: Math.min(...samples[c]), max: Math.max(...samples[c]) }]));
    const sleeplessOf = (counts) => Object.entries(counts).filter(([code]) => /^sleepless[/(]/.test(code)).reduce((sum, [, n]) => sum + n, 0);
    return {
      oxlint: spawnSync(process.execPath, [OXLINT, '--version'], { encoding: 'utf8' }).stdout.trim().replace(/^Version:\s*/, ''),
      command: `oxlint --format json --config <alone|bridge|sleepless>.json tree (default threads: ${os.availableParallelism()} here); eslint --format json --config eslint.config.mjs tree`,
      files: findings.sleepless['(files)'],
      runs,
      wallMs: wall,
      samples,
      // What each added on top of the one before: the bridge over oxlint alone, the rules over the bridge.
      bridgeMs: round(wall.bridge.median - wall.alone.median, 0),
      rulesOverBridgeMs: round(wall.sleepless.median - wall.bridge.median, 0),
      speedupOverEslint: round(wall.eslint.median / wall.sleepless.median, 1),
      sleeplessFindings: { oxlint: sleeplessOf(findings.sleepless), eslint: sleeplessOf(findings.eslint) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { quick } = parseArgs();
  const { buildCorpus } = await import('./lint.js');
  const { files } = buildCorpus(quick ? 30_000 : 305_000);
  console.log(JSON.stringify(runOxlintBenchmark(files, { quick }), null, 2));
}
