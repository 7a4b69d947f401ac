// Producer throughput, CPU and memory against raw SDK batches, against kinesalite in its own process.
// Full mode runs 3 rounds over all configurations and reports medians (one run is ±15 % on a shared machine).
// Every configuration runs in its own child process (this file with --worker), with a fresh kinesalite process,
// so neither RSS nor CPU time is shared between configurations or with the server.
//   producer: put() as fast as the producer admits records (the driver waits, on settlement events, whenever
//             getOutstandingRecordsCount() reaches the limit maxOutstandingBytes allows), then await flush().
//   raw:      bare PutRecordsCommand calls, 500 records a request, 24 in flight, same client setup.
// Writes bench/results/throughput.json.   Run alone: node bench/throughput.js [--quick]   (after npm run build)
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createStream, log, machineInfo, makeClient, median, parseArgs, round, sendRaw, startKinesalite, writeResult, resultHeader } from './common.js';

const SHARDS = 4;
const CONCURRENCY = 24;
const MAX_OUTSTANDING_BYTES = 32 * 1024 * 1024;
const MAX_OUTSTANDING_RECORDS = 100_000; // the producer's default, stated so the bound below is explicit
const SAMPLE_MS = 10;
/** Rounds over all configurations (full mode); figures are medians over rounds. */
const REPEATS = 3;
// kinesalite stores one PutRecords at a time per stream, so with 24 in flight a request can queue for seconds on a
// loaded machine; the default 6 s requestTimeout then aborts and resends requests the server may already have
// stored (the raw SDK has no timeout). A timeout that never fires keeps both sides doing the same work.
const REQUEST_TIMEOUT_MS = 120_000;

function plan(quick) {
  // 200,000 × 5 KB makes the in-memory kinesalite hold about 1.3 GB of base64: its process gets an 8 GiB heap
  // (startKinesalite below), and each 5 KB configuration takes a few minutes on 2 cores.
  const sizes = quick
    ? [
        { recordBytes: 100, records: 20_000 },
        { recordBytes: 5 * 1024, records: 5_000 },
      ]
    : [
        { recordBytes: 100, records: 200_000 },
        { recordBytes: 5 * 1024, records: 200_000 },
      ];
  const configs = [];
  for (const size of sizes) {
    configs.push({ ...size, mode: 'raw', aggregation: false });
    configs.push({ ...size, mode: 'producer', aggregation: false });
    configs.push({ ...size, mode: 'producer', aggregation: true });
  }
  return configs;
}

export const configName = (c) => `${c.mode}${c.mode === 'producer' ? (c.aggregation ? ' aggregation on' : ' aggregation off') : ' SDK'} ${c.recordBytes >= 1024 ? `${c.recordBytes / 1024} KB` : `${c.recordBytes} B`}`;

// ---------------------------------------------------------------- worker (one configuration, own process)

