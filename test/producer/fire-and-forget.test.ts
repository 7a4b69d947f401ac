import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClosedError, KinesisProducer, ProducerError, RecordFailedError, ValidationError, type FailedRecord } from '../../src/producer/index.js';
import { FAST_RETRY, observe, settleAll, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterEach(() => server.setFault(undefined));
afterAll(async () => {
  await server?.close();
});

/** Collects the process's unhandled rejections while `body` runs and for a few turns after it. */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await body();
    // Node reports unhandled rejections after the microtask queue drains: give it a few macrotask turns.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    if (typeof globalThis.gc === 'function') globalThis.gc();
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('fire and forget', () => {
  it('a failed put() nobody handles never rejects unhandled; flush() counts it with its error code, onError hears it', async () => {
    const stream = uniqueStream('faf');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records', indices: [1, 3], errorCode: 'KMSDisabledException' }));
    const errors: { error: ProducerError; record: FailedRecord }[] = [];
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), onError: (error, record) => errors.push({ error, record }) });
    const unhandled = await unhandledDuring(async () => {
      for (let i = 0; i < 5; i++) void producer.put({ partitionKey: `k${i}`, data: `v${i}` });
      const report = await producer.flush();
      expect(report).toEqual({ delivered: 3, failed: 2, errors: { KMSDisabledException: 2 } });
    });
    expect(unhandled).toEqual([]);
    expect(errors.map((e) => e.record.partitionKey).sort()).toEqual(['k1', 'k3']);
    for (const { error, record } of errors) {
      expect(error).toBeInstanceOf(RecordFailedError);
      expect((error as RecordFailedError).errorCode).toBe('KMSDisabledException');
      expect(record.streamName).toBe(stream);
    }
    expect(producer.metrics().recordsFailed).toBe(2);
    await producer.close();
  });

  it('without onError either: the failure is only counted, and nothing crashes', async () => {
    const stream = uniqueStream('faf-quiet');
    const producer = new KinesisProducer({ streamName: 'no-such-stream-faf', client: server.client(), rateLimit: Infinity });
    const unhandled = await unhandledDuring(async () => {
      void producer.put({ partitionKey: 'k', data: 'v' });
      void producer.put({ partitionKey: '', data: 'v' }); // invalid: refused at once
      void producer.put({ partitionKey: 'k', data: 'v', streamName: stream }); // a stream that does not exist
      const report = await producer.flush();
      expect(report).toEqual({ delivered: 0, failed: 2, errors: { StreamNotFound: 2 } });
      await producer.close();
      void producer.put({ partitionKey: 'k', data: 'v' }); // closed
    });
    expect(unhandled).toEqual([]);
  });

  it('the same failure still reaches whoever handles the promise: await, then(), catch(), finally(), Promise.allSettled', async () => {
    const stream = uniqueStream('faf-handled');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records', errorCode: 'KMSDisabledException' }));
    const onError: ProducerError[] = [];
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), onError: (error) => onError.push(error) });
    const awaited = producer.put({ partitionKey: 'a', data: 'x' });
    const caught = producer.put({ partitionKey: 'b', data: 'x' }).catch((error: unknown) => error);
    const thenned = producer.put({ partitionKey: 'c', data: 'x' }).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    let finallyRan = false;
    const finalled = producer
      .put({ partitionKey: 'd', data: 'x' })
      .finally(() => {
        finallyRan = true;
      })
      .catch((error: unknown) => error);
    const settled = Promise.allSettled([producer.put({ partitionKey: 'e', data: 'x' })]);
    await expect(awaited).rejects.toBeInstanceOf(RecordFailedError);
    expect(await caught).toBeInstanceOf(RecordFailedError);
    expect(await thenned).toBeInstanceOf(RecordFailedError);
    expect(await finalled).toBeInstanceOf(RecordFailedError);
    expect(finallyRan).toBe(true);
    const [one] = await settled;
    expect(one!.status).toBe('rejected');
    expect(onError).toHaveLength(5);
    // A handler attached after the record settled still gets the outcome.
    const late = await awaited.catch((error: unknown) => error);
    expect(late).toBeInstanceOf(RecordFailedError);
    await producer.close();
  });

  it('put() results are there for whoever asks, before or after delivery; each settles once', async () => {
    const stream = uniqueStream('faf-results');
    await server.createStream(stream, 2);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), retry: FAST_RETRY });
    const early = observe(producer.put({ partitionKey: 'a', data: 'x' }));
    const late = producer.put({ partitionKey: 'b', data: 'y' });
    await producer.flush();
    await settleAll([early]);
    expect(early.settledCount).toBe(1);
    expect(early.result!.shardId).toMatch(/^shardId-/);
    const result = await late;
    expect(result.sequenceNumber).toMatch(/^\d+$/);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]!.success).toBe(true);
    await producer.close();
  });

  it('handlers added while the record is outstanding behave as native ones: order, chains, thenables, throws', async () => {
    const stream = uniqueStream('faf-chains');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: server.client() });
    const order: string[] = [];
    const ok = producer.put({ partitionKey: 'a', data: 'x' });
    const first = ok.then(() => order.push('first'));
    const second = ok.then(() => order.push('second'));
    // A chain built before delivery: a handler's thenable is followed, a throw becomes the next rejection.
    const chained = ok
      .then((result) => Promise.resolve(result.shardId))
      .then((shardId) => `${shardId}!`)
      .finally(() => order.push('finally'));
    const thrown = ok
      .then(() => {
        throw new Error('handler threw');
      })
      .catch((error: unknown) => (error as Error).message);
    // then() on a then() result, and Promise.all over both kinds.
    const all = Promise.all([ok, ok.then((result) => result.sequenceNumber)]);
    expect(Object.prototype.toString.call(first)).toBe('[object Promise]');
    await producer.flush();
    expect(await chained).toMatch(/^shardId-.*!$/);
    expect(await thrown).toBe('handler threw');
    await Promise.all([first, second]);
    expect(order.slice(0, 2)).toEqual(['first', 'second']);
    const [result, sequenceNumber] = await all;
    expect(result.sequenceNumber).toBe(sequenceNumber);
    // After delivery, then() goes straight to a native promise.
    expect(await ok.then((late) => late.shardId)).toBe(result.shardId);
    await producer.close();
  });

  it("a failed record's rejection reaches an unhandled .then(onOk) chain as a native one would, and only there", async () => {
    const stream = uniqueStream('faf-unhandled-chain');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records', errorCode: 'KMSDisabledException' }));
    const producer = new KinesisProducer({ streamName: stream, client: server.client() });
    const unhandled = await unhandledDuring(async () => {
      void producer.put({ partitionKey: 'a', data: 'x' }).then(() => 'never');
      const handled = producer.put({ partitionKey: 'b', data: 'x' });
      const caught = handled.then(() => 'never').catch(() => 'caught');
      await producer.flush();
      expect(await caught).toBe('caught');
    });
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]).toBeInstanceOf(RecordFailedError);
    await producer.close();
  });

  it('refused puts reach onError with the stream and key they named, never the data', async () => {
    const seen: { error: ProducerError; record: FailedRecord }[] = [];
    const producer = new KinesisProducer({ streamName: 'some-stream', client: server.client(), rateLimit: Infinity, onError: (error, record) => seen.push({ error, record }) });
    const invalid = producer.put({ partitionKey: 'x'.repeat(300), data: 'secret-data' });
    await expect(invalid).rejects.toBeInstanceOf(ValidationError);
    await producer.close();
    const closed = producer.put({ partitionKey: 'k', data: 'secret-data' });
    await expect(closed).rejects.toBeInstanceOf(ClosedError);
    expect(seen.map((s) => s.error.code)).toEqual(['Validation', 'Closed']);
    expect(seen[1]!.record).toEqual({ streamName: 'some-stream', partitionKey: 'k' });
    expect(JSON.stringify(seen.map((s) => s.record))).not.toContain('secret-data');
  });

  it('an onError that throws does not break the producer: a warning says so', async () => {
    const stream = uniqueStream('faf-throws');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records', errorCode: 'KMSDisabledException' }));
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    try {
      const producer = new KinesisProducer({
        streamName: stream,
        client: server.client(),
        onError: () => {
          throw new Error('hook bug');
        },
      });
      void producer.put({ partitionKey: 'k', data: 'v' });
      expect(await producer.flush()).toEqual({ delivered: 0, failed: 1, errors: { KMSDisabledException: 1 } });
      await producer.close();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.some((message) => message.includes('onError threw: hook bug'))).toBe(true);
  });

  it('rejects an onError that is not a function', () => {
    expect(() => new KinesisProducer({ streamName: 's', client: server.client(), onError: 'log' as never })).toThrow(/"onError".*a function/);
  });
});
