import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClosedError, DestroyedError, KinesisProducer, type ProducerError } from '../../src/producer/index.js';
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

describe('destroy()', () => {
  it('rejects every outstanding put() at once (on the wire, buffered, waiting for room, backing off), settles flush(), and hangs nothing', async () => {
    const stream = uniqueStream('destroy');
    await server.createStream(stream, 1);
    // The first request stalls forever; later ones fail and back off for long.
    let calls = 0;
    let threeSent!: () => void;
    const threeRequests = new Promise<void>((resolve) => (threeSent = resolve));
    server.setFault(() => {
      if (++calls === 3) threeSent();
      return calls === 1 ? { kind: 'stall' } : { kind: 'error', status: 500, type: 'InternalFailure' };
    });
    const onError: ProducerError[] = [];
    const producer = new KinesisProducer({
      streamName: stream,
      client: server.client(),
      collectionMaxCount: 2,
      maxOutstandingRecords: 6,
      recordMaxBufferedTime: 0,
      retry: { baseDelay: 60_000, maxDelay: 60_000 },
      rateLimit: Infinity,
      onError: (error) => onError.push(error),
    });
    const observed = Array.from({ length: 10 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'v' })));
    const flushed = producer.flush();
    // Let the requests go out: one stalls, the others fail and wait out a minute of back-off.
    await threeRequests;
    expect(producer.metrics().waitingRecords).toBe(4);
    const closing = producer.close();
    producer.destroy();
    producer.destroy(); // idempotent
    await settleAll(observed);
    for (const o of observed) {
      expect(o.settledCount).toBe(1);
      expect(o.error).toBeInstanceOf(DestroyedError);
      expect(o.error!.code).toBe('Destroyed');
    }
    expect(await flushed).toEqual({ delivered: 0, failed: 10, errors: { Destroyed: 10 } });
    await closing;
    expect(onError).toHaveLength(10);
    expect(producer.getOutstandingRecordsCount()).toBe(0);
    await expect(producer.put({ partitionKey: 'k', data: 'v' })).rejects.toBeInstanceOf(ClosedError);
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 0, errors: {} });
  });

  it('after delivery there is nothing to reject', async () => {
    const stream = uniqueStream('destroy-done');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: server.client() });
    const result = await producer.put({ partitionKey: 'k', data: 'v' });
    expect(result.shardId).toBeDefined();
    producer.destroy();
    await producer.close();
  });
});

describe('flush({ streamName })', () => {
  it('waits for that stream only, and hurries only its records', async () => {
    const fast = uniqueStream('flush-one-fast');
    const slow = uniqueStream('flush-one-slow');
    await server.createStream(fast, 1);
    await server.createStream(slow, 1);
    server.setFault(({ body }) => (body.StreamName === slow ? { kind: 'stall' } : undefined));
    const producer = new KinesisProducer({ client: server.client(), requestTimeout: 60_000, recordMaxBufferedTime: 60_000, rateLimit: Infinity });
    const slowPut = observe(producer.put({ streamName: slow, partitionKey: 'a', data: 'x' }));
    const fastPuts = [0, 1, 2].map((i) => observe(producer.put({ streamName: fast, partitionKey: `b${i}`, data: 'y' })));
    const report = await producer.flush({ streamName: fast });
    expect(report).toEqual({ delivered: 3, failed: 0, errors: {} });
    await settleAll(fastPuts);
    expect(slowPut.settledCount).toBe(0);
    // The slow stream's record was not hurried: it waits out its 60 s buffering time, unsent.
    expect(producer.metrics().bufferedRecords).toBe(1);
    expect(await producer.flush({ streamName: 'never-used' })).toEqual({ delivered: 0, failed: 0, errors: {} });
    await expect(producer.flush({ streamName: 'bad name!' })).rejects.toThrow(/streamName/);
    producer.destroy();
    await settleAll([slowPut]);
    expect(slowPut.error).toBeInstanceOf(DestroyedError);
  });
});

describe('metrics().oldestRecordAgeMs', () => {
  it('is the age of the oldest record not yet settled, and 0 when none is', async () => {
    const stream = uniqueStream('oldest');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'stall' }));
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), requestTimeout: 60_000, rateLimit: Infinity });
    expect(producer.metrics().oldestRecordAgeMs).toBe(0);
    const first = observe(producer.put({ partitionKey: 'a', data: 'x' }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = observe(producer.put({ partitionKey: 'b', data: 'x' }));
    const metrics = producer.metrics();
    expect(metrics.inFlightRequests).toBe(1);
    expect(metrics.oldestRecordAgeMs).toBeGreaterThanOrEqual(140);
    producer.destroy();
    await settleAll([first, second]);
    expect(producer.metrics().oldestRecordAgeMs).toBe(0);
  });
});
