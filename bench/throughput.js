// Producer throughput, CPU and memory against a hand-written PutRecords loop, against kinesalite in its own process.
// Every configuration runs in its own child process (this file with --worker), with a fresh kinesalite process,
// so neither heap, RSS nor CPU time is shared between configurations or with the server.
//   hand loop: bare PutRecordsCommand calls, 500 records a request, 24 in flight, same client setup.
//   producer:  its defaults (rate limit 150 %, 24 connections, requestTimeout 6 s…), aggregation off or on, and
//              for comparison rateLimit Infinity. put() in a loop (fire and forget: the driver never touches the
//              promises; records outstanding stay under maxOutstandingRecords), then await flush().
// Heap per outstanding record: the same configurations with the network stalled (a proxy in front of kinesalite
// answers ListShards and never answers PutRecords), N records put, then the live heap after gc() minus before,
// divided by N, once fire and forget and once with then(onSettled, onSettled) attached to every put() and its result
// held (the producer's record, the handlers and the thenable then() returns, plus the caller's array slot). The hand
// loop's figure is its array of N request entries; for comparison it also measures N pending native Promises with
// their resolving functions (what a promise per record costs its maker), and the same then() held on each.
// Prints one table with every configuration side by side; writes bench/results/throughput.json.
// Run alone: node bench/throughput.js [--quick]   (after npm run build)
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createStream, log, machineInfo, makeClient, median, parseArgs, round, sendRaw, startKinesalite, writeResult, resultHeader } from './common.js';

const SHARDS = 4;
const CONCURRENCY = 24;
const REPEATS = 3;
/** Records outstanding when the heap is measured with the network stalled. */
const HEAP_RECORDS = 50_000;

/** The producer configurations, by name: the options given besides streamName and client. */
export const SETTINGS = {
  'defaults, aggregation off': {},
  'defaults, aggregation on': { aggregation: { enabled: true } },
  'rateLimit Infinity, aggregation off': { rateLimit: Infinity },
};

function plan(quick) {
  const sizes = quick
    ? [{ recordBytes: 100, records: 10_000 }]
    : [
        { recordBytes: 100, records: 50_000 },
        { recordBytes: 5 * 1024, records: 10_000 },
      ];
  const configs = [];
  for (const size of sizes) {
    configs.push({ ...size, mode: 'raw', settings: 'hand loop' });
    for (const settings of Object.keys(SETTINGS)) configs.push({ ...size, mode: 'producer', settings });
    configs.push({ ...size, mode: 'raw', settings: PACED });
  }
  return configs;
}

/** The hand loop sending at the producer's default rate limit, for comparison (the reference stays the plain loop). */
const PACED = 'hand loop, paced';
/** Records a second the defaults' rate limit lets through: 150 % of 1,000 records/s or 1 MiB/s per shard. */
const pacedRate = (recordBytes) => SHARDS * 1.5 * Math.min(1000, 1048576 / (recordBytes + 8));

export const configName = (c) => `${c.mode === 'raw' ? `hand-written PutRecords loop${c.settings === PACED ? ' at the default rate limit' : ''}` : `producer, ${c.settings}`}, ${c.recordBytes >= 1024 ? `${c.recordBytes / 1024} KB` : `${c.recordBytes} B`}`;
const isReference = (row) => row.mode === 'raw' && row.settings !== PACED;

const recordAt = (prefix, data) => (i) => ({ partitionKey: `${prefix}-${i}`, data });

// ---------------------------------------------------------------- worker: throughput and CPU

