import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BufferFullError,
  ClosedError,
  ConfigError,
  FlushTimeoutError,
  KinesisProducer,
  ProducerError,
  RecordFailedError,
  RequestFailedError,
  StreamNotFoundError,
  ValidationError,
  type KinesisProducerOptions,
} from '../../src/producer/index.js';
import { FAST_RETRY, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';
import { startAuthProxy, type AuthProxy } from './auth-proxy.js';

/**
 * Bad input and refused requests: each gives a clear error on the right promise, nothing is half-sent, nothing
 * escapes as an uncaught exception or unhandled rejection, and no error, stack or log line carries the credentials
 * or the record data. validation.test.ts covers the basic option and record checks; this file adds the rest.
 */
const ACCESS_KEY = 'AKIASLEEPLESSLEAK042';
const REFUSED_KEY = 'AKIASLEEPLESSDENY042';
const BAD_SIGNATURE_KEY = 'AKIASLEEPLESSBSIG042';
const SECRET = 'sleeplessSecret/Do+Not+Leak/0123456789abcdefXYZ';
const DATA = 'PRIVATE-CUSTOMER-RECORD-4111-1111-1111-1111';
const SECRETS = [ACCESS_KEY, REFUSED_KEY, BAD_SIGNATURE_KEY, SECRET, DATA, Buffer.from(DATA).toString('base64')];
/** A signature or credential scope that was not redacted. */
const UNREDACTED = /(Signature|Credential|SignedHeaders)=(?!\[redacted\])/;

let server: KinesisTestServer;
let proxy: AuthProxy;
const leaks: string[] = [];
const logged: string[] = [];
/** Every error seen in this file, checked for secrets at the end. */
const seen: unknown[] = [];
const onRejection = (reason: unknown) => leaks.push(`unhandledRejection: ${String(reason)}`);
const onException = (error: Error) => leaks.push(`uncaughtException: ${error.message}`);
const onWarning = (warning: Error) => {
  logged.push(`${warning.name}: ${warning.message}`);
  if (warning.name === 'KinesisProducerWarning') leaks.push(`warning: ${warning.message}`);
};
const clients: KinesisClient[] = [];

function clientFor(accessKeyId: string, endpoint = proxy.endpoint): KinesisClient {
  const client = new KinesisClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId, secretAccessKey: SECRET },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

function textOf(error: unknown): string {
  const e = error as Error & { attempts?: unknown };
  return [String(e), e.message, e.stack, JSON.stringify(e), JSON.stringify(e.attempts ?? []), JSON.stringify(Object.entries(e))].join('\n');
}

function expectNoSecrets(error: unknown): void {
  seen.push(error);
  const text = textOf(error);
  for (const secret of SECRETS) expect(text, `error text contains ${secret}`).not.toContain(secret);
  expect(text).not.toMatch(UNREDACTED);
}

async function rejection(promise: Promise<unknown>): Promise<ProducerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome === undefined) throw new Error('expected a rejection');
  expectNoSecrets(outcome);
  return outcome as ProducerError;
}

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('warning', onWarning);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? textOf(a) : JSON.stringify(a))).join(' '));
      original(...args);
    });
  }
  server = await startKinesisServer();
  proxy = await startAuthProxy(server.endpoint);
  proxy.refuse(REFUSED_KEY, 'UnrecognizedClientException');
  proxy.refuse(BAD_SIGNATURE_KEY, 'InvalidSignatureException');
});
afterEach(() => server.setFault(undefined));
afterAll(async () => {
  for (const client of clients) client.destroy();
  await proxy?.close();
  await server?.close();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  process.off('warning', onWarning);
  vi.restoreAllMocks();
});

