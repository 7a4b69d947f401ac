// Flush latency: how long until N records put are stored, three ways, against kinesalite in its own process.
//   (a) this producer: put() × N, then `await producer.flush()`            (first put → flush settled)
//   (b) the same producer drained by the KPL's flushSync() loop:
//       while (p.getOutstandingRecordsCount() > 0) { p.flush(); await sleep(500) }   (first put → loop exit)
//   (c) the floor: the same records as raw PutRecordsCommand calls, 500 a request, ≤ 24 in flight, same client setup.
// Each size gets a fresh kinesalite process and a fresh 4-shard stream; the methods take turns within every run so
// drift in the server or the machine hits all three alike. Writes bench/results/flush-latency.json.
// Run alone: node bench/flush.js [--quick]   (after npm run build)
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KinesisProducer } from '../dist/producer/index.js';
import { createStream, log, machineInfo, makeClient, makeRecords, parseArgs, percentile, round, sendRaw, startKinesalite, writeResult, resultHeader } from './common.js';

const RECORD_BYTES = 100;
const SHARDS = 4;
const CONCURRENCY = 24;
const KPL_SLEEP_MS = 500;

export const METHODS = {
  a: 'await producer.flush()',
  b: 'KPL loop: flush(); sleep(500) until 0 outstanding',
  c: 'raw PutRecords (floor)',
};

/**
 * `runs` rounds of (a), (b) and (c); then `extraPairs` more rounds of (a) and (c) alone where they are cheap, because
 * a/c compares two numbers of a few ms on a noisy machine and (b) costs 500 ms a run whatever the size.
 */
function plan(quick) {
  if (quick) return { sizes: [1, 10, 100, 1000], runs: { default: 3 }, extraPairs: { default: 0 }, warmups: 1 };
  return { sizes: [1, 10, 100, 1000, 10000], runs: { default: 20 }, extraPairs: { default: 80, 10000: 0 }, warmups: 2 };
}

function newProducer(client, streamName) {
  // rateLimit Infinity and aggregation off: no ListShards, no throttling, and the same PutRecords as (c).
  return new KinesisProducer({ streamName, client, rateLimit: Infinity, aggregation: { enabled: false }, maxConnections: CONCURRENCY });
}

/** put() × N; the per-record promises are collected so none is left unhandled. */
function putAll(producer, records) {
  const puts = new Array(records.length);
  for (let i = 0; i < records.length; i++) puts[i] = producer.put(records[i]);
  return puts;
}

async function checkAllDelivered(puts, label) {
  const results = await Promise.allSettled(puts);
  const failed = results.filter((result) => result.status === 'rejected');
  if (failed.length > 0) throw new Error(`${label}: ${failed.length} records failed: ${failed[0].reason?.message}`);
}

async function runA(producer, records) {
  const started = performance.now();
  const puts = putAll(producer, records);
  const report = await producer.flush();
  const ms = performance.now() - started;
  await checkAllDelivered(puts, '(a)');
  if (report.delivered !== records.length) throw new Error(`(a) flush reported ${report.delivered} delivered of ${records.length}`);
  return ms;
}

async function runB(producer, records) {
  const started = performance.now();
  const puts = putAll(producer, records);
  // The KPL's flushSync(), on purpose: this is the pattern being measured.
  while (producer.getOutstandingRecordsCount() > 0) {
    void producer.flush();
    await sleep(KPL_SLEEP_MS);
  }
  const ms = performance.now() - started;
  await checkAllDelivered(puts, '(b)');
  return ms;
}

async function runC(client, streamName, records) {
  const started = performance.now();
  const { failed } = await sendRaw(client, streamName, records, { batchSize: 500, concurrency: CONCURRENCY, PutRecordsCommand });
  const ms = performance.now() - started;
  if (failed > 0) throw new Error(`(c) ${failed} records failed`);
  return ms;
}