async function throughputWorker(config) {
  const { KinesisProducer } = await import('../dist/producer/index.js');
  const { endpoint, streamName, recordBytes, records, mode, settings } = config;
  const client = makeClient(endpoint, CONCURRENCY);
  const data = Buffer.alloc(recordBytes, 120);
  const producer = mode === 'producer' ? new KinesisProducer({ streamName, client, ...SETTINGS[settings] }) : undefined;

  const produce = async (count, prefix) => {
    const at = recordAt(prefix, data);
    for (let i = 0; i < count; i++) producer.put(at(i));
    const report = await producer.flush();
    if (report.failed > 0) throw new Error(`${report.failed} records failed: ${JSON.stringify(report.errors)}`);
  };
  const sendAll = async (count, prefix) => {
    if (settings === PACED && prefix === 'r') return sendPaced(count, prefix);
    const { failed } = await sendRaw(client, streamName, { length: count, at: recordAt(prefix, data) }, { batchSize: 500, concurrency: CONCURRENCY, PutRecordsCommand });
    if (failed > 0) throw new Error(`${failed} records failed`);
  };
  // The same 500-record requests, started at the pace of the producer's default rate limit (timed run only).
  const sendPaced = async (count, prefix) => {
    const started = performance.now();
    const perSecond = pacedRate(recordBytes);
    const at = recordAt(prefix, data);
    const requests = [];
    for (let sent = 0; sent < count; ) {
      const wait = started + (sent / perSecond) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const from = sent;
      sent = Math.min(count, sent + 500);
      requests.push(sendRaw(client, streamName, { length: sent - from, at: (i) => at(from + i) }, { batchSize: 500, concurrency: 1, PutRecordsCommand }));
    }
    const failed = (await Promise.all(requests)).reduce((sum, request) => sum + request.failed, 0);
    if (failed > 0) throw new Error(`${failed} records failed`);
  };
  const run = mode === 'producer' ? produce : sendAll;

  // Warm-up: sockets, JIT, the shard map (not measured).
  await run(Math.min(records, recordBytes > 1024 ? 1_000 : 5_000), 'w');
  const before = producer?.metrics();
  globalThis.gc?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await run(records, 'r');
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const after = producer?.metrics();

  const calls = producer ? after.putRecordsCalls - before.putRecordsCalls : Math.ceil(records / 500);
  const result = {
    elapsedMs: round(elapsedMs, 1),
    recordsPerSecond: Math.round(records / (elapsedMs / 1000)),
    cpuMicrosPerRecord: round((cpu.user + cpu.system) / records, 2),
    putRecordsCalls: calls,
    recordsPerCall: round(records / calls, 1),
    kinesisRecordsSent: producer ? after.kinesisRecordsSent - before.kinesisRecordsSent : records,
  };
  if (producer) {
    result.recordsRetried = after.recordsRetried - before.recordsRetried;
    result.putRecordsLatencyMs = after.putRecordsLatencyMs;
    await producer.close();
  }
  client.destroy();
  return result;
}

// ---------------------------------------------------------------- worker: heap per outstanding record

/** A proxy that forwards everything to kinesalite except PutRecords, which it never answers. */
function startStallProxy(target) {
  const url = new URL(target);
  const server = http.createServer((req, res) => {
    if (String(req.headers['x-amz-target']).endsWith('.PutRecords')) {
      req.resume();
      return; // stalled: no answer until the socket closes
    }
    const upstream = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers }, (response) => {
      res.writeHead(response.statusCode ?? 500, response.headers);
      response.pipe(res);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ endpoint: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), server.close()) })));
}

async function heapWorker(config) {
  const { KinesisProducer } = await import('../dist/producer/index.js');
  const { endpoint, streamName, recordBytes, mode, settings, awaited } = config;
  const data = Buffer.alloc(recordBytes, 120);
  const at = recordAt('h', data);
  const count = HEAP_RECORDS;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
  const measure = () => {
    globalThis.gc();
    const usage = process.memoryUsage();
    return { heap: usage.heapUsed, external: usage.external + usage.arrayBuffers };
  };

  if (mode === 'raw') {
    // What a hand-written loop holds for N records not yet sent: an array of request entries (keys made per
    // record, the data buffer shared, as in the throughput run).
    const before = measure();
    const entries = new Array(count);
    for (let i = 0; i < count; i++) {
      const record = at(i);
      entries[i] = { Data: record.data, PartitionKey: record.partitionKey };
    }
    const after = measure();
    const result = { heapBytesPerRecord: round((after.heap - before.heap) / count, 0), externalBytesPerRecord: round((after.external - before.external) / count, 0) };
    entries.length = 0;
    // For comparison, what a promise per record costs when it is a native Promise: the promise and the resolving
    // functions its maker must keep to settle it (one array each, as an API holding them would), then the same
    // caller's then(onSettled, onSettled) held in an array, as in the producer's "then() attached" figure.
    const start = measure();
    const resolvers = new Array(count);
    const promises = new Array(count);
    for (let i = 0; i < count; i++) promises[i] = new Promise((resolve, reject) => (resolvers[i] = { resolve, reject }));
    const made = measure();
    const onSettled = () => {};
    const held = new Array(count);
    for (let i = 0; i < count; i++) held[i] = promises[i].then(onSettled, onSettled);
    const thenned = measure();
    result.nativePromiseBytesPerRecord = round((made.heap - start.heap) / count, 0);
    result.nativeThenBytesPerRecord = round((thenned.heap - made.heap) / count, 0);
    for (const { resolve } of resolvers) resolve();
    await Promise.all(held);
    return result;
  }

  const proxy = await startStallProxy(endpoint);
  const client = makeClient(proxy.endpoint, CONCURRENCY);
  const producer = new KinesisProducer({ streamName, client, ...SETTINGS[settings] });
  await settle(); // the shard map
  const before = measure();
  const held = awaited ? new Array(count) : undefined;
  const onSettled = () => {};
  for (let i = 0; i < count; i++) {
    const put = producer.put(at(i));
    if (held) held[i] = put.then(onSettled, onSettled);
  }
  await settle(); // requests built and on the (stalled) wire, the rest buffered
  const after = measure();
  const metrics = producer.metrics();
  const result = {
    heapBytesPerRecord: round((after.heap - before.heap) / count, 0),
    externalBytesPerRecord: round((after.external - before.external) / count, 0),
    outstanding: producer.getOutstandingRecordsCount(),
    inFlightRequests: metrics.inFlightRequests,
    outstandingBytesCounted: metrics.outstandingBytes,
  };
  producer.destroy();
  if (held) await Promise.all(held);
  client.destroy();
  proxy.close();
  return result;
}