describe('invalid configuration', () => {
  const base = { streamName: 'stream' };
  it.each<[string, unknown, string, RegExp]>([
    ['null options', null, 'options', /got null; allowed: an object/],
    ['a string as options', 'stream', 'options', /got string; allowed: an object/],
    ['NaN recordTtl', { ...base, recordTtl: Number.NaN }, 'recordTtl', /got NaN; allowed: an integer from 1/],
    ['Infinity maxConnections', { ...base, maxConnections: Number.POSITIVE_INFINITY }, 'maxConnections', /got Infinity; allowed: an integer from 1 to 256/],
    ['an empty stream name', { streamName: '' }, 'streamName', /must be 1–128 characters/],
    ['a numeric stream name', { streamName: 42 }, 'streamName', /must be a string \(got number\)/],
    ['aggregation as an array', { ...base, aggregation: [] }, 'aggregation', /got array; allowed: an object/],
    ['retry as null', { ...base, retry: null }, 'retry', /got null; allowed: an object/],
    ['an unknown retry option', { ...base, retry: { base: 5 } }, 'retry.base', /unknown option; allowed: baseDelay, maxDelay/],
    ['an unknown aggregation option', { ...base, aggregation: { enable: true } }, 'aggregation.enable', /unknown option; allowed: enabled, maxCount, maxSize/],
    ['an unknown shardMapRefresh option', { ...base, shardMapRefresh: { interval: 5 } }, 'shardMapRefresh.interval', /unknown option; allowed: minDelay, maxDelay/],
    ['a negative rateLimit', { ...base, rateLimit: -5 }, 'rateLimit', /got -5; allowed: a number of percent above 0/],
    ['a NaN rateLimit', { ...base, rateLimit: Number.NaN }, 'rateLimit', /got NaN; allowed/],
    ['a string failIfThrottled', { ...base, failIfThrottled: 'no' }, 'failIfThrottled', /got string; allowed: true or false/],
    ['a tiny collectionMaxSize', { ...base, collectionMaxSize: 100 }, 'collectionMaxSize', /got 100; allowed: an integer from 52224/],
    ['aggregation.maxCount 0', { ...base, aggregation: { enabled: true, maxCount: 0 } }, 'aggregation.maxCount', /got 0; allowed: an integer from 1/],
    ['shardMapRefresh.maxDelay below minDelay', { ...base, shardMapRefresh: { minDelay: 10, maxDelay: 5 } }, 'shardMapRefresh.maxDelay', /smaller than shardMapRefresh.minDelay/],
    ['clientConfig as a string', { ...base, clientConfig: 'eu-west-1' }, 'clientConfig', /got string; allowed: an object/],
    ['credentials with a bad option next to them', { ...base, clientConfig: { credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } }, requestTimeout: 5 }, 'requestTimeout', /got 5; allowed: an integer from 100/],
  ])('%s: a ConfigError naming the option', (_name, options, option, message) => {
    let thrown: unknown;
    try {
      new KinesisProducer(options as KinesisProducerOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.code).toBe('Config');
    expect(error.option).toBe(option);
    expect(error.message).toContain(`Invalid producer option "${option}"`);
    expect(error.message).toMatch(message);
    expectNoSecrets(error);
  });
});

