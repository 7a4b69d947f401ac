import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, lintCorpus, listCorpus, sample } from './corpus.js';

/**
 * Every rule over the code in the installed node_modules: hundreds of thousands of lines in every syntax, found at
 * run time (nothing is copied into the repository). A rule that throws on any of it fails this test.
 *
 * `npm test` lints a deterministic sample (every SAMPLE_STEP-th file sorted by path); `npm run test:node-modules`
 * (RELIABILITY_FULL=1) lints everything. RELIABILITY_STEP=n picks another sample.
 */
const FULL = process.env.RELIABILITY_FULL === '1';
const SAMPLE_STEP = Number(process.env.RELIABILITY_STEP ?? 5);
const root = join(import.meta.dirname, '..', '..', 'node_modules');

describe('linting node_modules', () => {
  it(
    `throws no rule exception on ${FULL ? 'every file' : `every ${SAMPLE_STEP}th file`}`,
    () => {
      const { files, skipped } = listCorpus(root);
      expect(files.length).toBeGreaterThan(1000);
      const chosen = FULL ? files : sample(files, SAMPLE_STEP);
      const report = lintCorpus(chosen, skipped, FULL ? (done) => process.stdout.write(`\r  ${done}/${chosen.length} files`) : undefined);
      console.log(formatReport(report, FULL ? 'node_modules (full)' : `node_modules (every ${SAMPLE_STEP}th of ${files.length} files)`));
      expect(report.lines).toBeGreaterThan(FULL ? 300_000 : 30_000);
      expect(report.crashes.map((c) => `${c.file}: ${c.error}`)).toEqual([]);
    },
    FULL ? 1_800_000 : 120_000,
  );
});
