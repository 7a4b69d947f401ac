// Runs the benchmarks and writes bench/results/: <part>.json, summary.md and flush-latency.svg.
//   npm run bench                      everything (builds first)
//   node bench/run.js flush|throughput|lint [...]   some parts only (summary.md keeps the other parts' last results)
//   node bench/run.js --quick          fewer runs and sizes: a smoke run, not figures to quote (bench/results/quick/)
//   node bench/run.js --report         only rebuild summary.md and the SVG from the JSON files (with --quick: quick/)
// Each part runs in its own child process; kinesalite runs in further child processes of its own.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderFlushChart } from './chart.js';
import { BENCH_DIR, machineInfo, readResult, resultsDir } from './common.js';
import { buildSummary } from './summary.js';

const PARTS = { flush: 'flush.js', throughput: 'throughput.js', lint: 'lint.js' };

function runPart(part, quick) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(BENCH_DIR, PARTS[part]), ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      console.error(`[bench] ${part} ${code === 0 ? 'done' : `FAILED (${signal ?? code})`} in ${Math.round((Date.now() - started) / 1000)} s`);
      resolve(code === 0);
    });
  });
}

export function writeReport(quick = false) {
  const dir = resultsDir(quick);
  mkdirSync(dir, { recursive: true });
  const flush = readResult('flush-latency', quick);
  const throughput = readResult('throughput', quick);
  const lint = readResult('lint', quick);
  if (flush) writeFileSync(path.join(dir, 'flush-latency.svg'), renderFlushChart(flush));
  const summary = buildSummary({ flush, throughput, lint });
  writeFileSync(path.join(dir, 'summary.md'), summary);
  return summary;
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const unknown = args.filter((arg) => arg.startsWith('--') && !['--quick', '--report'].includes(arg));
  const parts = args.filter((arg) => !arg.startsWith('--'));
  const bad = parts.filter((part) => !(part in PARTS));
  if (unknown.length || bad.length) {
    console.error(`usage: node bench/run.js [flush] [throughput] [lint] [--quick] [--report]\nunknown: ${[...unknown, ...bad].join(' ')}`);
    process.exitCode = 2;
    return;
  }
  let ok = true;
  if (!args.includes('--report')) {
    const m = machineInfo();
    console.error(`[bench] ${m.cores} × ${m.cpuModel}, Node ${m.node}, load ${m.loadAverage.join(' / ')}${quick ? ', quick mode' : ''}`);
    for (const part of parts.length ? parts : Object.keys(PARTS)) ok = (await runPart(part, quick)) && ok;
  }
  process.stdout.write(writeReport(quick));
  console.error(`[bench] wrote ${path.relative(process.cwd(), resultsDir(quick))}/summary.md and flush-latency.svg`);
  if (!ok) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
