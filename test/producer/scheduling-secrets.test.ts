import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KinesisProducer, type ProducerError } from '../../src/producer/index.js';
import { FAST_RETRY, observe, settleAll, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type Fault, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterEach(() => {
  server.setFault(undefined);
  vi.restoreAllMocks();
});
afterAll(async () => {
  await server?.close();
});

describe('scheduling: one timer, no polling', () => {
  it('arms a single timer for many buffered records and does not wake before the deadline', async () => {
    const stream = uniqueStream('timer');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), recordMaxBufferedTime: 60_000, rateLimit: Infinity });
    const spy = vi.spyOn(globalThis, 'setTimeout');
    // 400 records: fewer than collectionMaxCount (500), which would make a full batch ready at once.
    const observed = Array.from({ length: 400 }, (_, i) => observe(producer.put({ partitionKey: `k${i}`, data: 'x' })));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await Promise.resolve();
    expect(spy).toHaveBeenCalledTimes(1);
    // The deadline is min(recordMaxBufferedTime, recordTtl / 2): half the TTL is kept for sending.
    expect(spy.mock.calls[0]![1]).toBeGreaterThan(14_900);
    expect(spy.mock.calls[0]![1]).toBeLessThanOrEqual(15_000);
    spy.mockClear();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the test's own wait: the one call seen below
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(producer.metrics().putRecordsCalls).toBe(0);
    expect(await producer.flush()).toEqual({ delivered: 400, failed: 0, errors: {} });
    await settleAll(observed);
    await producer.close();
  });
});

describe('no credentials or data in errors', () => {
  const ACCESS_KEY = 'AKIAZZSECRETKEYID123';
  const SECRET = 'SuperSecret/Key+Value1234567890abcdefghij';
  const DATA = 'PRIVATE-CUSTOMER-DATA-42';

  function secretClient(): KinesisClient {
    return new KinesisClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
  }

  it.each<[string, Fault, string, Record<string, unknown>]>([
    ['refused credentials echoing the signature', { kind: 'error', status: 403, type: 'InvalidSignatureException', echoAuthorization: true }, 'RequestFailed', {}],
    ['a validation error echoing the signature', { kind: 'error', status: 400, type: 'ValidationException', echoAuthorization: true }, 'RequestFailed', {}],
    ['throttling until the TTL', { kind: 'error', status: 400, type: 'ProvisionedThroughputExceededException', echoAuthorization: true }, 'Expired', { recordTtl: 100 }],
    ['throttling with failIfThrottled', { kind: 'fail-records' }, 'Throttled', { failIfThrottled: true }],
    ['a server error until the TTL', { kind: 'error', status: 500, type: 'InternalFailure', echoAuthorization: true }, 'Expired', { recordTtl: 100 }],
  ])('%s', async (_name, fault, code, options) => {
    const stream = uniqueStream('secret');
    await server.createStream(stream, 1);
    server.setFault(() => fault);
    const client = secretClient();
    const producer = new KinesisProducer({ streamName: stream, client, retry: FAST_RETRY, ...options });
    const error = (await producer.put({ partitionKey: 'pk', data: DATA }).catch((e: unknown) => e)) as ProducerError;
    expect(error.code).toBe(code);
    const text = `${error.message} ${JSON.stringify(error)} ${JSON.stringify(error.attempts)} ${String(error.stack)}`;
    for (const secret of [ACCESS_KEY, SECRET, DATA, Buffer.from(DATA).toString('base64')]) expect(text).not.toContain(secret);
    await producer.close();
    client.destroy();
  });
});
