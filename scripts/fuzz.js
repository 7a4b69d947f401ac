#!/usr/bin/env node
// Long fuzz run of the rules: random waiting programs through every rule with fixes and suggestions applied.
//   npm run fuzz -- --runs 5000 --seed 42 [--shrink]
// Runs test/reliability/fuzz.test.ts under vitest (which compiles the TypeScript generator) with FUZZ_RUNS and
// FUZZ_SEED; it prints the counts and, on failure, the counterexample program and its fixed output.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const runs = Number(value('runs', '5000'));
const seed = Number(value('seed', String(Date.now() % 1_000_000_007)));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed N] [--shrink]');
  process.exit(2);
}
console.log(`fuzz: ${runs} programs, seed ${seed}`);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/reliability/fuzz.test.ts', '--reporter=default'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_SHRINK: args.includes('--shrink') ? '1' : '0' },
});
process.exit(result.status ?? 1);
