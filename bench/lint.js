// What the rules cost: ESLint over real JavaScript installed in node_modules (the file list is built at run time;
// nothing is copied into the repository), js.configs.recommended alone vs with sleepless recommended added.
//   whole lint:  the ESLint class, as the CLI and editors use it (configs resolved once, not per file), one
//                lintText() per file; 6 runs (see RUNS); in every run each file is linted by three engines back to back in
//                rotating order: base, a second identical base ("control": the A/A pair that shows the noise
//                floor), and base + sleepless. The process runs single-threaded (--single-threaded: no background
//                GC or compiler threads whose CPU would land on whichever call is running) with --expose-gc; a
//                young-generation GC before and after each call charges the garbage a call made to that call
//                instead of to a later one. CPU (process.cpuUsage) and wall time summed per engine; medians over
//                runs, and the paired overhead of each run.
//   per rule:    one run with Linter stats on subsets of 1×, 2× and 4× the files (and one very large file alone),
//                to see that the rules' time grows linearly with input
// Writes bench/results/lint.json.   Run alone: node bench/lint.js [--quick]   (after npm run build; it re-starts
// itself with the V8 flags it needs)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import { ESLint, Linter } from 'eslint';
import { log, machineInfo, median, parseArgs, percentile, ROOT_DIR, round, writeResult, resultHeader } from './common.js';

const NODE_MODULES = path.join(ROOT_DIR, 'node_modules');
/** Package folders to draw files from, in order, until the corpus reaches its target size. */
const SOURCES = [
  'typescript/lib',
  'eslint/lib',
  '@typescript-eslint',
  '@aws-sdk',
  '@smithy',
  'espree/dist',
  'acorn/dist',
  'ajv/dist',
  'yaml/dist',
  'async',
  'kinesalite',
  'levelup',
  'lodash',
  'vitest/dist',
  '@vitest',
  'vite/dist',
  'rolldown/dist',
  'protobufjs',
];
/** typescript/lib/typescript.js (201 k lines) and _tsc.js (134 k lines, the same compiler) are each one dense file
 * that would be most of the corpus; they are left out of the timed corpus, and _tsc.js is linted alone as the
 * within-one-file linearity check. */
const BIG_FILE = 'typescript/lib/_tsc.js';
const SKIP_FILES = new Set(['typescript/lib/typescript.js', BIG_FILE]);
/** A multiple of the three engines: over all runs every file is linted by every engine in every position of its
 * back-to-back triple equally often (the first lint of a file in a triple costs a little more). */
const RUNS = { full: 6, quick: 3 };
const TARGET_LINES = { full: 305_000, quick: 30_000 };

/** Globals a Node or browser bundle may use, so no-undef reports real mistakes rather than every `window`. */
const GLOBALS = Object.fromEntries(
  'process Buffer console setTimeout clearTimeout setInterval clearInterval setImmediate clearImmediate queueMicrotask globalThis global window self document navigator location performance URL URLSearchParams TextEncoder TextDecoder AbortController AbortSignal fetch Request Response Headers structuredClone WebAssembly atob btoa Blob crypto __dirname __filename require module exports define Deno Bun'
    .split(' ')
    .map((name) => [name, 'readonly']),
);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // dist-es is the ESM twin of dist-cjs (AWS SDK, Smithy): the same code twice.
      if (['node_modules', 'test', '__tests__', 'dist-es'].includes(entry.name)) continue;
      walk(full, out);
    } else if (/\.(c|m)?js$/.test(entry.name) && !/\.min\.js$/.test(entry.name)) out.push(full);
  }
}

/** ESM or CommonJS, the way Node decides: the extension, else the nearest package.json's "type". */
function sourceTypeOf(file, cache) {
  if (file.endsWith('.mjs')) return 'module';
  if (file.endsWith('.cjs')) return 'commonjs';
  for (let dir = path.dirname(file); dir.startsWith(NODE_MODULES) && dir !== NODE_MODULES; dir = path.dirname(dir)) {
    if (cache.has(dir)) return cache.get(dir);
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      let type = 'commonjs';
      try {
        type = JSON.parse(readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
      } catch {
        // A package.json that is not JSON (a fixture) says nothing.
      }
      cache.set(dir, type);
      return type;
    }
  }
  return 'commonjs';
}