describe('invalid records', () => {
  let producer: KinesisProducer;
  beforeAll(() => {
    producer = new KinesisProducer({ streamName: 'never-sent', client: clientFor(ACCESS_KEY), maxRecordSize: 1024, rateLimit: Infinity });
  });
  afterAll(async () => {
    await producer.close();
  });

  const throwingData = {
    partitionKey: 'k',
    get data(): string {
      throw new Error('getter failed');
    },
  };
  it.each<[string, unknown, string | undefined, RegExp]>([
    ['data as an array of numbers', { partitionKey: 'k', data: [1, 2, 3] }, 'data', /data must be a Uint8Array, a Buffer or a string \(got array\)/],
    ['data as an ArrayBuffer', { partitionKey: 'k', data: new ArrayBuffer(8) }, 'data', /\(got object\)/],
    ['data as a DataView', { partitionKey: 'k', data: new DataView(new ArrayBuffer(8)) }, 'data', /\(got object\)/],
    ['data as null', { partitionKey: 'k', data: null }, 'data', /\(got null\)/],
    ['data as an object holding the secret', { partitionKey: 'k', data: { secret: DATA } }, 'data', /\(got object\)/],
    ['oversize data holding the secret', { partitionKey: 'k', data: DATA.repeat(40) }, 'data', /record is 1721 bytes \(partition key UTF-8 bytes \+ data\), more than maxRecordSize \(1024\)/],
    ['oversize multi-byte data', { partitionKey: 'k', data: '€'.repeat(400) }, 'data', /record is 1201 bytes/],
    ['a symbol partition key', { partitionKey: Symbol('k'), data: 'x' }, 'partitionKey', /\(got symbol\)/],
    ['an empty partition key', { partitionKey: '', data: DATA }, 'partitionKey', /1–256 characters long \(got 0\)/],
    ['a partition key of 257 characters', { partitionKey: 'é'.repeat(257), data: DATA }, 'partitionKey', /\(got 257\)/],
    ['an explicit hash key with a leading zero', { partitionKey: 'k', data: 'x', explicitHashKey: '007' }, 'explicitHashKey', /without leading zeros/],
    ['an explicit hash key with a space', { partitionKey: 'k', data: 'x', explicitHashKey: ' 1' }, 'explicitHashKey', /decimal integer string/],
    ['an explicit hash key as a bigint', { partitionKey: 'k', data: 'x', explicitHashKey: 5n }, 'explicitHashKey', /\(got bigint\)/],
    ['an empty explicit hash key', { partitionKey: 'k', data: 'x', explicitHashKey: '' }, 'explicitHashKey', /decimal integer string/],
    ['a record that is a string', DATA, 'record', /put\(\) expects an object/],
    ['a record that is an array', [DATA], 'record', /\(got array\)/],
    ['a stream name that is too long', { partitionKey: 'k', data: 'x', streamName: 's'.repeat(129) }, 'streamName', /1–128 characters/],
    ['a data getter that throws', throwingData, undefined, /getter failed/],
  ])('%s: rejects at once, never sends', async (_name, record, field, message) => {
    const requestsBefore = server.putRecordsRequests + proxy.requests;
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = producer.put(record as never);
    }).not.toThrow();
    const error = await rejection(promise!);
    if (field) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe('Validation');
      expect((error as ValidationError).field).toBe(field);
      expect(error.message).toMatch(/^Invalid record: /);
    }
    expect(error.message).toMatch(message);
    expect(producer.getOutstandingRecordsCount()).toBe(0);
    expect(producer.metrics().recordsPut).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.putRecordsRequests + proxy.requests).toBe(requestsBefore);
  });
});

