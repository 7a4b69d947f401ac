import { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, KinesisProducer, ProducerError, ValidationError, type KinesisProducerOptions } from '../../src/producer/index.js';

// No request is ever sent in this file: the client points nowhere.
const client = new KinesisClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } });

function configError(options: unknown): ConfigError {
  try {
    new KinesisProducer(options as KinesisProducerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(ProducerError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has the KPL defaults', () => {
    expect(DEFAULTS).toMatchObject({
      recordMaxBufferedTime: 100,
      collectionMaxCount: 500,
      collectionMaxSize: 5 * 1024 * 1024,
      maxRecordSize: 1024 * 1024,
      aggregation: { enabled: false, maxSize: 51_200, maxCount: 4_294_967_295 },
      maxConnections: 24,
      requestTimeout: 6000,
      recordTtl: 30_000,
      failIfThrottled: false,
      rateLimit: 150,
      onFull: 'wait',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['collectionMaxCount', { collectionMaxCount: 501 }, /"collectionMaxCount": got 501; allowed: an integer from 1 to 500 \(default 500\)/],
    ['recordMaxBufferedTime', { recordMaxBufferedTime: -1 }, /"recordMaxBufferedTime": got -1; allowed: an integer from 0/],
    ['maxConnections', { maxConnections: 1.5 }, /"maxConnections": got 1.5; allowed: an integer from 1 to 256/],
    ['requestTimeout', { requestTimeout: '6000' }, /"requestTimeout": got string; allowed: an integer/],
    ['aggregation.maxSize', { aggregation: { enabled: true, maxSize: 10 } }, /"aggregation.maxSize": got 10; allowed: an integer from 64/],
    ['aggregation.maxSize', { maxRecordSize: 1000, aggregation: { maxSize: 2000 } }, /"aggregation.maxSize": got 2000, larger than maxRecordSize \(1000\)/],
    ['aggregation.enabled', { aggregation: { enabled: 'yes' } }, /"aggregation.enabled": got string; allowed: true or false/],
    ['onFull', { onFull: 'block' }, /"onFull": got "block"; allowed: 'wait' or 'reject'/],
    ['rateLimit', { rateLimit: 0 }, /"rateLimit": got 0; allowed: a number of percent above 0/],
    ['streamName', { streamName: 'bad name!' }, /"streamName": must be 1–128 characters/],
    ['maxOutstandingBytes', { maxOutstandingBytes: 1000 }, /"maxOutstandingBytes": got 1000, smaller than maxRecordSize/],
    ['retry.maxDelay', { retry: { baseDelay: 100, maxDelay: 10 } }, /"retry.maxDelay": got 10, smaller than retry.baseDelay/],
    ['recordTTL', { recordTTL: 5 }, /"recordTTL": unknown option; allowed: streamName, client/],
    ['client', { client: {} }, /"client": got object; allowed: a KinesisClient/],
  ])('rejects an invalid %s with a message naming it, the problem and what is allowed', (option, options, message) => {
    const error = configError({ client, ...(options as object) });
    expect(error.code).toBe('Config');
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('rejects a missing options object and client together with clientConfig', () => {
    expect(configError(undefined).message).toMatch(/"options": got undefined; allowed: an object/);
    expect(configError({ client, clientConfig: { region: 'x' } }).option).toBe('clientConfig');
  });

  it('never quotes credentials in config errors', () => {
    const error = configError({ clientConfig: { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' } }, maxConnections: 0 });
    expect(error.message).not.toContain('AKIA');
    expect(error.message).not.toContain('wJalr');
  });
});

describe('record validation', () => {
  const producer = new KinesisProducer({ streamName: 'valid-stream', client, maxRecordSize: 1024 });

  it.each<[string, unknown, RegExp]>([
    ['record', null, /put\(\) expects an object/],
    ['partitionKey', { data: 'x' }, /partitionKey must be a string of 1–256 characters \(got undefined\)/],
    ['partitionKey', { partitionKey: '', data: 'x' }, /partitionKey must be 1–256 characters long \(got 0\)/],
    ['partitionKey', { partitionKey: 'k'.repeat(257), data: 'x' }, /\(got 257\)/],
    ['data', { partitionKey: 'k', data: 42 }, /data must be a Uint8Array, a Buffer or a string \(got number\)/],
    ['data', { partitionKey: 'k', data: 'SECRET'.repeat(200) }, /record is 1201 bytes \(partition key UTF-8 bytes \+ data\), more than maxRecordSize \(1024\)/],
    ['data', { partitionKey: 'ü'.repeat(100), data: new Uint8Array(900) }, /record is 1100 bytes/],
    ['explicitHashKey', { partitionKey: 'k', data: 'x', explicitHashKey: '-1' }, /explicitHashKey must be a decimal integer string from 0 to 2\^128-1/],
    ['explicitHashKey', { partitionKey: 'k', data: 'x', explicitHashKey: (1n << 128n).toString() }, /explicitHashKey must be a decimal/],
    ['explicitHashKey', { partitionKey: 'k', data: 'x', explicitHashKey: '0x10' }, /explicitHashKey must be a decimal/],
    ['explicitHashKey', { partitionKey: 'k', data: 'x', explicitHashKey: 12 }, /\(got number\)/],
    ['streamName', { partitionKey: 'k', data: 'x', streamName: 'no spaces allowed' }, /streamName must be 1–128 characters/],
  ])('rejects a bad %s at once with a clear ValidationError', async (field, record, message) => {
    const error = await producer.put(record as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('Validation');
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).message).toMatch(message);
    expect((error as ValidationError).message).not.toContain('SECRET');
    expect(producer.getOutstandingRecordsCount()).toBe(0);
  });

  it('requires a stream from the record or the producer', async () => {
    const streamless = new KinesisProducer({ client });
    await expect(streamless.put({ partitionKey: 'k', data: 'x' })).rejects.toThrow(/no stream: pass streamName/);
    await streamless.close();
  });

  it('accepts the edges: 256-character key, 2^128-1 hash key, empty data', async () => {
    // Nothing listens on port 9: the accepted records meet connection errors, are retried, and expire.
    const edge = new KinesisProducer({ streamName: 'valid-stream', client, maxRecordSize: 1024, recordTtl: 200, retry: { baseDelay: 5, maxDelay: 20 }, rateLimit: Infinity });
    const puts = [
      edge.put({ partitionKey: 'k'.repeat(256), data: new Uint8Array(0) }),
      edge.put({ partitionKey: 'k', data: 'x', explicitHashKey: ((1n << 128n) - 1n).toString() }),
      edge.put({ partitionKey: 'k', data: 'x', explicitHashKey: '0' }),
    ];
    expect(edge.getOutstandingRecordsCount()).toBe(3);
    const outcomes = await Promise.allSettled(puts);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as ProducerError;
      expect(error.code).toBe('Expired');
      expect(error.attempts[0]!.errorCode).toBe('NetworkError');
      expect(error.message).not.toContain('AKIA');
    }
    await edge.close();
  });

  it('after close() they settle too', async () => {
    await producer.close();
  });
});