async function worker(config) {
  const { KinesisProducer } = await import('../dist/producer/index.js');
  const { endpoint, streamName, recordBytes, records, mode, aggregation } = config;
  const client = makeClient(endpoint, CONCURRENCY);
  const data = Buffer.alloc(recordBytes, 120);
  const recordAt = (prefix) => (i) => ({ partitionKey: `${prefix}-${i}`, data });

  let producer;
  if (mode === 'producer') {
    producer = new KinesisProducer({
      streamName,
      client,
      rateLimit: Infinity,
      aggregation: { enabled: aggregation },
      maxConnections: CONCURRENCY,
      maxOutstandingBytes: MAX_OUTSTANDING_BYTES,
      maxOutstandingRecords: MAX_OUTSTANDING_RECORDS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      recordTtl: 2 * REQUEST_TIMEOUT_MS,
    });
  }
  const recordSize = `r-0`.length + recordBytes; // what the producer counts: key bytes + data bytes (keys grow to 8 chars)
  const cap = Math.min(MAX_OUTSTANDING_RECORDS, Math.floor(MAX_OUTSTANDING_BYTES / (recordSize + 5)));

  /** Puts `count` records as fast as the producer admits them; waits on settlement events, never on a timer. */
  const produce = async (count, prefix) => {
    const at = recordAt(prefix);
    let failed = 0;
    let firstError;
    let wake;
    const onSettled = () => {
      if (wake) {
        const resolve = wake;
        wake = undefined;
        resolve();
      }
    };
    const onFailed = (error) => {
      failed++;
      firstError ??= error;
      onSettled();
    };
    for (let i = 0; i < count; i++) {
      while (producer.getOutstandingRecordsCount() >= cap) await new Promise((resolve) => (wake = resolve));
      producer.put(at(i)).then(onSettled, onFailed);
    }
    const report = await producer.flush();
    if (failed > 0 || report.failed > 0) throw new Error(`${failed} records failed: ${firstError?.message}`);
  };
  const sendAll = async (count, prefix) => {
    const { failed } = await sendRaw(client, streamName, { length: count, at: recordAt(prefix) }, { batchSize: 500, concurrency: CONCURRENCY, PutRecordsCommand });
    if (failed > 0) throw new Error(`${failed} records failed`);
  };
  const run = mode === 'producer' ? produce : sendAll;

  // Warm-up: sockets, JIT, the shard map when aggregating (not measured).
  await run(Math.min(records, recordBytes > 1024 ? 1_000 : 5_000), 'w');
  const callsBefore = producer?.metrics().putRecordsCalls ?? 0;
  const kinesisRecordsBefore = producer?.metrics().kinesisRecordsSent ?? 0;
  globalThis.gc?.();
  const baselineRss = process.memoryUsage.rss();
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }, SAMPLE_MS);

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await run(records, 'r');
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());

  const metrics = producer?.metrics();
  const result = {
    elapsedMs: round(elapsedMs, 1),
    recordsPerSecond: Math.round(records / (elapsedMs / 1000)),
    cpuMicrosPerRecord: round((cpu.user + cpu.system) / records, 2),
    cpuUserMs: round(cpu.user / 1000, 1),
    cpuSystemMs: round(cpu.system / 1000, 1),
    baselineRssMiB: round(baselineRss / 2 ** 20, 1),
    peakRssMiB: round(peakRss / 2 ** 20, 1),
    peakRssAboveBaselineMiB: round((peakRss - baselineRss) / 2 ** 20, 1),
    maxRssMiB: round((process.resourceUsage().maxRSS * 1024) / 2 ** 20, 1), // kernel high-water mark, whole process life
    putRecordsCalls: producer ? metrics.putRecordsCalls - callsBefore : Math.ceil(records / 500),
    kinesisRecordsSent: producer ? metrics.kinesisRecordsSent - kinesisRecordsBefore : records,
  };
  if (producer) {
    result.peakOutstandingBytesMiB = round(metrics.peakOutstandingBytes / 2 ** 20, 1);
    result.peakOutstandingRecords = metrics.peakOutstandingRecords;
    result.putRecordsLatencyMs = metrics.putRecordsLatencyMs;
    result.recordsRetried = metrics.recordsRetried;
    result.driverOutstandingCap = cap;
    await producer.close();
  }
  client.destroy();
  return result;
}

// ---------------------------------------------------------------- orchestrator

