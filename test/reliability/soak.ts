import { KinesisProducer, type ProducerError, type ProducerMetrics, type PutResult } from '../../src/producer/index.js';
import type { Fault, KinesisTestServer } from '../helpers/kinesis-server.js';

/**
 * A fault soak of the producer: many records through the fault-injecting proxy in front of kinesalite (per-record
 * throttling and internal failures, 500s, 400 throttles, dropped connections, responses slower than requestTimeout,
 * a shard split half-way), then the stream is read back and matched record by record with the put() outcomes.
 */
export interface SoakOptions {
  records: number;
  seed: number;
  aggregation: boolean;
  shards?: number;
  /** Probability that a PutRecords request meets a fault. */
  faultRate?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  phase: string;
  records: number;
  settled: number;
  /** put() promises that settled more than once (must be 0). */
  settledTwice: number;
  unsettled: number;
  resolved: number;
  rejected: number;
  failuresByCode: Record<string, number>;
  /** Failures without a stable code (must be 0). */
  failuresWithoutCode: number;
  /** Failures that carry no attempt (a record that expired before it was ever sent). */
  failuresWithoutAttempts: number;
  maxAttemptsOfFailure: number;
  /** Resolved records found in the stream (must equal resolved). */
  delivered: number;
  /** Resolved records missing from the stream (must be 0). */
  missing: number;
  /** Resolved records whose reported shard/sequence number matches no stored copy (must be 0). */
  wrongResult: number;
  /** Extra copies in the stream (at least once: allowed, reported). */
  duplicates: number;
  /** Rejected records that were stored anyway (a timed-out attempt that landed). */
  storedButRejected: number;
  /** Aggregated records a KCL would drop (sub-records outside the shard's range). */
  droppedByKcl: number;
  rawKinesisRecords: number;
  faults: Record<string, number>;
  putRecordsRequests: number;
  peakOutstandingBytes: number;
  maxOutstandingBytes: number;
  peakOutstandingRecords: number;
  flushes: number;
  flushesReturned: number;
  closeReturned: boolean;
  retries: number;
  splitDone: boolean;
  ms: number;
  metrics: ProducerMetrics;
}

