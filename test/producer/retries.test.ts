import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExpiredError, KinesisProducer, RecordFailedError, RequestFailedError, StreamNotFoundError, ThrottledError } from '../../src/producer/index.js';
import { FAST_RETRY, observe, settleAll, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type Fault, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterEach(() => server.setFault(undefined));
afterAll(async () => {
  await server?.close();
});

/** Applies `faults` to the first PutRecords requests, then passes. */
function faultSequence(...faults: Fault[]): void {
  let next = 0;
  server.setFault(() => faults[next++]);
}

async function produce(stream: string, count: number, options: Partial<ConstructorParameters<typeof KinesisProducer>[0]> = {}) {
  const producer = new KinesisProducer({ streamName: stream, client: server.client(), retry: FAST_RETRY, recordMaxBufferedTime: 5, ...options });
  const observed = Array.from({ length: count }, (_, i) => observe(producer.put({ partitionKey: `pk-${i}`, data: `payload-${i}` })));
  const report = await producer.flush();
  await settleAll(observed);
  for (const o of observed) expect(o.settledCount).toBe(1);
  return { producer, observed, report };
}

async function expectAllStored(stream: string, count: number): Promise<void> {
  const stored = await server.readAll(stream);
  const keys = new Set(stored.map((r) => r.partitionKey));
  for (let i = 0; i < count; i++) expect(keys.has(`pk-${i}`)).toBe(true);
  for (const record of stored) expect(record.data.toString()).toBe(`payload-${record.partitionKey.slice(3)}`);
}

describe('retries', () => {
  it('retries per-record ProvisionedThroughputExceededException, then delivers', async () => {
    const stream = uniqueStream('ptee');
    // One shard, so the request's order is the put order (with more, records are grouped by shard).
    await server.createStream(stream, 1);
    faultSequence({ kind: 'fail-records', indices: [0, 2, 4, 6] }, { kind: 'fail-records', indices: [0] });
    const { producer, observed, report } = await produce(stream, 10);
    expect(report).toEqual({ delivered: 10, failed: 0, errors: {} });
    const retried = observed.filter((o) => o.result!.attempts.length > 1);
    expect(retried.length).toBe(4);
    const first = observed[0]!.result!;
    expect(first.attempts.map((a) => a.success)).toEqual([false, false, true]);
    expect(first.attempts[0]!.errorCode).toBe('ProvisionedThroughputExceededException');
    expect(producer.metrics().recordsRetried).toBe(5);
    await expectAllStored(stream, 10);
    expect((await server.readAll(stream)).length).toBe(10);
    await producer.close();
  });

  it.each<[string, Fault]>([
    ['a whole-request 400 throttle', { kind: 'error', status: 400, type: 'ProvisionedThroughputExceededException' }],
    ['a 500 InternalFailure', { kind: 'error', status: 500, type: 'InternalFailure' }],
    ['a 503 ServiceUnavailable', { kind: 'error', status: 503, type: 'ServiceUnavailable' }],
    ['a dropped connection', { kind: 'drop' }],
  ])('retries after %s, then delivers', async (_name, fault) => {
    const stream = uniqueStream('req-fault');
    await server.createStream(stream, 1);
    faultSequence(fault, fault);
    const { producer, observed, report } = await produce(stream, 20);
    expect(report).toEqual({ delivered: 20, failed: 0, errors: {} });
    for (const o of observed) {
      expect(o.result!.attempts.length).toBe(3);
      expect(o.result!.attempts.at(-1)!.success).toBe(true);
    }
    await expectAllStored(stream, 20);
    expect(producer.metrics().putRecordsErrors).toBe(2);
    await producer.close();
  });

  it('abandons a response slower than requestTimeout and retries (at least once)', async () => {
    const stream = uniqueStream('slow');
    await server.createStream(stream, 1);
    faultSequence({ kind: 'delay', ms: 1500 });
    const { producer, observed, report } = await produce(stream, 5, { requestTimeout: 150 });
    expect(report).toEqual({ delivered: 5, failed: 0, errors: {} });
    expect(observed[0]!.result!.attempts[0]!.errorCode).toBe('RequestTimeout');
    expect(observed[0]!.result!.attempts[0]!.durationMs).toBeLessThan(1000);
    await expectAllStored(stream, 5);
    await producer.close();
  });

  it('expires records whose TTL passes while throttled, with their attempts', async () => {
    const stream = uniqueStream('ttl');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records' }));
    const started = performance.now();
    const { producer, observed, report } = await produce(stream, 3, { recordTtl: 250 });
    const elapsed = performance.now() - started;
    expect(report).toEqual({ delivered: 0, failed: 3, errors: { Expired: 3 } });
    expect(elapsed).toBeGreaterThanOrEqual(240);
    for (const o of observed) {
      expect(o.error).toBeInstanceOf(ExpiredError);
      const error = o.error as ExpiredError;
      expect(error.code).toBe('Expired');
      expect(error.attempts.length).toBeGreaterThanOrEqual(2);
      expect(error.attempts.every((a) => a.errorCode === 'ProvisionedThroughputExceededException')).toBe(true);
      expect(error.lastErrorCode).toBe('ProvisionedThroughputExceededException');
      expect(error.message).toMatch(/expired after \d+ attempt\(s\) in \d+ ms \(recordTtl 250 ms\)/);
    }
    expect(producer.metrics().recordsExpired).toBe(3);
    await producer.close();
  });

  it('fails throttled records at once with failIfThrottled', async () => {
    const stream = uniqueStream('fit');
    await server.createStream(stream, 1);
    faultSequence({ kind: 'fail-records', indices: [1] }, { kind: 'error', status: 400, type: 'ProvisionedThroughputExceededException' });
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), failIfThrottled: true, recordMaxBufferedTime: 5 });
    const first = [observe(producer.put({ partitionKey: 'a', data: 'x' })), observe(producer.put({ partitionKey: 'b', data: 'y' }))];
    expect(await producer.flush()).toEqual({ delivered: 1, failed: 1, errors: { Throttled: 1 } });
    await settleAll(first);
    expect(first[0]!.result!.shardId).toBeDefined();
    expect(first[1]!.error).toBeInstanceOf(ThrottledError);
    expect((first[1]!.error as ThrottledError).attempts).toHaveLength(1);
    const second = observe(producer.put({ partitionKey: 'c', data: 'z' }));
    await producer.flush();
    await second.promise;
    expect(second.error).toBeInstanceOf(ThrottledError);
    expect(second.error!.code).toBe('Throttled');
    expect(producer.metrics().recordsThrottled).toBe(2);
    await producer.close();
  });

  it('fails at once on non-retryable request errors, without leaking credentials', async () => {
    const stream = uniqueStream('fatal');
    await server.createStream(stream, 1);
    faultSequence({
      kind: 'error',
      status: 400,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid. Credential=AKIAIOSFODNN7EXAMPLE/20260101 secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    }, { kind: 'error', status: 400, type: 'ValidationException', message: '1 validation error detected' });
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), recordMaxBufferedTime: 5 });
    const denied = observe(producer.put({ partitionKey: 'k', data: 'TOP-SECRET-DATA' }));
    await producer.flush();
    await denied.promise;
    expect(denied.error).toBeInstanceOf(RequestFailedError);
    const error = denied.error as RequestFailedError;
    expect(error.code).toBe('RequestFailed');
    expect(error.errorCode).toBe('UnrecognizedClientException');
    expect(error.httpStatusCode).toBe(400);
    expect(error.attempts).toHaveLength(1);
    expect(error.message).toMatch(/credentials/);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'TOP-SECRET-DATA', 'secretAccessKey']) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.attempts)).not.toContain(secret);
    }
    const invalid = observe(producer.put({ partitionKey: 'k', data: 'TOP-SECRET-DATA' }));
    await producer.flush();
    await invalid.promise;
    expect(invalid.error).toBeInstanceOf(RequestFailedError);
    expect((invalid.error as RequestFailedError).errorCode).toBe('ValidationException');
    expect(invalid.error!.message).not.toContain('TOP-SECRET-DATA');
    await producer.close();
  });

  it('fails a record at once on a non-retryable per-record error code', async () => {
    const stream = uniqueStream('kms');
    await server.createStream(stream, 1);
    faultSequence({ kind: 'fail-records', indices: [0], errorCode: 'KMSAccessDeniedException', errorMessage: 'no access to key' });
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), recordMaxBufferedTime: 5 });
    const denied = observe(producer.put({ partitionKey: 'k', data: 'x' }));
    const fine = observe(producer.put({ partitionKey: 'l', data: 'y' }));
    expect(await producer.flush()).toEqual({ delivered: 1, failed: 1, errors: { KMSAccessDeniedException: 1 } });
    await settleAll([denied, fine]);
    expect(denied.error).toBeInstanceOf(RecordFailedError);
    expect((denied.error as RecordFailedError).errorCode).toBe('KMSAccessDeniedException');
    expect(denied.error!.code).toBe('Failed');
    expect(fine.result).toBeDefined();
    await producer.close();
  });

  it('rejects records for a stream that does not exist', async () => {
    const producer = new KinesisProducer({ streamName: 'no-such-stream', client: server.client(), recordMaxBufferedTime: 5, aggregation: { enabled: true } });
    const observed = [observe(producer.put({ partitionKey: 'k', data: 'x' })), observe(producer.put({ partitionKey: 'k', data: 'x', streamName: 'another-missing' }))];
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 2, errors: { StreamNotFound: 2 } });
    await settleAll(observed);
    for (const o of observed) {
      expect(o.error).toBeInstanceOf(StreamNotFoundError);
      expect(o.error!.code).toBe('StreamNotFound');
    }
    expect(observed[1]!.error!.message).toContain('another-missing');
    await producer.close();
  });
});

