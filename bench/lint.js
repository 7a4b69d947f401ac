// What the rules cost: ESLint's Linter over real JavaScript installed in node_modules (the file list is built at run
// time; nothing is copied into the repository), js.configs.recommended alone vs with sleepless recommended added.
//   whole lint:  ≥ 5 runs; in every run each file is linted by both configs back to back (order alternating per
//                file), so the noise of a shared machine falls on both alike; wall and CPU time (process.cpuUsage)
//                summed per config, then the median over runs
//   per rule:    one run with Linter stats on subsets of 1×, 2× and 4× the files (and one very large file alone),
//                to see that the rules' time grows linearly with input
// Writes bench/results/lint.json.   Run alone: node bench/lint.js [--quick]   (after npm run build)
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import { Linter } from 'eslint';
import { log, machineInfo, median, parseArgs, percentile, ROOT_DIR, round, writeResult } from './common.js';

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
const RUNS = { full: 5, quick: 2 };
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
    linterOptions: { reportUnusedDisableDirectives: 'off' },
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

/**
 * One timed run: every file linted by both configs back to back, the order alternating per file. Returns the
 * summed wall and CPU time per config, the findings per config, and the sleepless findings' locations.
 */
function lintPaired(linter, files, configsByName, run) {
  const totals = { base: { wallMs: 0, cpuMs: 0 }, sleepless: { wallMs: 0, cpuMs: 0 } };
  const findings = { base: {}, sleepless: {} };
  const fatalFiles = new Set();
  const sleeplessFindings = [];
  for (const [index, file] of files.entries()) {
    const filename = `/corpus/f${index}.${file.sourceType === 'module' ? 'mjs' : 'cjs'}`;
    const order = (index + run) % 2 === 0 ? ['base', 'sleepless'] : ['sleepless', 'base'];
    for (const name of order) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const messages = linter.verify(file.text, configsByName[name], { filename, allowInlineConfig: false });
      totals[name].wallMs += performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      totals[name].cpuMs += (cpu.user + cpu.system) / 1000;
      for (const message of messages) {
        if (message.fatal) fatalFiles.add(index);
        const key = message.ruleId ?? '(parser)';
        findings[name][key] = (findings[name][key] ?? 0) + 1;
        if (name === 'sleepless' && message.ruleId?.startsWith('sleepless/')) {
          sleeplessFindings.push({ file: file.relative, line: message.line, rule: message.ruleId, message: message.message.slice(0, 240) });
        }
      }
    }
  }
  return { totals, findings, fatalFiles, sleeplessFindings };
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
  const configsByName = { base, sleepless };
  // Warm-up (not counted): the base config over every file, which also finds files that do not parse (both configs
  // would skip those alike; they are dropped so both lint the same code), then both configs over a quarter.
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
  lintPaired(linter, files.slice(0, Math.ceil(files.length / 4)), configsByName, 0);
  log(`lint corpus: ${files.length} files, ${lines} lines (${parseFailures.length} files that do not parse and ${corpus.skippedMinified} minified files left out); warm-up ${Math.round(performance.now() - warmStarted)} ms`);

  const samples = { base: [], sleepless: [] };
  const pairedOverheadCpu = [];
  const pairedOverheadWall = [];
  let last;
  for (let run = 0; run < runs; run++) {
    last = lintPaired(linter, files, configsByName, run + 1);
    for (const name of ['base', 'sleepless']) samples[name].push({ wallMs: round(last.totals[name].wallMs, 1), cpuMs: round(last.totals[name].cpuMs, 1) });
    pairedOverheadCpu.push((last.totals.sleepless.cpuMs / last.totals.base.cpuMs - 1) * 100);
    pairedOverheadWall.push((last.totals.sleepless.wallMs / last.totals.base.wallMs - 1) * 100);
    log(
      `lint run ${run + 1}/${runs}: base wall ${Math.round(last.totals.base.wallMs)} ms CPU ${Math.round(last.totals.base.cpuMs)} ms | with sleepless wall ${Math.round(last.totals.sleepless.wallMs)} ms CPU ${Math.round(last.totals.sleepless.cpuMs)} ms | CPU +${round(pairedOverheadCpu.at(-1), 2)} %`,
    );
  }
  const summarize = (values) => ({ median: round(median(values), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1), p95: round(percentile(values, 0.95), 1) });
  const whole = {};
  for (const name of ['base', 'sleepless']) {
    whole[name] = { wallMs: summarize(samples[name].map((s) => s.wallMs)), cpuMs: summarize(samples[name].map((s) => s.cpuMs)) };
  }
  const overhead = {
    cpuPercent: round(((whole.sleepless.cpuMs.median - whole.base.cpuMs.median) / whole.base.cpuMs.median) * 100, 2),
    wallPercent: round(((whole.sleepless.wallMs.median - whole.base.wallMs.median) / whole.base.wallMs.median) * 100, 2),
    pairedCpuPercentMedian: round(median(pairedOverheadCpu), 2),
    pairedWallPercentMedian: round(median(pairedOverheadWall), 2),
    pairedCpuPercentPerRun: pairedOverheadCpu.map((v) => round(v, 2)),
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

  const data = {
    benchmark: 'lint',
    date: startedAt.toISOString(),
    durationS: round((Date.now() - startedAt.getTime()) / 1000, 1),
    quick,
    machine,
    eslint: Linter.version,
    setup: {
      corpus: `unminified .js/.mjs/.cjs files of installed packages (${SOURCES.join(', ')}), in that order, until ${quick ? TARGET_LINES.quick : TARGET_LINES.full} lines; typescript.js and tsserverlibrary.js left out (the same compiler as _tsc.js); nothing is copied into the repository`,
      configs: {
        base: 'js.configs.recommended (@eslint/js) + ecmaVersion latest + Node/browser globals; sourceType from the extension or the package.json "type"; inline config comments ignored',
        sleepless: 'the same + sleepless recommended (dist/index.js)',
      },
      runs,
      order: 'each file linted by both configs back to back, the order alternating per file and per run, after one warm-up run',
      timing: 'performance.now() and process.cpuUsage() around each Linter.verify() (texts are read beforehand), summed per config; parse is included, as in real use',
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
  };
  writeResult('lint', data);
  log(`lint overhead (medians): CPU ${overhead.cpuPercent} %, wall ${overhead.wallPercent} %, paired CPU ${overhead.pairedCpuPercentMedian} %; sleepless findings ${sleeplessFindings.length}`);
  return data;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { quick } = parseArgs();
  runLintBenchmark({ quick }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