// ---------------------------------------------------------------- orchestrator

function runWorker(kind, config) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [`--${kind}`, JSON.stringify(config)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (message) => {
      if (message?.type === 'result') result = message.result;
      if (message?.type === 'error') reject(new Error(`${configName(config)}: ${message.message}`));
    });
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${configName(config)}: worker exited with ${code}`))));
  });
}

/** One configuration in a fresh kinesalite process and stream. */
async function withServer(streamName, body) {
  const server = await startKinesalite({ maxOldSpaceMiB: 4096 });
  const admin = makeClient(server.endpoint);
  try {
    await createStream(admin, streamName, SHARDS);
    return await body(server.endpoint);
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
      const sample = await withServer(`throughput-${index}-${repeat}`, (endpoint) => runWorker('worker', { ...config, endpoint, streamName: `throughput-${index}-${repeat}` }));
      samples[index].push(sample);
      log(`throughput ${repeat + 1}/${repeats} ${configName(config).padEnd(52)} ${String(sample.recordsPerSecond).padStart(6)} rec/s, ${sample.cpuMicrosPerRecord} µs CPU/record, ${sample.putRecordsCalls} PutRecords (${sample.recordsPerCall} records each)${sample.recordsRetried ? `, ${sample.recordsRetried} records retried` : ''}`);
    }
  }
  // Heap: 100-byte records only (the issue's figure), once per configuration, fire and forget; awaited as well.
  const heapConfigs = configs.filter((c) => c.recordBytes === 100 && c.settings !== PACED).flatMap((c) => (c.mode === 'raw' ? [{ ...c, awaited: false }] : [{ ...c, awaited: false }, { ...c, awaited: true }]));
  const heap = [];
  for (const [index, config] of heapConfigs.entries()) {
    const sample = await withServer(`heap-${index}`, (endpoint) => runWorker('heap', { ...config, endpoint, streamName: `heap-${index}` }));
    heap.push({ name: configName(config), mode: config.mode, settings: config.settings, awaited: config.awaited, ...sample });
    log(`heap ${configName(config).padEnd(52)}${config.awaited ? ' (then() attached to each put())' : ''}: ${sample.heapBytesPerRecord} B heap + ${sample.externalBytesPerRecord} B buffers per outstanding record`);
    if (sample.nativePromiseBytesPerRecord !== undefined) log(`heap, for comparison: a pending native Promise with its resolving functions ${sample.nativePromiseBytesPerRecord} B, then(onSettled, onSettled) on it held in an array ${sample.nativeThenBytesPerRecord} B`);
  }

  const results = configs.map((config, index) => {
    const runs = samples[index];
    const byCpu = [...runs].sort((a, b) => a.cpuMicrosPerRecord - b.cpuMicrosPerRecord);
    const typical = byCpu[(byCpu.length - 1) >> 1];
    const heapRow = heap.find((h) => h.mode === config.mode && h.settings === config.settings && !h.awaited && config.recordBytes === 100);
    const heapAwaited = heap.find((h) => h.mode === config.mode && h.settings === config.settings && h.awaited && config.recordBytes === 100);
    return {
      name: configName(config),
      ...config,
      ...typical,
      recordsPerSecond: Math.round(median(runs.map((r) => r.recordsPerSecond))),
      cpuMicrosPerRecord: round(median(runs.map((r) => r.cpuMicrosPerRecord)), 2),
      putRecordsCalls: Math.round(median(runs.map((r) => r.putRecordsCalls))),
      recordsPerCall: round(median(runs.map((r) => r.recordsPerCall)), 1),
      heapBytesPerOutstandingRecord: heapRow?.heapBytesPerRecord,
      heapBytesPerOutstandingRecordAwaited: heapAwaited?.heapBytesPerRecord,
      repeats: runs.length,
      runs,
    };
  });
  const comparisons = [...new Set(results.map((r) => r.recordBytes))].map((recordBytes) => {
    const raw = results.find((r) => isReference(r) && r.recordBytes === recordBytes);
    const ratios = {};
    for (const row of results.filter((r) => !isReference(r) && r.recordBytes === recordBytes)) ratios[row.settings] = round(row.cpuMicrosPerRecord / raw.cpuMicrosPerRecord, 2);
    return { recordBytes, cpuOverHandLoop: ratios };
  });
  const data = {
    ...resultHeader('throughput', startedAt, quick, machine),
    setup: {
      shards: SHARDS,
      concurrency: CONCURRENCY,
      server: 'kinesalite 3.3.3 in memory in its own process, a fresh process and stream per configuration',
      handLoop: 'PutRecordsCommand, 500 records a request, 24 in flight, same client setup (keep-alive NodeHttpHandler, maxAttempts 1); the reference for "× hand loop"',
      pacedHandLoop: 'the same requests started at the rate the producer\'s default rate limit allows (150 % of 1,000 records/s or 1 MiB/s per shard), for comparison: what sending over seconds instead of in one burst costs by itself',
      producer: `the options named, over the producer's defaults: ${JSON.stringify(SETTINGS, (key, value) => (value === Infinity ? 'Infinity' : value))}`,
      driver: 'put() × N in a loop without touching the promises (fire and forget), then await flush(); N is below maxOutstandingRecords',
      cpu: 'process.cpuUsage() of the producer (or hand-loop) process only, user + system, timed run only; median of rounds',
      heap: `${HEAP_RECORDS.toLocaleString('en-US')} records of 100 B put with PutRecords stalled (ListShards answered); process.memoryUsage().heapUsed after gc() minus before, per record. Fire and forget: put() results dropped. "then() attached" (awaited): every put() has then(onSettled, onSettled) called on it and the result held in an array, so it counts the record, its handlers, the thenable then() returns and the caller's array slot. The hand loop: an array of ${HEAP_RECORDS.toLocaleString('en-US')} request entries; for comparison, ${HEAP_RECORDS.toLocaleString('en-US')} pending native Promises with their resolving functions (nativePromiseBytesPerRecord) and then(onSettled, onSettled) on each held in an array (nativeThenBytesPerRecord)`,
      repeats: `${repeats} round(s) over all configurations`,
    },
    results,
    heap,
    comparisons,
  };
  writeResult('throughput', data);
  process.stdout.write(`${formatTable(data)}\n`);
  return data;
}