describe('lifecycle misuse', () => {
  it('put() after close() rejects with ClosedError; close() is idempotent', async () => {
    const stream = uniqueStream('closed');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity });
    const first = producer.close();
    expect(producer.close()).toBe(first);
    await first;
    const error = await rejection(producer.put({ partitionKey: 'k', data: DATA }));
    expect(error).toBeInstanceOf(ClosedError);
    expect(error.code).toBe('Closed');
    expect(error.message).toMatch(/producer is closed; put\(\) no longer accepts records/);
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 0, errors: {} });
  });

  it('flush() during close() returns, put() during close() is refused, records put before are delivered', async () => {
    const stream = uniqueStream('flush-close');
    await server.createStream(stream, 2);
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity, recordMaxBufferedTime: 60_000 });
    const puts = Array.from({ length: 50 }, (_, i) => producer.put({ partitionKey: `k${i}`, data: `${DATA}-${i}` }));
    const closing = producer.close();
    const flushing = producer.flush();
    const late = await rejection(producer.put({ partitionKey: 'late', data: DATA }));
    expect(late).toBeInstanceOf(ClosedError);
    expect(await flushing).toEqual({ delivered: 50, failed: 0, errors: {} });
    await closing;
    const results = await Promise.allSettled(puts);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('put() waiting for room when close() is called is delivered, not dropped', async () => {
    const stream = uniqueStream('wait-close');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity, maxOutstandingRecords: 2 });
    const puts = Array.from({ length: 6 }, (_, i) => producer.put({ partitionKey: `k${i}`, data: 'x' }));
    expect(producer.metrics().waitingRecords).toBe(4);
    await producer.close();
    expect((await Promise.allSettled(puts)).map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
  });

  it("onFull: 'reject' rejects the record that does not fit with BufferFullError", async () => {
    const stream = uniqueStream('full');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity, maxOutstandingRecords: 1, onFull: 'reject' });
    const first = producer.put({ partitionKey: 'k', data: DATA });
    const error = await rejection(producer.put({ partitionKey: 'k', data: DATA }));
    expect(error).toBeInstanceOf(BufferFullError);
    expect(error.code).toBe('BufferFull');
    expect(error.message).toMatch(/holds 1 records \/ \d+ bytes not yet settled \(maxOutstandingRecords 1/);
    await first;
    await producer.close();
  });

  it('flush() with a timeout or an aborted signal rejects with FlushTimeoutError; a bad timeout with RangeError', async () => {
    const stream = uniqueStream('flush-timeout');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'delay', ms: 300 }));
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity });
    const put = producer.put({ partitionKey: 'k', data: DATA });
    const timedOut = await rejection(producer.flush({ timeout: 20 }));
    expect(timedOut).toBeInstanceOf(FlushTimeoutError);
    expect(timedOut.code).toBe('FlushTimeout');
    expect((timedOut as FlushTimeoutError).outstanding).toBe(1);
    expect(timedOut.message).toMatch(/timed out after 20 ms with 1 of 1 records still outstanding/);
    const aborted = await rejection(producer.flush({ signal: AbortSignal.abort() }));
    expect(aborted).toBeInstanceOf(FlushTimeoutError);
    const bad = await producer.flush({ timeout: -1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(RangeError);
    expect((bad as Error).message).toMatch(/flush\(\{ timeout \}\) must be a number of milliseconds >= 0 \(got -1\)/);
    await put;
    await producer.close();
  });
});

