import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics as otelMetrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, KinesisProducer, KPL_METRICS, METER_NAME, type KinesisProducerOptions } from '../../src/producer/index.js';
import { OtelRecorder } from '../../src/producer/otel.js';
import { FAST_RETRY, observe, settleAll, uniqueStream, type Observed } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

/**
 * The KPL metric set through OpenTelemetry, read back with the SDK's in-memory exporter after real traffic against
 * kinesalite on loopback (with the test proxy's per-record throttles and stalls where a test needs errors).
 */

const root = join(import.meta.dirname, '..', '..');

interface Point {
  attributes: Record<string, unknown>;
  value: number | Histogram;
}

/** An SDK MeterProvider whose reader exports to memory on demand (cumulative, like a Prometheus scrape). */
function otelPipeline(): { provider: MeterProvider; read(): Promise<Map<string, { data: MetricData; points: Point[] }>> } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async read() {
      exporter.reset();
      await reader.forceFlush();
      const byName = new Map<string, { data: MetricData; points: Point[] }>();
      for (const resourceMetrics of exporter.getMetrics()) {
        for (const scope of resourceMetrics.scopeMetrics) {
          expect(scope.scope.name).toBe(METER_NAME);
          for (const data of scope.metrics) {
            byName.set(data.descriptor.name, { data, points: data.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number | Histogram })) });
          }
        }
      }
      return byName;
    },
  };
}

type Metrics = Awaited<ReturnType<ReturnType<typeof otelPipeline>['read']>>;

/** Sum of a counter's points (or of histogram counts) whose attributes include `where`. */
function total(metrics: Metrics, name: string, where: Record<string, string> = {}): number {
  const metric = metrics.get(name);
  if (!metric) return 0;
  let sum = 0;
  for (const point of metric.points) {
    if (!Object.entries(where).every(([key, value]) => point.attributes[key] === value)) continue;
    sum += typeof point.value === 'number' ? point.value : point.value.count;
  }
  return sum;
}

function histogramSum(metrics: Metrics, name: string): { count: number; sum: number } {
  let count = 0;
  let sum = 0;
  for (const point of metrics.get(name)?.points ?? []) {
    const value = point.value as Histogram;
    count += value.count;
    sum += value.sum ?? 0;
  }
  return { count, sum };
}

function byShard(metrics: Metrics, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const point of metrics.get(name)?.points ?? []) {
    const shard = String(point.attributes.ShardId);
    out[shard] = (out[shard] ?? 0) + (point.value as number);
  }
  return out;
}