function runWorker(config) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--worker', JSON.stringify(config)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (message) => {
      if (message?.type === 'result') result = message.result;
      if (message?.type === 'error') reject(new Error(`${configName(config)}: ${message.message}`));
    });
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${configName(config)}: worker exited with ${code}`))));
  });
}

/** One configuration: a fresh kinesalite process and stream, then the worker process. */
async function measure(config, streamName) {
  // A fresh in-memory kinesalite per configuration: it keeps every record, so its memory must not carry over.
  const server = await startKinesalite({ maxOldSpaceMiB: 8192 });
  const admin = makeClient(server.endpoint);
  try {
    await createStream(admin, streamName, SHARDS);
    const measured = await runWorker({ ...config, endpoint: server.endpoint, streamName });
    const serverStats = await server.stats();
    return { ...measured, server: { peakRssMiB: round(serverStats.peakRss / 2 ** 20, 1), cpuMs: round((serverStats.cpuUserMicros + serverStats.cpuSystemMicros) / 1000, 0) } };
  } finally {
    admin.destroy();
    await server.close();
  }
}

export async function runThroughputBenchmark({ quick = false } = {}) {
  const startedAt = new Date();
  const machine = machineInfo();
  const configs = plan(quick);
  const repeats = quick ? 1 : REPEATS;
  const samples = configs.map(() => []);
  // Rounds of every configuration in turn, so a noisy stretch of a shared machine hits each of them once at most.
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [index, config] of configs.entries()) {
      const sample = await measure(config, `throughput-${index}-${repeat}`);
      samples[index].push(sample);
      log(
        `throughput ${repeat + 1}/${repeats} ${configName(config).padEnd(30)} ${String(config.records).padStart(7)} records: ${String(sample.recordsPerSecond).padStart(6)} rec/s, ${sample.cpuMicrosPerRecord} µs CPU/record, peak RSS ${sample.peakRssMiB} MiB (+${sample.peakRssAboveBaselineMiB}), ${sample.putRecordsCalls} PutRecords${sample.recordsRetried ? `, ${sample.recordsRetried} records retried` : ''}; server peak RSS ${sample.server.peakRssMiB} MiB`,
      );
    }
  }
  // Per configuration: the median run by records/s (its other figures come with it), the worst peak RSS of any run.
  const results = configs.map((config, index) => {
    const runs = samples[index];
    const byRate = [...runs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond);
    const typical = byRate[(byRate.length - 1) >> 1];
    const worstRss = runs.reduce((w, r) => (r.peakRssMiB > w.peakRssMiB ? r : w));
    return {
      name: configName(config),
      ...config,
      ...typical,
      recordsPerSecond: Math.round(median(runs.map((r) => r.recordsPerSecond))),
      cpuMicrosPerRecord: round(median(runs.map((r) => r.cpuMicrosPerRecord)), 2),
      peakRssMiB: worstRss.peakRssMiB,
      peakRssAboveBaselineMiB: worstRss.peakRssAboveBaselineMiB,
      baselineRssMiB: worstRss.baselineRssMiB,
      repeats: runs.length,
      runs: runs.map((r) => ({ recordsPerSecond: r.recordsPerSecond, cpuMicrosPerRecord: r.cpuMicrosPerRecord, peakRssMiB: r.peakRssMiB, peakRssAboveBaselineMiB: r.peakRssAboveBaselineMiB, elapsedMs: r.elapsedMs, putRecordsCalls: r.putRecordsCalls, recordsRetried: r.recordsRetried, serverPeakRssMiB: r.server.peakRssMiB })),
    };
  });
  const byKey = (mode, aggregation, recordBytes) => results.find((r) => r.mode === mode && r.aggregation === aggregation && r.recordBytes === recordBytes);
  const comparisons = [...new Set(results.map((r) => r.recordBytes))].map((recordBytes) => {
    const raw = byKey('raw', false, recordBytes);
    const off = byKey('producer', false, recordBytes);
    const on = byKey('producer', true, recordBytes);
    return {
      recordBytes,
      aggregationOffOverRaw: round(off.recordsPerSecond / raw.recordsPerSecond, 3),
      aggregationOnOverRaw: round(on.recordsPerSecond / raw.recordsPerSecond, 3),
      cpuOffOverRaw: round(off.cpuMicrosPerRecord / raw.cpuMicrosPerRecord, 2),
      // The same ratio within each round (raw and producer measured minutes apart, not hours).
      aggregationOffOverRawPerRound: off.runs.map((run, i) => round(run.recordsPerSecond / raw.runs[i].recordsPerSecond, 3)),
    };
  });
  const data = {
    ...resultHeader('throughput', startedAt, quick, machine),
    setup: {
      shards: SHARDS,
      concurrency: CONCURRENCY,
      maxOutstandingBytes: MAX_OUTSTANDING_BYTES,
      maxOutstandingRecords: MAX_OUTSTANDING_RECORDS,
      rssSampleMs: SAMPLE_MS,
      server: 'kinesalite 3.3.3 in memory in its own process, a fresh process and stream per configuration',
      producer: `rateLimit Infinity, maxConnections 24, maxOutstandingBytes 32 MiB, requestTimeout ${REQUEST_TIMEOUT_MS} ms (see REQUEST_TIMEOUT_MS), aggregation off or on (50 KiB aggregates)`,
      driver: 'put() in a loop; whenever getOutstandingRecordsCount() reaches min(maxOutstandingRecords, maxOutstandingBytes / record size) the driver awaits the next settlement (no timer); then await flush()',
      raw: 'PutRecordsCommand, 500 records a request, 24 in flight, same client setup',
      cpu: 'process.cpuUsage() of the producer (or raw SDK) process only, user + system, timed run only',
      rss: 'process.memoryUsage.rss() sampled every 10 ms during the timed run; baseline after warm-up and gc(); the worst run is reported',
      repeats: `${quick ? 1 : REPEATS} rounds over all configurations; records/s and CPU are medians over rounds`,
    },
    results,
    comparisons,
  };
  writeResult('throughput', data);
  return data;
}

const workerIndex = process.argv.indexOf('--worker');
if (workerIndex >= 0) {
  worker(JSON.parse(process.argv[workerIndex + 1])).then(
    (result) => process.send({ type: 'result', result }, () => process.exit(0)),
    (error) => process.send({ type: 'error', message: error?.stack ?? String(error) }, () => process.exit(1)),
  );
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const { quick } = parseArgs();
  runThroughputBenchmark({ quick }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
