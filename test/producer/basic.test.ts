import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer, type PutResult } from '../../src/producer/index.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

let server: KinesisTestServer;
beforeAll(async () => {
  server = await startKinesisServer();
});
afterAll(async () => {
  await server?.close();
});

describe('KinesisProducer: put, flush, close', () => {
  it('delivers records that read back byte for byte, each promise settling once', async () => {
    await server.createStream('basic', 2);
    const producer = new KinesisProducer({ streamName: 'basic', client: server.client() });
    const payloads = Array.from({ length: 300 }, (_, i) => {
      const bytes = Buffer.alloc(1 + (i % 50));
      for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j * 7) % 256;
      return bytes;
    });
    let settlements = 0;
    const promises = payloads.map((data, i) => {
      const promise = producer.put({ partitionKey: `key-${i}`, data: i % 3 === 0 ? data.toString('base64') : data });
      promise.then(() => settlements++, () => settlements++);
      return promise;
    });
    expect(producer.getOutstandingRecordsCount()).toBe(300);
    const report = await producer.flush();
    expect(report).toEqual({ delivered: 300, failed: 0, errors: {} });
    const results: PutResult[] = await Promise.all(promises);
    expect(settlements).toBe(300);
    expect(producer.getOutstandingRecordsCount()).toBe(0);
    for (const result of results) {
      expect(result.shardId).toMatch(/^shardId-/);
      expect(result.sequenceNumber).toMatch(/^\d+$/);
      expect(result.subSequenceNumber).toBeUndefined();
      expect(result.attempts).toHaveLength(1);
      expect(result.attempts[0]!.success).toBe(true);
    }
    const stored = await server.readAll('basic');
    expect(stored).toHaveLength(300);
    const byKey = new Map(stored.map((r) => [r.partitionKey, r]));
    payloads.forEach((data, i) => {
      const expected = i % 3 === 0 ? Buffer.from(data.toString('base64')) : data;
      const record = byKey.get(`key-${i}`)!;
      expect(Buffer.compare(record.data, expected)).toBe(0);
      expect(record.sequenceNumber).toBe(results[i]!.sequenceNumber);
      expect(record.shardId).toBe(results[i]!.shardId);
    });
    await producer.close();
    const m = producer.metrics();
    expect(m.recordsPut).toBe(300);
    expect(m.recordsDelivered).toBe(300);
    expect(m.putRecordsCalls).toBeGreaterThanOrEqual(1);
    expect(m.putRecordsLatencyMs.samples).toBe(m.putRecordsCalls);
    expect(m.putRecordsLatencyMs.p50).toBeGreaterThan(0);
    expect(m.putRecordsLatencyMs.p99).toBeGreaterThanOrEqual(m.putRecordsLatencyMs.p95);
    expect(m.peakOutstandingBytes).toBeGreaterThan(0);
    expect(m.outstandingBytes).toBe(0);
  });

  it('routes a record to its own streamName and honours an explicit hash key', async () => {
    await server.createStream('other-a', 1);
    await server.createStream('other-b', 4);
    const producer = new KinesisProducer({ streamName: 'other-a', client: server.client() });
    const last = ((1n << 128n) - 1n).toString();
    const [a, b] = await Promise.all([
      producer.put({ partitionKey: 'k', data: 'to-a' }),
      producer.put({ partitionKey: 'k', data: 'to-b', streamName: 'other-b', explicitHashKey: last }),
    ]);
    expect(a.shardId).toBe('shardId-000000000000');
    expect(b.shardId).toBe('shardId-000000000003');
    expect(b.attempts[0]!.delayMs).toBeGreaterThanOrEqual(0);
    expect((await server.readAll('other-b')).map((r) => r.data.toString())).toEqual(['to-b']);
    await producer.close();
  });
});