/** Builds the corpus at run time: unminified JS from installed packages, in a fixed order, until `targetLines`. */
export function buildCorpus(targetLines) {
  const files = [];
  const typeCache = new Map();
  let lines = 0;
  let skippedMinified = 0;
  for (const source of SOURCES) {
    const found = [];
    walk(path.join(NODE_MODULES, source), found);
    for (const file of found) {
      if (lines >= targetLines) break;
      const relative = path.relative(NODE_MODULES, file);
      if (SKIP_FILES.has(relative) || statSync(file).size > 20 * 2 ** 20) continue;
      const text = readFileSync(file, 'utf8');
      const lineCount = text.split('\n').length;
      // Minified or generated one-liners say little about code people write; skip them.
      if (text.length / lineCount > 200 || lineCount < 3) {
        skippedMinified++;
        continue;
      }
      files.push({ relative, text, lines: lineCount, sourceType: sourceTypeOf(file, typeCache) });
      lines += lineCount;
    }
    if (lines >= targetLines) break;
  }
  return { files, lines, skippedMinified };
}

function configs(plugin) {
  const common = {
    name: 'bench/common',
    languageOptions: { ecmaVersion: 'latest', globals: GLOBALS },
    linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
  };
  const base = [js.configs.recommended, common];
  return { base, sleepless: [...base, plugin.configs.recommended] };
}

/** Lints every file once; the virtual file name (.mjs / .cjs) makes ESLint pick the right sourceType. */
function lintAll(linter, files, config, { stats = false } = {}) {
  const findings = {};
  const ruleMs = {};
  let parseMs = 0;
  let fatal = 0;
  const perFile = [];
  const fatalFiles = new Set();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const [index, file] of files.entries()) {
    const filename = `/corpus/f${index}.${file.sourceType === 'module' ? 'mjs' : 'cjs'}`;
    let messages;
    if (stats) {
      // As in the timed runs: no garbage of an earlier file is collected inside this file's rule listeners.
      if (typeof globalThis.gc === 'function') collectYoung();
      messages = linter.verifyAndFix(file.text, config, { filename, fix: false, stats: true, allowInlineConfig: false }).messages;
      const pass = linter.getTimes().passes[0] ?? {};
      parseMs += pass.parse?.total ?? 0;
      let sleeplessMs = 0;
      let rulesMs = 0;
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
        ruleMs[ruleId] = (ruleMs[ruleId] ?? 0) + time.total;
        rulesMs += time.total;
        if (ruleId.startsWith('sleepless/')) sleeplessMs += time.total;
      }
      perFile.push({ file: file.relative, lines: file.lines, sleeplessMs, allRulesMs: rulesMs, parseMs: pass.parse?.total ?? 0 });
    } else {
      messages = linter.verify(file.text, config, { filename, allowInlineConfig: false });
    }
    for (const message of messages) {
      if (message.fatal) {
        fatal++;
        fatalFiles.add(index);
      }
      const key = message.ruleId ?? '(parser)';
      findings[key] = (findings[key] ?? 0) + 1;
    }
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, findings, fatal, fatalFiles, ruleMs, parseMs, perFile };
}

/** V8 flags of the timed process (see the header). */
const V8_FLAGS = ['--single-threaded', '--expose-gc', '--max-semi-space-size=64'];
const ENGINES = ['base', 'control', 'sleepless'];

/** A young-generation collection, so the garbage of the call just timed is collected (and timed) with it. */
const collectYoung = () => globalThis.gc({ type: 'minor', execution: 'sync' });

/**
 * One timed run: every file linted by the three engines back to back, the order rotating per file and run. Returns
 * the summed wall and CPU time per engine, the findings per engine, and the sleepless findings' locations.
 */
