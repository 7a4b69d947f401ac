// Shared helpers of the benchmarks: machine description, statistics, result files, and a kinesalite child process.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// SDK v3 prints a support warning on Node 20; it is noise in benchmark output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** Where the figures came from: the README quotes these next to the numbers. */
export function machineInfo() {
  const cpus = os.cpus();
  let packageVersion;
  try {
    packageVersion = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')).version;
  } catch {
    packageVersion = undefined;
  }
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    packageVersion,
  };
}

export function parseArgs(argv = process.argv.slice(2)) {
  return { quick: argv.includes('--quick'), rest: argv.filter((arg) => arg !== '--quick') };
}

/** Nearest-rank percentile of unsorted samples (q in [0, 1]). */
export function percentile(samples, q) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const median = (samples) => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const round = (value, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);

/** Quick (smoke) runs write to results/quick/, so they never replace the figures of a full run. */
/** The fields every result file starts with: which benchmark, when, how long, in which mode, on what machine. */
export function resultHeader(benchmark, startedAt, quick, machine) {
  return { benchmark, date: startedAt.toISOString(), durationS: round((Date.now() - startedAt.getTime()) / 1000, 1), quick, machine };
}

export const resultsDir = (quick) => (quick ? path.join(RESULTS_DIR, 'quick') : RESULTS_DIR);

export function writeResult(name, data) {
  const dir = resultsDir(data.quick);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

export function readResult(name, quick = false) {
  const file = path.join(resultsDir(quick), `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/**
 * Starts bench/kinesalite-server.js as a child process and resolves with its endpoint. The server never shares
 * the benchmark's event loop, CPU time or heap.
 */
export function startKinesalite({ shardLimit = 100, maxOldSpaceMiB } = {}) {
  const execArgv = maxOldSpaceMiB ? [`--max-old-space-size=${maxOldSpaceMiB}`] : [];
  const child = fork(path.join(BENCH_DIR, 'kinesalite-server.js'), ['--shard-limit', String(shardLimit)], {
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const replies = [];
  child.on('message', (message) => {
    if (message?.type === 'stats') replies.shift()?.(message);
  });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`kinesalite server exited with ${code} before listening`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', function onReady(message) {
      if (message?.type !== 'ready') return;
      child.off('message', onReady);
      child.off('exit', onExit);
      resolve({
        endpoint: `http://127.0.0.1:${message.port}`,
        pid: child.pid,
        /** The server process's RSS, peak RSS (sampled every 100 ms) and CPU time. */
        stats: () =>
          new Promise((done) => {
            replies.push(done);
            child.send({ type: 'stats' });
          }),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
  });
}

/**
 * The client every benchmark uses, producer and raw SDK alike: HTTP/1.1 keep-alive NodeHttpHandler with one socket
 * per allowed request, one attempt (the producer owns retries), static credentials (kinesalite checks none).
 */
export function makeClient(endpoint, maxSockets = 24) {
  return new KinesisClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets }) }),
  });
}

export async function createStream(client, streamName, shards) {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  // Remote state (the stream's status) can only be observed by asking the server.
  for (let i = 0; i < 200; i++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

/** N records of `size` data bytes with distinct partition keys, made before any timing starts. */
export function makeRecords(count, size, prefix = 'k') {
  const records = new Array(count);
  for (let i = 0; i < count; i++) {
    const data = Buffer.alloc(size, 97 + (i % 26));
    records[i] = { partitionKey: `${prefix}-${i}`, data };
  }
  return records;
}

export const log = (...parts) => console.error(...parts);

/**
 * The floor: the same records sent with bare PutRecordsCommand calls, `batchSize` records a request, at most
 * `concurrency` requests in flight. `records` is an array or `{ length, at(i) }` (records made on demand, so a
 * throughput run does not hold them all). Resolves with the number of requests and of failed records.
 */
export async function sendRaw(client, streamName, records, { batchSize = 500, concurrency = 24, PutRecordsCommand }) {
  const total = records.length;
  const at = Array.isArray(records) ? (i) => records[i] : records.at;
  let next = 0;
  let calls = 0;
  let failed = 0;
  const worker = async () => {
    while (next < total) {
      const start = next;
      next = Math.min(total, next + batchSize);
      const entries = new Array(next - start);
      for (let i = start; i < next; i++) {
        const record = at(i);
        entries[i - start] = { Data: record.data, PartitionKey: record.partitionKey };
      }
      calls++;
      const output = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
      failed += output.FailedRecordCount ?? 0;
    }
  };
  const workers = [];
  for (let i = 0; i < Math.min(concurrency, Math.ceil(total / batchSize)); i++) workers.push(worker());
  await Promise.all(workers);
  return { calls, failed };
}