/** mulberry32: a small seeded PRNG, so a soak can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Well above kinesalite's own latency (about 1 ms per record, so ~0.5 s for a full PutRecords under load): a
// requestTimeout below the service latency makes every attempt time out after storing a copy (see the report).
const REQUEST_TIMEOUT = 2000;
export const SOAK_LIMITS = { maxOutstandingBytes: 1_000_000, maxRecordSize: 65_536 };

interface Tracked {
  id: string;
  settledCount: number;
  result?: PutResult;
  error?: ProducerError;
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runSoak(server: KinesisTestServer, streamName: string, options: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const random = prng(options.seed);
  const faultRate = options.faultRate ?? 0.3;
  const log = options.log ?? (() => {});
  const phase = options.aggregation ? 'aggregation on' : 'aggregation off';
  await server.createStream(streamName, options.shards ?? 4);

  const faults: Record<string, number> = {};
  const count = (kind: string) => (faults[kind] = (faults[kind] ?? 0) + 1);
  const requestsBefore = server.putRecordsRequests;
  server.setFault(({ body }) => {
    if (body.StreamName !== streamName || random() >= faultRate) return undefined;
    const roll = random();
    let fault: Fault;
    if (roll < 0.35) {
      // Per-record throttling (or an internal failure) of a random subset; the rest are stored.
      const indices = body.Records.map((_, i) => i).filter(() => random() < 0.3);
      // Mostly throttling, some internal failures (both retried), and now and then a non-retryable refusal.
      const kind = random();
      const errorCode = kind < 0.75 ? 'ProvisionedThroughputExceededException' : kind < 0.95 ? 'InternalFailure' : 'KMSAccessDeniedException';
      fault = { kind: 'fail-records', indices, errorCode };
      count(`per-record ${errorCode}`);
    } else if (roll < 0.55) {
      fault = { kind: 'error', status: 500, type: 'InternalFailure' };
      count('500 InternalFailure');
    } else if (roll < 0.65) {
      fault = { kind: 'error', status: 400, type: 'ProvisionedThroughputExceededException' };
      count('400 ProvisionedThroughputExceededException');
    } else if (roll < 0.65 + 0.15) {
      fault = { kind: 'drop' };
      count('dropped connection');
    } else if (roll < 0.95) {
      // Stored, but the answer comes after requestTimeout: the producer retries, and the stream may hold two copies.
      fault = { kind: 'delay', ms: REQUEST_TIMEOUT + 150 };
      count('response slower than requestTimeout (stored)');
    } else {
      fault = { kind: 'stall' };
      count('no response (stall)');
    }
    return fault;
  });

  const producer = new KinesisProducer({
    streamName,
    client: server.client(),
    aggregation: { enabled: options.aggregation, maxSize: 16_384 },
    // Small requests, so that even the short run meets dozens of faults (and the aggregated phase as many as the other).
    collectionMaxCount: options.aggregation ? 25 : 100,
    // kinesalite stores records one at a time on one thread: 24 requests of 100 records in flight take longer than
    // requestTimeout, every attempt then times out after storing a copy, and records expire (congestion collapse).
    maxConnections: 4,
    requestTimeout: REQUEST_TIMEOUT,
    recordTtl: 60_000,
    retry: { baseDelay: 10, maxDelay: 200 },
    shardMapRefresh: { minDelay: 50, maxDelay: 500 },
    maxOutstandingBytes: SOAK_LIMITS.maxOutstandingBytes,
    maxRecordSize: SOAK_LIMITS.maxRecordSize,
    onFull: 'wait',
  });

  const tracked: Tracked[] = [];
  // A progress line every 5 s, so a stall shows where it is.
  const progress = setInterval(() => {
    const m = producer.metrics();
    log(`  ${phase}: t=${Math.round((performance.now() - started) / 1000)} s put ${tracked.length} settled ${m.recordsDelivered + m.recordsFailed} outstanding ${m.outstandingRecords} waiting ${m.waitingRecords} buffered ${m.bufferedRecords} inFlight ${m.inFlightRequests} requests ${m.putRecordsCalls} retries ${m.recordsRetried}`);
  }, 5000);
  progress.unref();
  const settlements: Promise<void>[] = [];
  const flushes: Promise<unknown>[] = [];
  let flushesReturned = 0;
  const runId = `${options.seed}-${options.aggregation ? 'a' : 'r'}`;
  const pad = 'x'.repeat(400);
  let splitPromise: Promise<void> | undefined;
  let splitDone = false;
  const batch = 2000;

  for (let i = 0; i < options.records; i++) {
    const id = `${runId}-${i}`;
    const entry: Tracked = { id, settledCount: 0 };
    tracked.push(entry);
    const data = JSON.stringify({ id, pad: pad.slice(0, Math.floor(random() * 400)) });
    // Explicit hash keys for some records, so routing by EHK is exercised next to MD5 routing.
    const explicitHashKey = random() < 0.1 ? (BigInt(Math.floor(random() * 2 ** 52)) * (1n << 76n)).toString() : undefined;
    const promise = producer.put({ partitionKey: `pk-${Math.floor(random() * 1e9)}`, data, ...(explicitHashKey ? { explicitHashKey } : {}) });
    settlements.push(
      promise.then(
        (result) => {
          entry.settledCount++;
          entry.result = result;
        },
        (error: ProducerError) => {
          entry.settledCount++;
          entry.error = error;
        },
      ),
    );
    if (i === Math.floor(options.records / 2)) {
      log(`  ${phase}: splitting shardId-000000000000 at record ${i}`);
      splitPromise = server.splitShard(streamName, 'shardId-000000000000').then(() => {
        splitDone = true;
      });
    }
    if ((i + 1) % batch === 0) {
      const flush = producer.flush().then(() => {
        flushesReturned++;
      });
      flushes.push(flush);
      // Await every other flush: puts go on while the other flushes are pending.
      if (((i + 1) / batch) % 2 === 0) await withDeadline(flush, 120_000, 'flush()');
      if ((i + 1) % 10_000 === 0) log(`  ${phase}: ${i + 1}/${options.records} put, ${producer.getOutstandingRecordsCount()} outstanding, ${server.putRecordsRequests - requestsBefore} requests`);
    }
  }
  const lastFlush = producer.flush().then(() => {
    flushesReturned++;
  });
  flushes.push(lastFlush);
  await withDeadline(Promise.all(flushes), 180_000, 'every flush()');
  await splitPromise;
  let closeReturned = false;
  await withDeadline(producer.close().then(() => (closeReturned = true)), 120_000, 'close()');
  await withDeadline(Promise.all(settlements), 60_000, 'every put() settlement');
  // Give any second settlement a chance to show before counting.
  await new Promise((resolve) => setImmediate(resolve));
  clearInterval(progress);
  const metrics = producer.metrics();
  server.setFault(undefined);

  log(`  ${phase}: reading the stream back`);
  const read = await server.readUserRecords(streamName);
  const copies = new Map<string, { shardId: string; sequenceNumber: string; subSequenceNumber: number | undefined }[]>();
  for (const record of read.records) {
    let id: string;
    try {
      id = (JSON.parse(record.data.toString('utf8')) as { id: string }).id;
    } catch {
      id = `unparseable:${record.sequenceNumber}`;
    }
    const list = copies.get(id) ?? [];
    list.push({ shardId: record.shardId, sequenceNumber: record.sequenceNumber, subSequenceNumber: record.subSequenceNumber });
    copies.set(id, list);
  }

  const report: SoakReport = {
    phase,
    records: options.records,
    settled: 0,
    settledTwice: 0,
    unsettled: 0,
    resolved: 0,
    rejected: 0,
    failuresByCode: {},
    failuresWithoutCode: 0,
    failuresWithoutAttempts: 0,
    maxAttemptsOfFailure: 0,
    delivered: 0,
    missing: 0,
    wrongResult: 0,
    duplicates: 0,
    storedButRejected: 0,
    droppedByKcl: read.dropped.length,
    rawKinesisRecords: read.raw.length,
    faults,
    putRecordsRequests: server.putRecordsRequests - requestsBefore,
    peakOutstandingBytes: metrics.peakOutstandingBytes,
    maxOutstandingBytes: SOAK_LIMITS.maxOutstandingBytes,
    peakOutstandingRecords: metrics.peakOutstandingRecords,
    flushes: flushes.length,
    flushesReturned,
    closeReturned,
    retries: metrics.recordsRetried,
    splitDone,
    ms: 0,
    metrics,
  };
  for (const entry of tracked) {
    if (entry.settledCount === 0) report.unsettled++;
    else report.settled++;
    if (entry.settledCount > 1) report.settledTwice++;
    const found = copies.get(entry.id) ?? [];
    if (found.length > 1) report.duplicates += found.length - 1;
    if (entry.result) {
      report.resolved++;
      if (found.length === 0) report.missing++;
      else report.delivered++;
      const r = entry.result;
      if (!found.some((c) => c.shardId === r.shardId && c.sequenceNumber === r.sequenceNumber && c.subSequenceNumber === r.subSequenceNumber)) report.wrongResult++;
    } else if (entry.error) {
      report.rejected++;
      const code = entry.error.code ?? 'none';
      report.failuresByCode[code] = (report.failuresByCode[code] ?? 0) + 1;
      if (!entry.error.code) report.failuresWithoutCode++;
      if (entry.error.attempts.length === 0) report.failuresWithoutAttempts++;
      report.maxAttemptsOfFailure = Math.max(report.maxAttemptsOfFailure, entry.error.attempts.length);
      if (found.length > 0) report.storedButRejected++;
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

export function formatSoak(r: SoakReport): string {
  const faults = Object.entries(r.faults).map(([k, n]) => `${k} ${n}`).join(', ');
  const failures = Object.entries(r.failuresByCode).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `soak, ${r.phase}: ${r.records} records in ${(r.ms / 1000).toFixed(1)} s`,
    `  settled ${r.settled}/${r.records} (twice: ${r.settledTwice}, never: ${r.unsettled}); resolved ${r.resolved}, rejected ${r.rejected} (${failures}; max attempts of a failure ${r.maxAttemptsOfFailure}; without code ${r.failuresWithoutCode}, without attempts ${r.failuresWithoutAttempts})`,
    `  read back: ${r.delivered}/${r.resolved} resolved records found, missing ${r.missing}, result not matching a stored copy ${r.wrongResult}, duplicates ${r.duplicates}, rejected but stored ${r.storedButRejected}; ${r.rawKinesisRecords} Kinesis records, ${r.droppedByKcl} a KCL would drop`,
    `  ${r.putRecordsRequests} PutRecords requests, ${r.retries} record retries; faults: ${faults}`,
    `  peak outstanding ${r.peakOutstandingBytes} bytes (bound ${r.maxOutstandingBytes}), ${r.peakOutstandingRecords} records; flushes returned ${r.flushesReturned}/${r.flushes}; close returned ${r.closeReturned}; shard split done ${r.splitDone}`,
    `  PutRecords latency ms p50 ${r.metrics.putRecordsLatencyMs.p50} p99 ${r.metrics.putRecordsLatencyMs.p99} max ${r.metrics.putRecordsLatencyMs.max}; aggregated records sent ${r.metrics.aggregatedRecordsSent}; shard map refreshes ${r.metrics.shardMapRefreshes}`,
  ].join('\n');
}