async function lintPaired(engines, files, run) {
  const totals = Object.fromEntries(ENGINES.map((name) => [name, { wallMs: 0, cpuMs: 0 }]));
  const findings = Object.fromEntries(ENGINES.map((name) => [name, {}]));
  const sleeplessFindings = [];
  for (const [index, file] of files.entries()) {
    const filePath = `/corpus/f${index}.${file.sourceType === 'module' ? 'mjs' : 'cjs'}`;
    const shift = (index + run) % ENGINES.length;
    for (const name of [...ENGINES.slice(shift), ...ENGINES.slice(0, shift)]) {
      collectYoung();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const [result] = await engines[name].lintText(file.text, { filePath });
      collectYoung();
      totals[name].wallMs += performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      totals[name].cpuMs += (cpu.user + cpu.system) / 1000;
      for (const message of result.messages) {
        const key = message.ruleId ?? '(parser)';
        findings[name][key] = (findings[name][key] ?? 0) + 1;
        if (name === 'sleepless' && message.ruleId?.startsWith('sleepless/')) {
          sleeplessFindings.push({ file: file.relative, line: message.line, rule: message.ruleId, message: message.message.slice(0, 240) });
        }
      }
    }
    // The old generation fills slowly with what calls keep (ESLint's caches, promoted survivors): empty it now and
    // then, outside the timing, so no engine is charged a full collection that all of them caused.
    if (index % 200 === 199) globalThis.gc();
  }
  return { totals, findings, sleeplessFindings };
}

/** Quarters of the files with about equal line counts (largest first into the lightest quarter). */
function quarters(files) {
  const bins = [[], [], [], []];
  const sizes = [0, 0, 0, 0];
  for (const file of [...files].sort((a, b) => b.lines - a.lines || (a.relative < b.relative ? -1 : 1))) {
    const lightest = sizes.indexOf(Math.min(...sizes));
    bins[lightest].push(file);
    sizes[lightest] += file.lines;
  }
  return bins;
}