describe('OpenTelemetry metrics (the KPL metric set)', () => {
  let server: KinesisTestServer;
  const producers: KinesisProducer[] = [];
  beforeAll(async () => {
    server = await startKinesisServer();
  });
  afterEach(async () => {
    server.setFault(undefined);
    await Promise.all(producers.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await server?.close();
  });

  const producer = (options: KinesisProducerOptions): KinesisProducer => {
    const p = new KinesisProducer({ client: server.client(), retry: FAST_RETRY, ...options });
    producers.push(p);
    return p;
  };

  it('counts records, bytes, requests, throttles and retries per stream and per shard, matching what the stream holds', async () => {
    const stream = uniqueStream('otel');
    await server.createStream(stream, 3);
    const otel = otelPipeline();
    const p = producer({ streamName: stream, meterProvider: otel.provider, rateLimit: Infinity });
    // The second request gets three of its records throttled (a 200 with per-record errors); they are retried.
    server.setFault(({ index }) => (index === 1 ? { kind: 'fail-records', indices: [0, 1, 2] } : undefined));
    const observed: Observed[] = [];
    let bytes = 0;
    for (let i = 0; i < 300; i++) {
      const record = { partitionKey: `key-${i}`, data: `value-${i}`.repeat(1 + (i % 3)) };
      bytes += Buffer.byteLength(record.partitionKey) + Buffer.byteLength(record.data);
      observed.push(observe(p.put(record)));
      if (i === 99) await p.flush();
    }
    // The second flush waits for the 200 records put after the first.
    expect(await p.flush()).toMatchObject({ delivered: 200, failed: 0 });
    await settleAll(observed);

    const read = await otel.read();
    const kpl = KPL_METRICS;
    expect(total(read, kpl.userRecordsReceived, { StreamName: stream })).toBe(300);
    expect(total(read, kpl.userRecordsPut, { StreamName: stream })).toBe(300);
    expect(total(read, kpl.userRecordsDataPut, { StreamName: stream })).toBe(bytes);
    expect(total(read, kpl.kinesisRecordsPut)).toBe(300);
    expect(total(read, kpl.kinesisRecordsDataPut)).toBe(bytes);
    expect(total(read, kpl.errorsByCode, { StreamName: stream, ErrorCode: 'ProvisionedThroughputExceededException' })).toBe(3);
    expect(total(read, kpl.allErrors)).toBe(3);

    // Per shard: what the promises say, and what the stream holds.
    const resolvedByShard: Record<string, number> = {};
    for (const o of observed) resolvedByShard[o.result!.shardId] = (resolvedByShard[o.result!.shardId] ?? 0) + 1;
    const storedByShard: Record<string, number> = {};
    for (const r of await server.readAll(stream)) storedByShard[r.shardId] = (storedByShard[r.shardId] ?? 0) + 1;
    expect(Object.keys(resolvedByShard)).toHaveLength(3);
    expect(byShard(read, kpl.userRecordsPut)).toEqual(resolvedByShard);
    expect(byShard(read, kpl.kinesisRecordsPut)).toEqual(storedByShard);

    // RetriesPerRecord: one sample per settled record; the sum is the retries the attempts show.
    const retries = observed.reduce((sum, o) => sum + o.result!.attempts.length - 1, 0);
    expect(retries).toBe(3);
    expect(histogramSum(read, kpl.retriesPerRecord)).toEqual({ count: 300, sum: 3 });
    // BufferingTime once per attempt (300 first tries, 3 retries); RequestTime once per PutRecords.
    expect(histogramSum(read, kpl.bufferingTime).count).toBe(303);
    const calls = p.metrics().putRecordsCalls;
    expect(histogramSum(read, kpl.requestTime).count).toBe(calls);
    expect(histogramSum(read, kpl.kinesisRecordsPerPutRecordsRequest)).toEqual({ count: calls, sum: 303 });
    expect(histogramSum(read, kpl.userRecordsPerPutRecordsRequest)).toEqual({ count: calls, sum: 303 });
    expect(read.get(kpl.requestTime)!.data.descriptor.unit).toBe('ms');
    expect(read.get(kpl.userRecordsDataPut)!.data.descriptor.unit).toBe('By');
    expect(read.get(kpl.requestTime)!.data.dataPointType).toBe(DataPointType.HISTOGRAM);
    // Count histograms get count buckets (advice), not the SDK's default millisecond ones.
    expect((read.get(kpl.retriesPerRecord)!.points[0]!.value as Histogram).buckets.boundaries).toEqual([0, 1, 2, 3, 5, 10, 20, 50, 100]);
    // Nothing outstanding now.
    expect(read.get(kpl.userRecordsPending)!.points).toEqual([{ attributes: { StreamName: stream }, value: 0 }]);
  });

  it('with aggregation, counts user records and Kinesis records apart, and user records per Kinesis record', async () => {
    const stream = uniqueStream('otel-agg');
    await server.createStream(stream, 2);
    const otel = otelPipeline();
    const p = producer({ streamName: stream, meterProvider: otel.provider, aggregation: { enabled: true } });
    await p.put({ partitionKey: 'warm', data: 'up' });
    const observed = Array.from({ length: 500 }, (_, i) => observe(p.put({ partitionKey: `agg-${i}`, data: `data-${i}` })));
    await p.flush();
    await settleAll(observed);
    const read = await otel.read();
    const stored = await server.readAll(stream);
    expect(total(read, KPL_METRICS.userRecordsPut)).toBe(501);
    expect(total(read, KPL_METRICS.kinesisRecordsPut)).toBe(stored.length);
    expect(stored.length).toBeLessThan(20);
    expect(histogramSum(read, KPL_METRICS.userRecordsPerKinesisRecord)).toEqual({ count: stored.length, sum: 501 });
    expect(total(read, KPL_METRICS.kinesisRecordsDataPut)).toBe(stored.reduce((sum, r) => sum + r.data.length + Buffer.byteLength(r.partitionKey), 0));
  });

  it('samples UserRecordsPending while a request stalls, and counts expired records and timeouts', async () => {
    const stream = uniqueStream('otel-expire');
    await server.createStream(stream, 1);
    const otel = otelPipeline();
    const p = producer({ streamName: stream, meterProvider: otel.provider, rateLimit: Infinity, requestTimeout: 100, recordTtl: 400 });
    server.setFault(() => ({ kind: 'stall' }));
    const observed = Array.from({ length: 5 }, (_, i) => observe(p.put({ partitionKey: `k-${i}`, data: 'x' })));
    void p.flush();
    const during = await otel.read();
    expect(during.get(KPL_METRICS.userRecordsPending)!.points).toEqual([{ attributes: { StreamName: stream }, value: 5 }]);
    await settleAll(observed);
    expect(observed.every((o) => o.error?.code === 'Expired')).toBe(true);
    const after = await otel.read();
    expect(total(after, KPL_METRICS.userRecordExpired, { StreamName: stream })).toBe(5);
    expect(total(after, KPL_METRICS.errorsByCode, { ErrorCode: 'Expired' })).toBe(5);
    // Every timed-out request counts once, at stream level (no shard to blame), as the KPL counts failed requests.
    const timeouts = total(after, KPL_METRICS.errorsByCode, { ErrorCode: 'RequestTimeout' });
    expect(timeouts).toBeGreaterThanOrEqual(1);
    expect(timeouts).toBe(p.metrics().putRecordsErrors);
    expect(total(after, KPL_METRICS.allErrors)).toBe(timeouts + 5);
    expect(after.get(KPL_METRICS.errorsByCode)!.points.every((pt) => pt.attributes.ShardId === undefined)).toBe(true);
    expect(total(after, KPL_METRICS.userRecordsPut)).toBe(0);
    expect(histogramSum(after, KPL_METRICS.retriesPerRecord).count).toBe(5);
    expect(after.get(KPL_METRICS.userRecordsPending)!.points).toEqual([{ attributes: { StreamName: stream }, value: 0 }]);
  });

  it('uses the global MeterProvider when no meterProvider is given, and stops observing once closed', async () => {
    const stream = uniqueStream('otel-global');
    await server.createStream(stream, 1);
    const otel = otelPipeline();
    expect(otelMetrics.setGlobalMeterProvider(otel.provider)).toBe(true);
    try {
      const p = producer({ streamName: stream });
      await p.put({ partitionKey: 'g', data: 'global' });
      await p.close();
      const read = await otel.read();
      expect(total(read, KPL_METRICS.userRecordsPut, { StreamName: stream })).toBe(1);
      // Closed: its UserRecordsPending callback is gone.
      expect(read.get(KPL_METRICS.userRecordsPending)?.points ?? []).toEqual([]);
    } finally {
      otelMetrics.disable();
    }
  });

  it('records nothing, and builds no recorder, while the global provider is the API no-op one', () => {
    otelMetrics.disable();
    expect(OtelRecorder.create(undefined, () => new Map())).toBeUndefined();
    const otel = otelPipeline();
    expect(OtelRecorder.create(otel.provider, () => new Map())).toBeInstanceOf(OtelRecorder);
  });

  it('rejects a meterProvider that is not one', () => {
    expect(() => new KinesisProducer({ streamName: 'x', client: server.client(), meterProvider: {} as never })).toThrow(ConfigError);
    expect(() => new KinesisProducer({ streamName: 'x', client: server.client(), meterProvider: {} as never })).toThrow(
      'Invalid producer option "meterProvider": got object; allowed: an OpenTelemetry MeterProvider (an object with getMeter()), or leave it out to use the global one',
    );
  });

  it('works where @opentelemetry/api is not installed (the built package, in a project without it)', async () => {
    const dist = join(root, 'dist', 'producer', 'index.js');
    if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
    const stream = uniqueStream('otel-absent');
    await server.createStream(stream, 1);
    const project = mkdtempSync(join(tmpdir(), 'sleepless-no-otel-'));
    try {
      // The package as installed (its own copy of dist/), beside every dependency but @opentelemetry/*.
      const pkg = join(project, 'node_modules', 'eslint-plugin-sleepless');
      mkdirSync(pkg, { recursive: true });
      cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true });
      cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
      for (const entry of readdirSync(join(root, 'node_modules'))) {
        if (entry === '@opentelemetry' || entry === '.bin' || entry.startsWith('.')) continue;
        symlinkSync(join(root, 'node_modules', entry), join(project, 'node_modules', entry), 'junction');
      }
      const script = join(project, 'run.mjs');
      writeFileSync(
        script,
        `import { KinesisProducer } from 'eslint-plugin-sleepless/producer';
let found = true;
try { await import('@opentelemetry/api'); } catch { found = false; }
const producer = new KinesisProducer({ streamName: ${JSON.stringify(stream)}, clientConfig: { region: 'us-east-1', endpoint: ${JSON.stringify(server.endpoint)}, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } } });
const result = await producer.put({ partitionKey: 'no-otel', data: 'still works' });
await producer.close();
console.log(found, result.shardId);
`,
      );
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [script], { cwd: project, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        );
      });
      expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ code: 0, stderr: '', stdout: 'false shardId-000000000000\n' });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
