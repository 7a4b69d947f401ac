// Builds bench/results/summary.md from whichever result files exist (a part run alone updates its own section).
import { formatTable } from './throughput.js';
const fmt = (value, digits = 1) => (typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–');
const verdict = (ok) => (ok ? '**met**' : '**not met**');

function machineLine(data) {
  const m = data.machine;
  return `${m.cores} × ${m.cpuModel}, ${m.totalMemoryMiB.toLocaleString('en-US')} MiB, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverage.join(' / ')}; ${data.date}${data.quick ? ' — **quick mode**: fewer runs and sizes, a smoke test, not figures to quote' : ''}`;
}

export function flushSection(data) {
  const lines = [];
  lines.push(`## Flush latency`, '');
  lines.push(`Machine: ${machineLine(data)}. Took ${fmt(data.durationS)} s.`, '');
  lines.push(`${data.setup.recordBytes}-byte records, ${data.setup.shards}-shard stream, kinesalite in its own process (fresh per size), ${data.setup.concurrency} requests in flight at most. Times from the first \`put()\` to every record stored, in ms.`, '');
  lines.push('| Records | Runs (a, c / b) | (a) `await flush()` p50 / p95 | (b) KPL loop p50 / p95 | (c) raw PutRecords p50 / p95 | a/c (p50) | a/c (p95) | b/a (p50) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of data.results) {
    const s = row.stats;
    lines.push(`| ${fmt(row.records, 0)} | ${row.runsAC ?? row.runs} / ${row.runs} | ${fmt(s.a.p50)} / ${fmt(s.a.p95)} | ${fmt(s.b.p50)} / ${fmt(s.b.p95)} | ${fmt(s.c.p50)} / ${fmt(s.c.p95)} | ${fmt(row.ratios.aOverC_p50, 2)} | ${fmt(row.ratios.aOverC_p95, 2)} | ${fmt(row.ratios.bOverA_p50, 1)} |`);
  }
  const upTo1000 = data.results.filter((row) => row.records <= 1000);
  const acOk = upTo1000.every((row) => row.ratios.aOverC_p50 <= 1.1);
  const small = data.results.filter((row) => row.records <= 10);
  const baOk = small.length > 0 && small.every((row) => row.ratios.bOverA_p50 >= 50);
  lines.push('');
  lines.push(`- Target a/c ≤ 1.1 from 1 to 1,000 records (p50): ${verdict(acOk)} (worst ${fmt(Math.max(...upTo1000.map((r) => r.ratios.aOverC_p50)), 2)} at ${fmt(upTo1000.reduce((w, r) => (r.ratios.aOverC_p50 > w.ratios.aOverC_p50 ? r : w)).records, 0)} records).`);
  lines.push(`- Target b/a ≥ 50 at 1 and 10 records (p50): ${verdict(baOk)} (${small.map((r) => `${fmt(r.ratios.bOverA_p50, 1)}× at ${r.records}`).join(', ')}).`);
  const big = data.results.filter((row) => row.records >= 100);
  if (big.length) lines.push(`- At 100 records and more the server's own time dominates: b/a is ${big.map((r) => `${fmt(r.ratios.bOverA_p50, 1)}× at ${fmt(r.records, 0)}`).join(', ')}.`);
  lines.push('', '![Flush latency](flush-latency.svg)', '');
  return lines.join('\n');
}

export function throughputSection(data) {
  const lines = [];
  lines.push(`## Throughput, CPU and memory`, '');
  lines.push(`Machine: ${machineLine(data)}. Took ${fmt(data.durationS)} s.`, '');
  lines.push(`Each configuration in its own process with a fresh kinesalite process; ${data.results[0]?.repeats ?? 1} round(s), medians shown; ${data.setup.shards} shards; hand loop: ${data.setup.handLoop}. Producer: ${data.setup.producer}. Driver: ${data.setup.driver}. CPU: ${data.setup.cpu}. Heap: ${data.setup.heap}.`, '');
  lines.push(formatTable(data));
  lines.push('');
  for (const c of data.comparisons) {
    const size = c.recordBytes >= 1024 ? `${c.recordBytes / 1024} KB` : `${c.recordBytes} B`;
    lines.push(`- ${size}: CPU per record over the hand loop: ${Object.entries(c.cpuOverHandLoop).map(([name, ratio]) => `${name} ${fmt(ratio, 2)}×`).join('; ')} (targets: defaults ≤ 1.5× with aggregation off, ≤ 2× with it on).`);
  }
  const off = data.results.find((r) => r.mode === 'producer' && r.settings === 'defaults, aggregation off' && r.recordBytes === 100);
  if (off) lines.push(`- Requests under the default rate limit (100 B): ${fmt(off.recordsPerCall, 1)} records per PutRecords (target ≥ 400: ${verdict(off.recordsPerCall >= 400)}).`);
  const heaps = data.results.filter((r) => r.mode === 'producer' && r.heapBytesPerOutstandingRecord !== undefined);
  if (heaps.length) lines.push(`- Heap per outstanding 100 B record, fire and forget: ${heaps.map((r) => `${r.settings} ${fmt(r.heapBytesPerOutstandingRecord / 1024, 2)} KB`).join('; ')} (target ≤ 0.4 KB: ${verdict(heaps.every((r) => r.heapBytesPerOutstandingRecord <= 0.4 * 1024))}).`);
  lines.push('');
  return lines.join('\n');
}

/** `@aws-sdk/core, @aws-sdk/types, …` → `@aws-sdk/* (2)`, so the list stays readable. */
function groupPackages(packages) {
  const groups = new Map();
  for (const name of packages) {
    const key = name.startsWith('@') ? `${name.split('/')[0]}/*` : name;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => (key.endsWith('/*') ? `${key} (${n})` : key)).join(', ');
}

export function lintSection(data) {
  const lines = [];
  const w = data.whole;
  lines.push(`## Lint cost`, '');
  lines.push(`Machine: ${machineLine(data)}. ESLint ${data.eslint}. Took ${fmt(data.durationS)} s.`, '');
  lines.push(`Corpus: ${fmt(data.corpus.files, 0)} files, ${fmt(data.corpus.lines, 0)} lines of installed packages (${groupPackages(data.corpus.packages)}), built at run time. The ESLint class (\`lintText\`, one instance per config, as the CLI runs), ${data.setup.runs} runs; in each, every file is linted by the engines back to back in rotating order, in a single-threaded process with the garbage of each call collected and timed with it.`, '');
  lines.push('| Config | Median CPU ms | Median wall ms | Rule findings |');
  lines.push('|---|---:|---:|---:|');
  // Rule findings only: '(parser)' holds ESLint's notices that inline config comments are ignored (noInlineConfig).
  const count = (findings) => Object.entries(findings ?? {}).filter(([rule]) => rule !== '(parser)').reduce((sum, [, n]) => sum + n, 0);
  lines.push(`| \`js.configs.recommended\` | ${fmt(w.base.cpuMs.median, 0)} | ${fmt(w.base.wallMs.median, 0)} | ${fmt(count(data.findings.base), 0)} |`);
  if (w.control) lines.push(`| the same again (control) | ${fmt(w.control.cpuMs.median, 0)} | ${fmt(w.control.wallMs.median, 0)} | ${fmt(count(data.findings.control), 0)} |`);
  lines.push(`| + \`sleepless\` recommended | ${fmt(w.sleepless.cpuMs.median, 0)} | ${fmt(w.sleepless.wallMs.median, 0)} | ${fmt(count(data.findings.sleepless), 0)} (sleepless: ${data.sleeplessFindings.length}) |`);
  lines.push('');
  const o = data.overhead;
  const allRuns = o.allRunsCpuPercent ?? o.pairedCpuPercentMedian;
  lines.push(`- Added time: ${fmt(allRuns, 2)} % CPU${o.allRunsWallPercent !== undefined ? ` and ${fmt(o.allRunsWallPercent, 2)} % wall over all runs together` : ''}; per run: ${o.pairedCpuPercentPerRun.map((v) => `${fmt(v, 2)} %`).join(', ')} (median ${fmt(o.pairedCpuPercentMedian, 2)} %). Target ≤ 3 %: ${verdict(allRuns <= 3 && o.pairedCpuPercentMedian <= 3)}.`);
  if (o.controlCpuPercentPerRun) lines.push(`- The noise floor: the control (a second, identical base engine) against base: ${fmt(o.allRunsControlCpuPercent, 2)} % over all runs; per run ${o.controlCpuPercentPerRun.map((v) => `${fmt(v, 2)} %`).join(', ')}.`);
  const p = data.perRule;
  lines.push(`- Rules' own time (Linter stats, ${fmt(data.scaling.at(-1)?.lines, 0)} lines): sleepless ${fmt(p.sleeplessRulesMs, 0)} ms = ${fmt(p.sleeplessShareOfRulesPercent, 1)} % of all rule time (${fmt(p.allRulesMs, 0)} ms), ${fmt(p.sleeplessShareOfStatsRunPercent, 1)} % of the whole run (${fmt(p.statsRunWallMs, 0)} ms, parse ${fmt(p.parseMs, 0)} ms).`);
  lines.push('', '| Input | Files | Lines | sleepless rules ms | ms / 10k lines | all rules ms / 10k lines |', '|---|---:|---:|---:|---:|---:|');
  for (const row of data.scaling) lines.push(`| ${row.scale}× | ${fmt(row.files, 0)} | ${fmt(row.lines, 0)} | ${fmt(row.sleeplessRulesMs, 0)} | ${fmt(row.sleeplessMsPer10kLines, 1)} | ${fmt(row.allRulesMsPer10kLines, 1)} |`);
  for (const row of data.bigFiles ?? []) lines.push(`| one file: \`${row.file}\` | 1 | ${fmt(row.lines, 0)} | ${fmt(row.sleeplessRulesMs, 0)} | ${fmt(row.sleeplessMsPer10kLines, 1)} | ${fmt(row.allRulesMsPer10kLines, 1)} |`);
  const first = data.scaling[0];
  const last = data.scaling.at(-1);
  if (first && last) {
    const ratio = last.sleeplessMsPer10kLines / first.sleeplessMsPer10kLines;
    lines.push('', `- Linear growth: time per 10k lines at 4× is ${fmt(ratio, 2)}× that at 1× (1.0 = perfectly linear; below 1 is JIT warm-up and noise). ${verdict(ratio <= 1.25)}.`);
  }
  const byRule = {};
  for (const f of data.sleeplessFindings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  lines.push(`- sleepless findings in this code: ${data.sleeplessFindings.length ? Object.entries(byRule).map(([r, n]) => `${r} ${n}`).join(', ') : 'none'} (locations in lint.json).`);
  lines.push('');
  const ox = data.oxlint;
  if (ox) {
    lines.push(`### oxlint ${ox.oxlint}, the rules as a JS plugin`, '');
    lines.push(`Wall time of whole runs over the same ${fmt(ox.files, 0)} files (median of ${ox.runs}; min–max): \`${ox.command}\`.`, '');
    lines.push('| Run | Median wall ms | min–max |', '|---|---:|---:|');
    const row = (label, w) => `| ${label} | ${fmt(w.median, 0)} | ${fmt(w.min, 0)}–${fmt(w.max, 0)} |`;
    lines.push(row('oxlint alone', ox.wallMs.alone), row('oxlint + an empty JS plugin (the bridge)', ox.wallMs.bridge), row('oxlint + the sleepless rules', ox.wallMs.sleepless), row('ESLint CLI, the same three rules', ox.wallMs.eslint));
    lines.push('', `- The bridge adds ${fmt(ox.bridgeMs, 0)} ms; the rules ${fmt(ox.rulesOverBridgeMs, 0)} ms on top of it (target: no more than the bridge: ${verdict(ox.rulesOverBridgeMs <= ox.bridgeMs)}). ESLint with the same rules took ${fmt(ox.speedupOverEslint, 1)}× as long as oxlint; findings: ${ox.sleeplessFindings.oxlint} (oxlint), ${ox.sleeplessFindings.eslint} (ESLint).`, '');
  }
  return lines.join('\n');
}

export function buildSummary({ flush, throughput, lint }) {
  const parts = ['# Benchmark results', ''];
  parts.push(
    'Generated by `npm run bench` (bench/run.js). Benchmarks print figures; they assert nothing. Timings on a shared or loaded machine are noisy: compare ratios measured in the same run rather than absolute times across runs.',
    '',
  );
  if (flush) parts.push(flushSection(flush));
  if (throughput) parts.push(throughputSection(throughput));
  if (lint) parts.push(lintSection(lint));
  return `${parts.join('\n').trimEnd()}\n`;
}