describe('refused requests', () => {
  it('a stream that does not exist: StreamNotFoundError on every record, flush and close return', async () => {
    const producer = new KinesisProducer({ streamName: 'no-such-stream', client: clientFor(ACCESS_KEY), retry: FAST_RETRY });
    // Handlers go on at once: a rejection nobody handles yet is the caller's unhandled rejection, not the producer's.
    const puts = [producer.put({ partitionKey: 'a', data: DATA }), producer.put({ partitionKey: 'b', data: DATA, streamName: 'also-missing' })].map(rejection);
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 2, errors: { StreamNotFound: 2 } });
    for (const [index, put] of puts.entries()) {
      const error = await put;
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect(error.code).toBe('StreamNotFound');
      const name = index === 0 ? 'no-such-stream' : 'also-missing';
      expect((error as StreamNotFoundError).streamName).toBe(name);
      expect(error.message).toBe(`Stream "${name}" was not found (ResourceNotFoundException); check the name, account and region`);
      expect(error.attempts.length).toBeGreaterThanOrEqual(1);
      expect(error.attempts.at(-1)!.errorCode).toBe('ResourceNotFoundException');
    }
    await producer.close();
  });

  it.each([
    [REFUSED_KEY, 'UnrecognizedClientException'],
    [BAD_SIGNATURE_KEY, 'InvalidSignatureException'],
  ])('credentials refused (%s → %s): RequestFailedError at once, without the service text', async (key, type) => {
    const stream = uniqueStream('refused');
    await server.createStream(stream, 1);
    // Default rateLimit: ListShards is refused too, and must not leak or throw either.
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(key), retry: FAST_RETRY, aggregation: { enabled: true } });
    const puts = Array.from({ length: 3 }, (_, i) => rejection(producer.put({ partitionKey: `k${i}`, data: DATA })));
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 3, errors: { [type]: 3 } });
    for (const put of puts) {
      const error = await put;
      expect(error).toBeInstanceOf(RequestFailedError);
      expect(error.code).toBe('RequestFailed');
      expect((error as RequestFailedError).errorCode).toBe(type);
      expect((error as RequestFailedError).httpStatusCode).toBe(400);
      expect(error.message).toBe(
        `PutRecords to "${stream}" failed: ${type} (HTTP 400): Kinesis refused the credentials or permissions (${type}, HTTP 400); check the client's credentials and its kinesis:PutRecords permission`,
      );
      expect(error.attempts).toHaveLength(1);
      expect(error.message).not.toContain('security token');
    }
    await producer.close();
  });

  it('a per-record refusal echoing credentials: RecordFailedError with the key id and signature redacted', async () => {
    const stream = uniqueStream('kms');
    await server.createStream(stream, 1);
    server.setFault(() => ({ kind: 'fail-records', errorCode: 'KMSAccessDeniedException', errorMessage: `User ${ACCESS_KEY} is not allowed; Credential=${ACCESS_KEY}/20240101/us-east-1 Signature=abcdef0123456789 data=${Buffer.from(DATA).toString('base64')}` }));
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity });
    const error = await rejection(producer.put({ partitionKey: 'k', data: DATA }));
    expect(error).toBeInstanceOf(RecordFailedError);
    expect(error.code).toBe('Failed');
    expect((error as RecordFailedError).errorCode).toBe('KMSAccessDeniedException');
    expect(error.message).toMatch(/^Kinesis refused the record for ".*": KMSAccessDeniedException: User \[redacted key id\] is not allowed/);
    expect(error.message).toContain('is not allowed; Credential=[redacted] Signature=[redacted] [redacted]');
    await producer.close();
  });

  it('errors echoing the signature on every retryable path: Expired, with nothing of the request in it', async () => {
    const stream = uniqueStream('echo');
    await server.createStream(stream, 1);
    let call = 0;
    const faults = [
      { kind: 'error', status: 500, type: 'InternalFailure', echoAuthorization: true },
      { kind: 'error', status: 400, type: 'ThrottlingException', echoAuthorization: true },
      { kind: 'error', status: 503, type: 'ServiceUnavailable', echoAuthorization: true },
      { kind: 'drop' },
    ] as const;
    server.setFault(() => faults[call++ % faults.length]);
    const producer = new KinesisProducer({ streamName: stream, client: clientFor(ACCESS_KEY), rateLimit: Infinity, recordTtl: 300, retry: FAST_RETRY });
    const error = await rejection(producer.put({ partitionKey: 'k', data: DATA }));
    expect(error.code).toBe('Expired');
    expect(error.message).toMatch(/^Record expired after \d+ attempt\(s\) in \d+ ms \(recordTtl 300 ms\)/);
    expect(error.attempts.length).toBeGreaterThanOrEqual(1);
    for (const attempt of error.attempts) expect(['InternalFailure', 'ThrottlingException', 'ServiceUnavailable', 'NetworkError']).toContain(attempt.errorCode);
    await producer.close();
  });
});

describe('a misbehaving client', () => {
  it.each<[string, () => unknown]>([
    ['send() throws synchronously', () => {
      throw new TypeError(`boom ${SECRET}`);
    }],
    ['send() resolves without Records', () => Promise.resolve({})],
    ['send() resolves with an empty result per record', () => Promise.resolve({ FailedRecordCount: 0, Records: [{}] })],
    ['send() rejects with a non-Error', () => Promise.reject('plain string')],
  ])('%s: the record expires with an Expired error, nothing escapes', async (_name, send) => {
    const client = { send, destroy() {} } as unknown as KinesisClient;
    const producer = new KinesisProducer({ streamName: 'stream', client, rateLimit: Infinity, recordTtl: 150, retry: FAST_RETRY });
    const error = await rejection(producer.put({ partitionKey: 'k', data: DATA }));
    expect(error.code).toBe('Expired');
    expect(error.attempts.length).toBeGreaterThanOrEqual(1);
    expect(error.message).toMatch(/^Record expired after \d+ attempt\(s\)/);
    await producer.close();
  });
});

describe('nothing leaked', () => {
  it('no uncaught exception, unhandled rejection or producer warning; no secret in any error or log line', async () => {
    // Let any stray timer or rejection surface first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThan(40);
    for (const line of logged) {
      for (const secret of SECRETS) expect(line, `log line contains ${secret}`).not.toContain(secret);
      expect(line).not.toMatch(UNREDACTED);
    }
  });
});
