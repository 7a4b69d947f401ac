import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClosedError, FlushTimeoutError, KinesisProducer } from '../../src/producer/index.js';
import { FAST_RETRY, observe, settleAll, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterAll(async () => {
  await server?.close();
});

describe('flush()', () => {
  it('resolves with counts at once, without depending on recordMaxBufferedTime', async () => {
    const stream = uniqueStream('flush');
    await server.createStream(stream, 4);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), recordMaxBufferedTime: 60_000 });
    // Warm the connection so the measurement is one round trip.
    await producer.flush();
    const observed = Array.from({ length: 100 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: `d${i}` })));
    const started = performance.now();
    const report = await producer.flush();
    const elapsed = performance.now() - started;
    expect(report).toEqual({ delivered: 100, failed: 0, errors: {} });
    // A buffering deadline of 60 s was skipped; the 500 ms poll of KPL's flushSync is not involved either.
    expect(elapsed).toBeLessThan(5000);
    await settleAll(observed);
    expect(observed.every((o) => o.settledCount === 1 && o.result)).toBe(true);
    await producer.close();
  });

  it('resolves at once when nothing is outstanding', async () => {
    const producer = new KinesisProducer({ streamName: 'nothing', client: server.client() });
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 0, errors: {} });
    await producer.close();
  });

  it('waits only for the snapshot taken at the call', async () => {
    const stream = uniqueStream('snapshot');
    await server.createStream(stream, 1);
    // Hold the first request so the snapshot's records are in flight when more arrive.
    let first = true;
    server.setFault(() => {
      if (!first) return undefined;
      first = false;
      return { kind: 'delay', ms: 200 };
    });
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), recordMaxBufferedTime: 60_000 });
    const before = Array.from({ length: 5 }, (_, i) => observe(producer.put({ partitionKey: `b${i}`, data: 'x' })));
    const flushed = producer.flush();
    const after = Array.from({ length: 5 }, (_, i) => observe(producer.put({ partitionKey: `a${i}`, data: 'x' })));
    expect(await flushed).toEqual({ delivered: 5, failed: 0, errors: {} });
    expect(before.every((o) => o.result)).toBe(true);
    expect(producer.getOutstandingRecordsCount()).toBeLessThanOrEqual(5);
    await producer.flush();
    await settleAll(after);
    expect(after.every((o) => o.result)).toBe(true);
    server.setFault(undefined);
    await producer.close();
  });

  it('counts failures, which stay on the records’ own promises', async () => {
    const stream = uniqueStream('flush-fail');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records', indices: [1], errorCode: 'KMSDisabledException' }));
    const producer = new KinesisProducer({ streamName: stream, client: server.client() });
    const observed = [0, 1, 2].map((i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    expect(await producer.flush()).toEqual({ delivered: 2, failed: 1, errors: { KMSDisabledException: 1 } });
    await settleAll(observed);
    expect(observed[1]!.error!.code).toBe('Failed');
    server.setFault(undefined);
    await producer.close();
  });

  it('rejects with FlushTimeoutError carrying the outstanding count when the server stalls; records keep going', async () => {
    const stream = uniqueStream('stall');
    await server.createStream(stream, 1);
    let stalls = 1;
    server.setFault(() => (stalls-- > 0 ? { kind: 'stall' } : undefined));
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), requestTimeout: 400, retry: FAST_RETRY });
    const observed = Array.from({ length: 7 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    const error = await producer.flush({ timeout: 100 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlushTimeoutError);
    expect((error as FlushTimeoutError).code).toBe('FlushTimeout');
    expect((error as FlushTimeoutError).outstanding).toBe(7);
    expect((error as FlushTimeoutError).message).toMatch(/7 of 7 records still outstanding/);
    // The stalled request times out, is retried, and the records are delivered.
    expect(await producer.flush()).toEqual({ delivered: 7, failed: 0, errors: {} });
    await settleAll(observed);
    expect(observed[0]!.result!.attempts[0]!.errorCode).toBe('RequestTimeout');
    server.setFault(undefined);
    await producer.close();
  });

  it('rejects with FlushTimeoutError when its signal aborts', async () => {
    const stream = uniqueStream('abort');
    await server.createStream(stream, 1);
    let stalls = 1;
    server.setFault(() => (stalls-- > 0 ? { kind: 'stall' } : undefined));
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), requestTimeout: 300, retry: FAST_RETRY });
    const observed = observe(producer.put({ partitionKey: 'k', data: 'x' }));
    const controller = new AbortController();
    const flushed = producer.flush({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(flushed).rejects.toBeInstanceOf(FlushTimeoutError);
    await expect(producer.flush({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'FlushTimeout', outstanding: 1 });
    await producer.close();
    await observed.promise;
    expect(observed.result).toBeDefined();
    server.setFault(undefined);
  });
});

describe('close()', () => {
  it('flushes, settles everything, is idempotent, and put() afterwards rejects with ClosedError', async () => {
    const stream = uniqueStream('close');
    await server.createStream(stream, 2);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), recordMaxBufferedTime: 60_000 });
    const observed = Array.from({ length: 50 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    const closing = producer.close();
    expect(producer.close()).toBe(closing);
    await expect(producer.put({ partitionKey: 'late', data: 'x' })).rejects.toBeInstanceOf(ClosedError);
    await closing;
    await settleAll(observed);
    expect(observed.every((o) => o.settledCount === 1 && o.result)).toBe(true);
    expect(producer.getOutstandingRecordsCount()).toBe(0);
    const late = await producer.put({ partitionKey: 'late', data: 'x' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ClosedError);
    expect((late as ClosedError).code).toBe('Closed');
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 0, errors: {} });
    expect((await server.readAll(stream)).length).toBe(50);
  });

  it('builds its own HTTP/1.1 client from clientConfig and destroys it on close', async () => {
    const stream = uniqueStream('own-client');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({
      streamName: stream,
      clientConfig: { region: 'us-east-1', endpoint: server.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
      maxConnections: 2,
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.put({ partitionKey: `k${i}`, data: 'x' })));
    expect(results).toHaveLength(20);
    await producer.close();
    await producer.close();
    expect((await server.readAll(stream)).length).toBe(20);
  });
});