describe('chaos', () => {
  it('settles every put exactly once under mixed faults; every delivered record is stored', async () => {
    const stream = uniqueStream('chaos');
    await server.createStream(stream, 4);
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    server.setFault(({ body }) => {
      const roll = random();
      if (roll < 0.25) return { kind: 'fail-records', indices: body.Records.map((_, i) => i).filter(() => random() < 0.5) };
      if (roll < 0.35) return { kind: 'error', status: 500, type: 'InternalFailure' };
      if (roll < 0.45) return { kind: 'error', status: 400, type: 'ProvisionedThroughputExceededException' };
      if (roll < 0.5) return { kind: 'drop' };
      if (roll < 0.55) return { kind: 'delay', ms: 300 };
      return undefined;
    });
    const producer = new KinesisProducer({
      streamName: stream,
      client: server.client(),
      retry: FAST_RETRY,
      requestTimeout: 150,
      recordMaxBufferedTime: 5,
      collectionMaxCount: 50,
      maxConnections: 4,
      aggregation: { enabled: true, maxSize: 1024 },
    });
    const observed: ReturnType<typeof observe>[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 60; i++) {
        const n = round * 60 + i;
        observed.push(observe(producer.put({ partitionKey: `pk-${n}`, data: `payload-${n}` })));
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const outstandingAtFlush = producer.getOutstandingRecordsCount();
    const report = await producer.flush();
    await settleAll(observed);
    // The snapshot holds only what was outstanding at the call; earlier records had settled already.
    expect(report.delivered + report.failed).toBe(outstandingAtFlush);
    for (const o of observed) expect(o.settledCount).toBe(1);
    const failed = observed.filter((o) => o.error);
    for (const o of failed) expect(o.error!.code).toBe('Expired');
    const m = producer.metrics();
    expect(m.recordsDelivered + m.recordsFailed).toBe(600);
    expect(m.recordsRetried).toBeGreaterThan(0);
    await producer.close();
    server.setFault(undefined);
    const read = await server.readUserRecords(stream);
    const stored = new Set(read.records.map((r) => r.partitionKey));
    observed.forEach((o, n) => {
      if (o.result) expect(stored.has(`pk-${n}`)).toBe(true);
    });
    for (const record of read.records) expect(record.data.toString()).toBe(`payload-${record.partitionKey.slice(3)}`);
  });
});
