import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProgram, emptyStats, formatStats } from '../helpers/fuzz-check.js';
import { programArb } from '../helpers/fuzz-programs.js';

/**
 * Random waiting programs through every rule, with fixes and suggestions applied: no rule throws, every output
 * parses, no fix moves an `else`, and a second fix pass changes nothing. `npm run fuzz -- --runs 5000 --seed N`
 * runs the same property longer (FUZZ_RUNS / FUZZ_SEED).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);

describe('fuzzing the rules', () => {
  it(`${RUNS} random programs (seed ${SEED}): no exception, fixed outputs parse, fixes are stable`, () => {
    const stats = emptyStats();
    const result = fc.check(fc.property(programArb, (program) => checkProgram(program, stats)), { numRuns: RUNS, seed: SEED, endOnFailure: process.env.FUZZ_SHRINK !== '1' });
    console.log(`fuzz (seed ${SEED}): ${formatStats(stats)}`);
    if (result.failed) {
      console.log(`counterexample after ${result.numRuns} runs (seed ${SEED}, path ${result.counterexamplePath ?? '-'}):\n${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}`);
    }
    expect(result.failed, result.failed ? String((result.errorInstance as Error | undefined)?.message) : '').toBe(false);
    // The generator must reach the interesting paths, or the property proves little.
    if (RUNS >= 100) {
      expect(stats.programsWithReports).toBeGreaterThan(RUNS / 5);
      expect(stats.fixedPrograms + stats.suggestions).toBeGreaterThan(0);
    }
  }, Math.max(60_000, RUNS * 200));
});
