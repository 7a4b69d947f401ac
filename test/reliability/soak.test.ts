import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';
import { uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { formatSoak, runSoak, SOAK_LIMITS, type SoakReport } from './soak.js';

/**
 * The producer under faults, end to end. `npm test` puts SOAK_RECORDS (default 10,000) records, half with
 * aggregation and half without; `npm run soak` puts 100,000 or more (`-- --records N --seed N`).
 */
const RECORDS = Number(process.env.SOAK_RECORDS ?? 10_000);
const SEED = Number(process.env.SOAK_SEED ?? 6);

let server: KinesisTestServer;
const leaks: string[] = [];
const onRejection = (reason: unknown) => leaks.push(`unhandledRejection: ${String(reason)}`);
const onException = (error: Error) => leaks.push(`uncaughtException: ${error.message}`);
const onWarning = (warning: Error) => {
  if (warning.name === 'KinesisProducerWarning') leaks.push(`warning: ${warning.message}`);
};

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('warning', onWarning);
  server = await startKinesisServer();
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  process.off('warning', onWarning);
  await server?.close();
});

function expectSound(report: SoakReport): void {
  expect(report.unsettled, 'put() promises that never settled').toBe(0);
  expect(report.settledTwice, 'put() promises settled twice').toBe(0);
  expect(report.settled).toBe(report.records);
  expect(report.missing, 'resolved records missing from the stream').toBe(0);
  expect(report.wrongResult, 'resolved records whose shard/sequence number matches no stored copy').toBe(0);
  expect(report.delivered).toBe(report.resolved);
  expect(report.failuresWithoutCode).toBe(0);
  // With a 60 s TTL nothing expires unsent: every failure carries the attempts that led to it.
  expect(report.failuresWithoutAttempts).toBe(0);
  // Aggregates that landed on the wrong shard (droppedByKcl) are sent again by design; `missing` counts only copies a KCL delivers.
  expect(report.peakOutstandingBytes).toBeLessThanOrEqual(SOAK_LIMITS.maxOutstandingBytes);
  expect(report.flushesReturned).toBe(report.flushes);
  expect(report.closeReturned).toBe(true);
  expect(report.splitDone).toBe(true);
  // The faults really happened.
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(report.retries).toBeGreaterThan(0);
}

describe(`producer fault soak (${RECORDS} records, seed ${SEED})`, () => {
  const timeout = Math.max(120_000, RECORDS * 20);
  for (const aggregation of [true, false]) {
    it(`aggregation ${aggregation ? 'on' : 'off'}: every put settles once, every resolved record is in the stream`, async () => {
      const report = await runSoak(server, uniqueStream(aggregation ? 'soak-agg' : 'soak-raw'), {
        records: Math.ceil(RECORDS / 2),
        seed: SEED + (aggregation ? 1 : 0),
        aggregation,
        log: (line) => console.log(line),
      });
      console.log(formatSoak(report));
      expectSound(report);
      expect(leaks).toEqual([]);
    }, timeout);
  }
});
