import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer } from '../../src/producer/index.js';
import { uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type Fault, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterEach(() => server.setFault(undefined));
afterAll(async () => {
  await server?.close();
});

/**
 * A server that handles one PutRecords at a time, `serviceMs` each: every request is stored when it arrives and
 * answered when its turn in the queue has passed, as a busy server would (so a client that gives up early has
 * nevertheless had its records stored).
 */
function serialise(serviceMs: number, onRequest?: () => void): { readonly requests: number } {
  let freeAt = 0;
  let requests = 0;
  server.setFault((): Fault => {
    requests++;
    onRequest?.();
    const now = performance.now();
    freeAt = Math.max(now, freeAt) + serviceMs;
    return { kind: 'delay', ms: Math.round(freeAt - now) };
  });
  return {
    get requests() {
      return requests;
    },
  };
}

async function duplicates(stream: string, count: number): Promise<number> {
  const stored = await server.readAll(stream);
  const keys = new Set(stored.map((record) => record.partitionKey));
  for (let i = 0; i < count; i++) expect(keys.has(`k-${i}`)).toBe(true);
  return stored.length - keys.size;
}

describe('full requests under the rate limit', () => {
  it('with more than a request waiting, a rate-limited stream sends full requests at the limiter’s pace, not one per response', async () => {
    const stream = uniqueStream('pace');
    await server.createStream(stream, 2);
    // Defaults: rateLimit 150 % = 1,500 records/s per shard, so 3,000/s here; 9,000 records take about 2 s.
    const producer = new KinesisProducer({ streamName: stream, client: server.client() });
    const count = 9000;
    for (let i = 0; i < count; i++) void producer.put({ partitionKey: `k-${i}`, data: 'x'.repeat(20) });
    const report = await producer.flush();
    expect(report).toEqual({ delivered: count, failed: 0, errors: {} });
    const { putRecordsCalls, kinesisRecordsSent } = producer.metrics();
    expect(kinesisRecordsSent).toBe(count);
    expect(count / putRecordsCalls).toBeGreaterThanOrEqual(400);
    await producer.close();
  });
});

describe('aggregation from the first record', () => {
  it('records put right after the constructor wait for the shard map and go out aggregated', async () => {
    const stream = uniqueStream('agg-first');
    await server.createStream(stream, 2);
    // A generous buffering time: on a loaded machine ListShards may take longer than the default 100 ms.
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), aggregation: { enabled: true }, recordMaxBufferedTime: 5000 });
    const puts = Array.from({ length: 200 }, (_, i) => producer.put({ partitionKey: `k-${i}`, data: `v-${i}` }));
    const report = await producer.flush();
    expect(report.delivered).toBe(200);
    const results = await Promise.all(puts);
    for (const result of results) expect(result.subSequenceNumber).toBeTypeOf('number');
    const metrics = producer.metrics();
    expect(metrics.aggregatedRecordsSent).toBe(metrics.kinesisRecordsSent);
    expect(metrics.kinesisRecordsSent).toBe(2); // one aggregate per shard
    const read = await server.readUserRecords(stream);
    expect(read.records).toHaveLength(200);
    expect(read.dropped).toEqual([]);
    await producer.close();
  });

  it('a stream named per record gets its map at its first put; a map that cannot be had lets records go on their own', async () => {
    const stream = uniqueStream('agg-first-per-record');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ client: server.client(), aggregation: { enabled: true }, recordMaxBufferedTime: 5000 });
    const puts = Array.from({ length: 20 }, (_, i) => producer.put({ streamName: stream, partitionKey: `k-${i}`, data: 'v' }));
    await producer.flush();
    for (const result of await Promise.all(puts)) expect(result.subSequenceNumber).toBeTypeOf('number');
    // No such stream: ListShards fails, records are sent unaggregated and fail with StreamNotFound, not hang.
    const missing = producer.put({ streamName: 'agg-first-missing', partitionKey: 'k', data: 'v' });
    await expect(missing).rejects.toMatchObject({ code: 'StreamNotFound' });
    await producer.close();
  });
});

describe('a slow server that handles one request at a time', () => {
  it('5,000 records with defaults arrive once (< 1 % duplicates)', async () => {
    const stream = uniqueStream('serial');
    await server.createStream(stream, 4);
    serialise(150);
    const producer = new KinesisProducer({ streamName: stream, client: server.client() });
    const count = 5000;
    for (let i = 0; i < count; i++) void producer.put({ partitionKey: `k-${i}`, data: 'x'.repeat(100) });
    expect(await producer.flush()).toEqual({ delivered: count, failed: 0, errors: {} });
    expect(await duplicates(stream, count)).toBeLessThan(count / 100);
    await producer.close();
  });

  it('after timeouts it lowers the requests in flight and waits longer, instead of resending at full concurrency', async () => {
    const stream = uniqueStream('serial-aimd');
    await server.createStream(stream, 1);
    const probe: { producer?: KinesisProducer } = {};
    // What the producer allows when each request reaches the server.
    const lowest = { concurrency: Number.POSITIVE_INFINITY, timeout: 0 };
    const queue = serialise(80, () => {
      const metrics = probe.producer?.metrics();
      if (!metrics) return;
      lowest.concurrency = Math.min(lowest.concurrency, metrics.requestConcurrency);
      lowest.timeout = Math.max(lowest.timeout, metrics.requestTimeoutMs);
    });
    // Small requests, many at once: the queue outgrows the 300 ms timeout, and attempts time out.
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), collectionMaxCount: 10, requestTimeout: 300, rateLimit: Infinity, retry: { baseDelay: 10, maxDelay: 50 } });
    probe.producer = producer;
    const count = 200;
    for (let i = 0; i < count; i++) void producer.put({ partitionKey: `k-${i}`, data: 'x' });
    const report = await producer.flush();
    const metrics = producer.metrics();
    expect(report).toEqual({ delivered: count, failed: 0, errors: {} });
    expect(metrics.recordsRetried).toBeGreaterThan(0); // timeouts happened
    expect(lowest.concurrency).toBeLessThan(24);
    expect(lowest.timeout).toBeGreaterThan(300);
    // Without this, every request past the first few of the burst would time out and be sent again, then again
    // (about 60 requests and 400 duplicates for 200 records here). With it, a few requests time out, each doubling
    // the timeout of all those still on the wire, and the retries fit a queue the server can serve.
    expect(queue.requests).toBeLessThan(35);
    expect(await duplicates(stream, count)).toBeLessThan(count * 0.3);
    await producer.close();
  });
});