export async function runFlushBenchmark({ quick = false } = {}) {
  const { sizes, runs, extraPairs, warmups } = plan(quick);
  const startedAt = new Date();
  const machine = machineInfo();
  const results = [];
  for (const size of sizes) {
    const runCount = runs[size] ?? runs.default;
    const pairCount = extraPairs[size] ?? extraPairs.default;
    const server = await startKinesalite();
    const admin = makeClient(server.endpoint);
    const producerClient = makeClient(server.endpoint, CONCURRENCY);
    const rawClient = makeClient(server.endpoint, CONCURRENCY);
    const streamName = `flush-${size}`;
    const producer = newProducer(producerClient, streamName);
    try {
      await createStream(admin, streamName, SHARDS);
      // Warm up both clients, the JIT and the fresh server at this size (not recorded).
      for (let w = 0; w < warmups; w++) {
        const warm = makeRecords(Math.min(size, 1000), RECORD_BYTES, `warm${w}`);
        await runA(producer, warm);
        await runC(rawClient, streamName, warm);
      }
      const samples = { a: [], b: [], c: [] };
      const runner = { a: (r) => runA(producer, r), b: (r) => runB(producer, r), c: (r) => runC(rawClient, streamName, r) };
      const orders = [['a', 'b', 'c'], ['c', 'a', 'b'], ['b', 'c', 'a'], ['a', 'c', 'b'], ['c', 'b', 'a'], ['b', 'a', 'c']];
      for (let run = 0; run < runCount; run++) {
        for (const method of orders[run % orders.length]) {
          const records = makeRecords(size, RECORD_BYTES, `${method}${run}`);
          samples[method].push(await runner[method](records));
        }
      }
      for (let pair = 0; pair < pairCount; pair++) {
        for (const method of pair % 2 === 0 ? ['a', 'c'] : ['c', 'a']) {
          const records = makeRecords(size, RECORD_BYTES, `${method}p${pair}`);
          samples[method].push(await runner[method](records));
        }
      }
      const stats = Object.fromEntries(
        Object.entries(samples).map(([method, values]) => [method, { p50: round(percentile(values, 0.5)), p95: round(percentile(values, 0.95)), min: round(Math.min(...values)), max: round(Math.max(...values)) }]),
      );
      const row = {
        records: size,
        runs: runCount,
        runsAC: runCount + pairCount,
        stats,
        ratios: {
          aOverC_p50: round(stats.a.p50 / stats.c.p50, 3),
          aOverC_p95: round(stats.a.p95 / stats.c.p95, 3),
          bOverA_p50: round(stats.b.p50 / stats.a.p50, 1),
          bOverA_p95: round(stats.b.p95 / stats.a.p95, 1),
        },
        putRecordsCallsPerFlush: Math.ceil(size / 500),
        samplesMs: Object.fromEntries(Object.entries(samples).map(([method, values]) => [method, values.map((v) => round(v, 3))])),
        producerPutRecordsLatencyMs: producer.metrics().putRecordsLatencyMs,
        server: await server.stats(),
      };
      delete row.server.type;
      results.push(row);
      log(
        `flush ${String(size).padStart(5)} records × ${runCount} (a, c × ${runCount + pairCount}): (a) p50 ${stats.a.p50} p95 ${stats.a.p95} ms | (b) p50 ${stats.b.p50} p95 ${stats.b.p95} ms | (c) p50 ${stats.c.p50} p95 ${stats.c.p95} ms | a/c ${row.ratios.aOverC_p50} b/a ${row.ratios.bOverA_p50}`,
      );
    } finally {
      await producer.close();
      for (const client of [admin, producerClient, rawClient]) client.destroy();
      await server.close();
    }
  }
  const data = {
    ...resultHeader('flush-latency', startedAt, quick, machine),
    setup: {
      recordBytes: RECORD_BYTES,
      shards: SHARDS,
      concurrency: CONCURRENCY,
      kplSleepMs: KPL_SLEEP_MS,
      server: 'kinesalite 3.3.3 in memory, in its own process (bench/kinesalite-server.js), fresh process and stream per size',
      client: 'KinesisClient, NodeHttpHandler with a keep-alive http.Agent (maxSockets 24), maxAttempts 1; a separate identical client for (a)/(b) and for (c)',
      producer: { rateLimit: 'Infinity', aggregation: false, maxConnections: CONCURRENCY },
      methods: METHODS,
      timing: 'performance.now() from the first put() (or the first batch built) until every record is stored; methods take turns in a rotating order within each run',
      runs: 'runs rounds of (a), (b), (c); then extra rounds of (a) and (c) alone (alternating) up to runsAC samples for sizes where they are cheap',
    },
    results,
  };
  writeResult('flush-latency', data);
  return data;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { quick } = parseArgs();
  runFlushBenchmark({ quick }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
