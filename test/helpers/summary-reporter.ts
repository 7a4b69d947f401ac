import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the plain `N passed, N failed` line that CI reads, after vitest's own summary.
 * A test file that fails to load counts as one failure, so a broken import can never read as green.
 * With SLEEPLESS_SUMMARY_FILE set, the same line is written there for `.ci/run` to print last.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (mod.state() === 'failed' && tests === 0) failed++;
      else if (mod.errors().length > 0) failed += mod.errors().length;
    }
    // The last line is exactly `N passed, N failed` (what CI reads); skipped tests are said on the line before.
    const line = `${passed} passed, ${failed} failed`;
    process.stdout.write(`\n${skipped ? `(${skipped} skipped)\n` : ''}${line}\n`);
    const file = process.env.SLEEPLESS_SUMMARY_FILE;
    if (file) writeFileSync(file, `${line}\n`);
  }
}