/** The side-by-side table printed at the end of a run (and used by summary.md). */
export function formatTable(data) {
  const fmt = (v, d = 1) => (typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d }) : '–');
  const lines = ['| Configuration | Records | Records/s | PutRecords calls | Records / call | CPU µs / record | × hand loop | Heap / outstanding record: fire and forget | … then() attached |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const row of data.results) {
    const raw = data.results.find((r) => isReference(r) && r.recordBytes === row.recordBytes);
    const kb = (bytes) => (bytes === undefined ? '–' : `${fmt(bytes / 1024, 2)} KB`);
    lines.push(`| ${row.name} | ${fmt(row.records, 0)} | ${fmt(row.recordsPerSecond, 0)} | ${fmt(row.putRecordsCalls, 0)} | ${fmt(row.recordsPerCall, 1)} | ${fmt(row.cpuMicrosPerRecord, 1)} | ${fmt(row.cpuMicrosPerRecord / raw.cpuMicrosPerRecord, 2)} | ${kb(row.heapBytesPerOutstandingRecord)} | ${kb(row.heapBytesPerOutstandingRecordAwaited)} |`);
  }
  const native = data.heap?.find((h) => h.nativePromiseBytesPerRecord !== undefined);
  if (native) {
    lines.push('');
    lines.push(`Hand loop row: its array of request entries. For comparison, a pending native \`Promise\` per record with its resolving functions costs ${fmt(native.nativePromiseBytesPerRecord / 1024, 2)} KB, and the caller's \`then(onSettled, onSettled)\` on it, held in an array, ${fmt(native.nativeThenBytesPerRecord / 1024, 2)} KB more.`);
  }
  return lines.join('\n');
}

const workerKind = process.argv.includes('--worker') ? 'worker' : process.argv.includes('--heap') ? 'heap' : undefined;
if (workerKind) {
  const config = JSON.parse(process.argv[process.argv.indexOf(`--${workerKind}`) + 1]);
  (workerKind === 'worker' ? throughputWorker : heapWorker)(config).then(
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
