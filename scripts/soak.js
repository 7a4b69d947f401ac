#!/usr/bin/env node
// Fault soak of the producer against kinesalite behind the fault-injecting proxy, then a read-back of the stream.
//   npm run soak -- [--records 100000] [--seed 6]
// Half the records go through a producer with aggregation on, half with it off. Runs
// test/reliability/soak.test.ts under vitest (which compiles the TypeScript) with SOAK_RECORDS and SOAK_SEED, and
// prints, per phase: puts settled (each exactly once), records found on read-back, duplicates, failures by code and
// attempts, peak outstanding bytes against maxOutstandingBytes, and whether every flush() and close() returned.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const records = Number(value('records', '100000'));
const seed = Number(value('seed', '6'));
if (!Number.isInteger(records) || records < 2 || !Number.isInteger(seed)) {
  console.error('usage: npm run soak -- [--records N] [--seed N]');
  process.exit(2);
}
console.log(`soak: ${records} records (half aggregated), seed ${seed}`);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/reliability/soak.test.ts', '--reporter=default'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SOAK_RECORDS: String(records), SOAK_SEED: String(seed) },
});
process.exit(result.status ?? 1);