export async function runLintBenchmark({ quick = false } = {}) {
  const startedAt = new Date();
  const machine = machineInfo();
  const { default: plugin } = await import('../dist/index.js');
  const { base, sleepless } = configs(plugin);
  const linter = new Linter({ configType: 'flat', cwd: '/corpus' });
  const runs = quick ? RUNS.quick : RUNS.full;

  const corpus = buildCorpus(quick ? TARGET_LINES.quick : TARGET_LINES.full);
  // Warm-up (not counted): the base config over every file, which also finds files that do not parse (every engine
  // would skip those alike; they are dropped so all lint the same code), then the three engines over a quarter.
  const warmStarted = performance.now();
  const warm = lintAll(linter, corpus.files, base);
  // A file whose package type says CommonJS may still be ESM (or the reverse): try the other source type once.
  for (const index of [...warm.fatalFiles]) {
    const file = corpus.files[index];
    const other = file.sourceType === 'module' ? 'commonjs' : 'module';
    const messages = linter.verify(file.text, base, { filename: `/corpus/f${index}.${other === 'module' ? 'mjs' : 'cjs'}`, allowInlineConfig: false });
    if (!messages.some((message) => message.fatal)) {
      file.sourceType = other;
      warm.fatalFiles.delete(index);
    }
  }
  const parseFailures = [...warm.fatalFiles].map((index) => corpus.files[index].relative);
  const files = corpus.files.filter((_, index) => !warm.fatalFiles.has(index));
  const lines = files.reduce((sum, file) => sum + file.lines, 0);
  // One ESLint instance per engine, as a CLI run has one: its config is resolved once and cached for every file.
  const engine = (config) => new ESLint({ cwd: '/corpus', overrideConfigFile: true, overrideConfig: config, cache: false });
  const engines = { base: engine(base), control: engine(base), sleepless: engine(sleepless) };
  await lintPaired(engines, files.slice(0, Math.ceil(files.length / 4)), 0);
  log(`lint corpus: ${files.length} files, ${lines} lines (${parseFailures.length} files that do not parse and ${corpus.skippedMinified} minified files left out); warm-up ${Math.round(performance.now() - warmStarted)} ms`);

  const samples = Object.fromEntries(ENGINES.map((name) => [name, []]));
  const paired = { cpu: [], wall: [], controlCpu: [], controlWall: [] };
  let last;
  for (let run = 0; run < runs; run++) {
    last = await lintPaired(engines, files, run + 1);
    const t = last.totals;
    for (const name of ENGINES) samples[name].push({ wallMs: round(t[name].wallMs, 1), cpuMs: round(t[name].cpuMs, 1) });
    // Against the mean of the two identical base engines; the control's own distance from base is the noise floor.
    paired.cpu.push((t.sleepless.cpuMs / ((t.base.cpuMs + t.control.cpuMs) / 2) - 1) * 100);
    paired.wall.push((t.sleepless.wallMs / ((t.base.wallMs + t.control.wallMs) / 2) - 1) * 100);
    paired.controlCpu.push((t.control.cpuMs / t.base.cpuMs - 1) * 100);
    paired.controlWall.push((t.control.wallMs / t.base.wallMs - 1) * 100);
    log(
      `lint run ${run + 1}/${runs}: CPU ms base ${Math.round(t.base.cpuMs)}, control ${Math.round(t.control.cpuMs)}, with sleepless ${Math.round(t.sleepless.cpuMs)} | sleepless ${round(paired.cpu.at(-1), 2)} %, control ${round(paired.controlCpu.at(-1), 2)} %`,
    );
  }
  const summarize = (values) => ({ median: round(median(values), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1), p95: round(percentile(values, 0.95), 1) });
  const whole = {};
  for (const name of ENGINES) {
    whole[name] = { wallMs: summarize(samples[name].map((s) => s.wallMs)), cpuMs: summarize(samples[name].map((s) => s.cpuMs)) };
  }
  const bothBases = (key) => (whole.base[key].median + whole.control[key].median) / 2;
  // Over all runs together, where the positions balance out (see RUNS).
  const sum = (name, key) => samples[name].reduce((total, s) => total + s[key], 0);
  const overhead = {
    allRunsCpuPercent: round((sum('sleepless', 'cpuMs') / ((sum('base', 'cpuMs') + sum('control', 'cpuMs')) / 2) - 1) * 100, 2),
    allRunsWallPercent: round((sum('sleepless', 'wallMs') / ((sum('base', 'wallMs') + sum('control', 'wallMs')) / 2) - 1) * 100, 2),
    allRunsControlCpuPercent: round((sum('control', 'cpuMs') / sum('base', 'cpuMs') - 1) * 100, 2),
    cpuPercent: round((whole.sleepless.cpuMs.median / bothBases('cpuMs') - 1) * 100, 2),
    wallPercent: round((whole.sleepless.wallMs.median / bothBases('wallMs') - 1) * 100, 2),
    pairedCpuPercentMedian: round(median(paired.cpu), 2),
    pairedWallPercentMedian: round(median(paired.wall), 2),
    pairedCpuPercentPerRun: paired.cpu.map((v) => round(v, 2)),
    controlCpuPercentPerRun: paired.controlCpu.map((v) => round(v, 2)),
    controlCpuPercentMedian: round(median(paired.controlCpu), 2),
    controlWallPercentMedian: round(median(paired.controlWall), 2),
  };
  const findings = last.findings;
  const sleeplessFindings = last.sleeplessFindings;

  // Per-rule times (Linter stats) on 1×, 2× and 4× the files.
  const bins = quarters(files);
  const big = [];
  if (!quick && existsSync(path.join(NODE_MODULES, BIG_FILE))) {
    const text = readFileSync(path.join(NODE_MODULES, BIG_FILE), 'utf8');
    big.push({ relative: BIG_FILE, text, lines: text.split('\n').length, sourceType: 'commonjs' });
  }
  const sets = [
    { scale: 1, files: bins[0] },
    { scale: 2, files: [...bins[0], ...bins[1]] },
    { scale: 4, files: bins.flat() },
  ];
  const scaling = [];
  let fullStats;
  for (const set of sets) {
    const result = lintAll(linter, set.files, sleepless, { stats: true });
    const setLines = set.files.reduce((sum, file) => sum + file.lines, 0);
    const sleeplessMs = Object.entries(result.ruleMs).filter(([id]) => id.startsWith('sleepless/')).reduce((sum, [, ms]) => sum + ms, 0);
    const allRulesMs = Object.values(result.ruleMs).reduce((sum, ms) => sum + ms, 0);
    const row = {
      scale: set.scale,
      files: set.files.length,
      lines: setLines,
      wallMs: round(result.wallMs, 1),
      parseMs: round(result.parseMs, 1),
      allRulesMs: round(allRulesMs, 1),
      sleeplessRulesMs: round(sleeplessMs, 1),
      sleeplessMsPer10kLines: round((sleeplessMs / setLines) * 10_000, 2),
      allRulesMsPer10kLines: round((allRulesMs / setLines) * 10_000, 2),
      ruleMs: Object.fromEntries(Object.entries(result.ruleMs).filter(([id]) => id.startsWith('sleepless/')).map(([id, ms]) => [id, round(ms, 1)])),
    };
    scaling.push(row);
    if (set.scale === 4) fullStats = result;
    log(`lint stats ${set.scale}×: ${row.files} files, ${row.lines} lines, sleepless rules ${row.sleeplessRulesMs} ms of ${row.wallMs} ms (${row.sleeplessMsPer10kLines} ms / 10k lines)`);
  }
  const bigFiles = [];
  for (const file of big) {
    const result = lintAll(linter, [file], sleepless, { stats: true });
    const sleeplessMs = Object.entries(result.ruleMs).filter(([id]) => id.startsWith('sleepless/')).reduce((sum, [, ms]) => sum + ms, 0);
    const allRulesMs = Object.values(result.ruleMs).reduce((sum, ms) => sum + ms, 0);
    bigFiles.push({
      file: file.relative,
      lines: file.lines,
      wallMs: round(result.wallMs, 1),
      parseMs: round(result.parseMs, 1),
      allRulesMs: round(allRulesMs, 1),
      sleeplessRulesMs: round(sleeplessMs, 1),
      sleeplessMsPer10kLines: round((sleeplessMs / file.lines) * 10_000, 2),
      allRulesMsPer10kLines: round((allRulesMs / file.lines) * 10_000, 2),
      sleeplessShareOfRulesPercent: round((sleeplessMs / allRulesMs) * 100, 1),
    });
    log(`lint stats one big file ${file.relative} (${file.lines} lines): sleepless rules ${round(sleeplessMs, 1)} ms (${bigFiles.at(-1).sleeplessMsPer10kLines} ms / 10k lines)`);
  }

  // The share of the sleepless rules in one stats run over the whole corpus (4× set plus the big files).
  const totalRuleMs = {};
  for (const [id, ms] of Object.entries(fullStats.ruleMs)) totalRuleMs[id] = ms;
  const statsWallMs = fullStats.wallMs;
  const allRulesTotal = Object.values(totalRuleMs).reduce((sum, ms) => sum + ms, 0);
  const sleeplessTotal = Object.entries(totalRuleMs).filter(([id]) => id.startsWith('sleepless/')).reduce((sum, [, ms]) => sum + ms, 0);
  const topRules = Object.entries(totalRuleMs).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id, ms]) => ({ rule: id, ms: round(ms, 1) }));
  const slowestFiles = [...fullStats.perFile]
    .sort((a, b) => b.sleeplessMs - a.sleeplessMs)
    .slice(0, 5)
    .map((f) => ({ file: f.file, lines: f.lines, sleeplessMs: round(f.sleeplessMs, 1), allRulesMs: round(f.allRulesMs, 1), parseMs: round(f.parseMs, 1), sleeplessShareOfRulesPercent: round((f.sleeplessMs / f.allRulesMs) * 100, 1) }));

  // oxlint running the rules as a JS plugin: whole runs over the same files, alone, with an empty plugin, with the rules.
  // Imported here: bench/oxlint.js run alone imports this file for buildCorpus().
  const { runOxlintBenchmark } = await import('./oxlint.js');
  const oxlint = runOxlintBenchmark(files, { quick });
  log(`oxlint ${oxlint.oxlint} over ${oxlint.files} files, median wall: alone ${oxlint.wallMs.alone.median} ms, empty JS plugin ${oxlint.wallMs.bridge.median} ms, with sleepless ${oxlint.wallMs.sleepless.median} ms (ESLint CLI, same rules: ${oxlint.wallMs.eslint.median} ms)`);

  const data = {
    ...resultHeader('lint', startedAt, quick, machine),
    eslint: Linter.version,
    setup: {
      corpus: `unminified .js/.mjs/.cjs files of installed packages (${SOURCES.join(', ')}), in that order, until ${quick ? TARGET_LINES.quick : TARGET_LINES.full} lines; typescript.js and tsserverlibrary.js left out (the same compiler as _tsc.js); nothing is copied into the repository`,
      configs: {
        base: 'js.configs.recommended (@eslint/js) + ecmaVersion latest + Node/browser globals; sourceType from the extension or the package.json "type"; inline config comments ignored',
        sleepless: 'the same + sleepless recommended (dist/index.js)',
      },
      runs,
      engines: 'one ESLint instance per config (overrideConfigFile: true, overrideConfig, cache off), lintText() per file with a virtual path, as the CLI lints: configs resolved once per engine; a second base engine ("control") as the A/A pair',
      order: 'each file linted by the three engines back to back, the order rotating per file and per run, after one warm-up run over a quarter of the files',
      process: `node ${V8_FLAGS.join(' ')}: no background GC or compiler threads; a young-generation GC before and after every call (the one after is timed with it), a full GC every 200 files outside the timing`,
      timing: 'performance.now() and process.cpuUsage() around each lintText() (texts are read beforehand), summed per engine; parse is included, as in real use; overhead = with sleepless / mean of base and control - 1',
      perRule: 'Linter verifyAndFix({ fix: false, stats: true }) per file, one run per set; stats add their own overhead to every rule alike',
    },
    corpus: { files: files.length, lines, parseFailures, skippedMinified: corpus.skippedMinified, packages: [...new Set(files.map((f) => f.relative.split('/').slice(0, f.relative.startsWith('@') ? 2 : 1).join('/')))] },
    whole,
    overhead,
    samples,
    findings,
    sleeplessFindings,
    perRule: { statsRunWallMs: round(statsWallMs, 1), sleeplessRulesMs: round(sleeplessTotal, 1), sleeplessShareOfStatsRunPercent: round((sleeplessTotal / statsWallMs) * 100, 2), allRulesMs: round(allRulesTotal, 1), parseMs: round(fullStats.parseMs, 1), sleeplessShareOfRulesPercent: round((sleeplessTotal / allRulesTotal) * 100, 2), topRules },
    scaling,
    bigFiles,
    slowestFilesForSleepless: slowestFiles,
    oxlint,
  };
  writeResult('lint', data);
  log(`lint overhead: all runs CPU ${overhead.allRunsCpuPercent} % (control ${overhead.allRunsControlCpuPercent} %); medians CPU ${overhead.cpuPercent} %, wall ${overhead.wallPercent} %, paired CPU ${overhead.pairedCpuPercentMedian} % (control ${overhead.controlCpuPercentMedian} %); sleepless findings ${sleeplessFindings.length}`);
  return data;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (typeof globalThis.gc !== 'function') {
    // Re-start with the V8 flags the timing needs (see the header), passing the arguments on.
    const child = spawnSync(process.execPath, [...V8_FLAGS, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
  } else {
    const { quick } = parseArgs();
    runLintBenchmark({ quick }).catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
