import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BufferFullError, KinesisProducer } from '../../src/producer/index.js';
import { ShardRateLimiter, TokenBucket } from '../../src/producer/rate-limit.js';
import { observe, settleAll, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterEach(() => server.setFault(undefined));
afterAll(async () => {
  await server?.close();
});

describe('back-pressure', () => {
  it('keeps outstanding bytes within maxOutstandingBytes; put() waits for room, FIFO', async () => {
    const stream = uniqueStream('bp');
    await server.createStream(stream, 2);
    server.setFault(() => ({ kind: 'delay', ms: 15 }));
    const maxOutstandingBytes = 100 * 1024;
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), maxRecordSize: 64 * 1024, maxOutstandingBytes, recordMaxBufferedTime: 5 });
    const order: number[] = [];
    const observed = Array.from({ length: 120 }, (_, i) => {
      const o = observe(producer.put({ partitionKey: `k${i}`, data: Buffer.alloc(10 * 1024, i % 256) }));
      void o.promise.then(() => order.push(i));
      return o;
    });
    expect(producer.getOutstandingRecordsCount()).toBe(120);
    const early = producer.metrics();
    expect(early.outstandingBytes).toBeLessThanOrEqual(maxOutstandingBytes);
    expect(early.waitingRecords).toBeGreaterThan(100);
    expect(await producer.flush()).toEqual({ delivered: 120, failed: 0, errors: {} });
    await settleAll(observed);
    const metrics = producer.metrics();
    expect(metrics.peakOutstandingBytes).toBeLessThanOrEqual(maxOutstandingBytes);
    expect(metrics.peakOutstandingBytes).toBeGreaterThan(maxOutstandingBytes / 2);
    expect(metrics.waitingRecords).toBe(0);
    // Admission is FIFO, so the first records put finish no later than the last ones.
    expect(order.indexOf(0)).toBeLessThan(order.indexOf(119));
    expect((await server.readAll(stream)).length).toBe(120);
    await producer.close();
  });

  it('rejects with BufferFullError when onFull is reject, and accepts again once there is room', async () => {
    const stream = uniqueStream('bp-reject');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), maxOutstandingRecords: 5, onFull: 'reject', recordMaxBufferedTime: 60_000 });
    const accepted = Array.from({ length: 5 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    const refused = await producer.put({ partitionKey: 'k5', data: 'SECRET-PAYLOAD' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BufferFullError);
    expect((refused as BufferFullError).code).toBe('BufferFull');
    expect((refused as BufferFullError).message).toMatch(/maxOutstandingRecords 5/);
    expect((refused as BufferFullError).message).not.toContain('SECRET');
    expect(producer.getOutstandingRecordsCount()).toBe(5);
    expect(await producer.flush()).toEqual({ delivered: 5, failed: 0, errors: {} });
    await settleAll(accepted);
    const again = observe(producer.put({ partitionKey: 'k6', data: 'x' }));
    await producer.close();
    await again.promise;
    expect(again.result).toBeDefined();
  });

  it('settles put() calls waiting for room when close() is called (they are delivered)', async () => {
    const stream = uniqueStream('bp-close');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), maxOutstandingRecords: 2, recordMaxBufferedTime: 60_000 });
    const observed = Array.from({ length: 7 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    expect(producer.metrics().waitingRecords).toBe(5);
    await producer.close();
    await settleAll(observed);
    expect(observed.every((o) => o.settledCount === 1 && o.result)).toBe(true);
    expect(producer.metrics().peakOutstandingRecords).toBe(2);
  });
});

describe('rate limit', () => {
  it('token buckets refill from elapsed time and report how long to wait', () => {
    const bucket = new TokenBucket(100, 0);
    expect(bucket.waitFor(100, 0)).toBe(0);
    bucket.take(100, 0);
    expect(bucket.waitFor(1, 0)).toBe(10);
    expect(bucket.waitFor(1, 10)).toBe(0);
    expect(bucket.waitFor(50, 10)).toBe(490);
    // A take larger than a second's worth waits for a full bucket, then goes into debt.
    expect(bucket.waitFor(500, 1000)).toBe(0);
    bucket.take(500, 1000);
    expect(bucket.waitFor(1, 1000)).toBe(4010);
    const shard = new ShardRateLimiter(150, 0);
    expect(shard.waitFor(1024, 0)).toBe(0);
    for (let i = 0; i < 1500; i++) shard.take(10, 0);
    expect(shard.waitFor(10, 0)).toBe(1);
  });

  it('holds a shard to rateLimit percent of 1000 records/s, waking once per refill', async () => {
    const stream = uniqueStream('rate');
    await server.createStream(stream, 1);
    // 10 % = 100 records/s; the bucket starts with one second's worth.
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), rateLimit: 10, recordMaxBufferedTime: 1 });
    void producer.put({ partitionKey: 'warm', data: 'x' });
    await producer.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const observed = Array.from({ length: 140 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    expect(await producer.flush()).toEqual({ delivered: 140, failed: 0, errors: {} });
    const elapsed = performance.now() - started;
    await settleAll(observed);
    // About 99 go at once, the other ~41 at 100/s.
    expect(elapsed).toBeGreaterThan(250);
    expect(elapsed).toBeLessThan(3000);
    expect(producer.metrics().putRecordsCalls).toBeLessThan(80);
    await producer.close();
  });
});
