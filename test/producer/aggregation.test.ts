import { createHash } from 'node:crypto';
import aggregationLibrary from 'aws-kinesis-agg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateBuilder, encodeAggregatedRecord, type AggregatableRecord } from '../../src/producer/aggregation.js';
import { KinesisProducer, partitionKeyHash } from '../../src/producer/index.js';
import { decodeAggregatedRecord } from '../helpers/kinesis-agg-decoder.js';
import { observe, settleAll, uniqueStream, type Observed } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

const { deaggregateSync } = aggregationLibrary as unknown as {
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    computeChecksums: boolean,
    callback: (error: Error | null, records?: { partitionKey: string; explicitPartitionKey?: string; data: string; subSequenceNumber: number }[]) => void,
  ): void;
};

function sampleRecords(): AggregatableRecord[] {
  return [
    { partitionKey: 'alpha', explicitHashKey: undefined, data: Buffer.from('first') },
    { partitionKey: 'ünïcødé-🔑', explicitHashKey: undefined, data: new Uint8Array(0) },
    { partitionKey: 'alpha', explicitHashKey: '340282366920938463463374607431768211455', data: Buffer.alloc(200, 7) },
    { partitionKey: 'beta', explicitHashKey: '0', data: Buffer.alloc(20_000, 1) },
    { partitionKey: 'k'.repeat(256), explicitHashKey: '340282366920938463463374607431768211455', data: Buffer.from([0, 255, 128]) },
  ];
}

describe('aggregated record encoder', () => {
  it('writes the KPL format: magic, protobuf, MD5 of the protobuf', () => {
    const encoded = encodeAggregatedRecord(sampleRecords());
    expect([...encoded.subarray(0, 4)]).toEqual([0xf3, 0x89, 0x9a, 0xc2]);
    const md5 = createHash('md5').update(encoded.subarray(4, encoded.length - 16)).digest();
    expect(encoded.subarray(encoded.length - 16).equals(md5)).toBe(true);
  });

  it('knows its exact size before each addition', () => {
    const builder = new AggregateBuilder();
    for (const record of sampleRecords()) {
      const predicted = builder.sizeWith(record);
      builder.add(record);
      expect(builder.size).toBe(predicted);
      expect(builder.encode().length).toBe(predicted);
    }
  });

  it('decodes with aws-kinesis-agg deaggregateSync (checksums on)', () => {
    const records = sampleRecords();
    const encoded = encodeAggregatedRecord(records);
    let decoded: { partitionKey: string; explicitPartitionKey?: string; data: string; subSequenceNumber: number }[] | undefined;
    deaggregateSync({ partitionKey: 'a', data: encoded.toString('base64'), sequenceNumber: '1' }, true, (error, userRecords) => {
      expect(error ?? undefined).toBeUndefined();
      decoded = userRecords;
    });
    expect(decoded).toHaveLength(records.length);
    records.forEach((record, i) => {
      const user = decoded![i]!;
      expect(user.partitionKey).toBe(record.partitionKey);
      expect(Buffer.from(user.data, 'base64').equals(Buffer.from(record.data))).toBe(true);
      expect(user.subSequenceNumber).toBe(i);
      // aws-kinesis-agg reports table[0] for sub-records without a hash key (its bug), so only compare those that have one.
      if (record.explicitHashKey !== undefined) expect(user.explicitPartitionKey).toBe(record.explicitHashKey);
    });
  });

  it('decodes with the KCL-style decoder, with optional hash keys absent where not given', () => {
    const records = sampleRecords();
    const decoded = decodeAggregatedRecord(encodeAggregatedRecord(records))!;
    expect(decoded.map((r) => [r.partitionKey, r.explicitHashKey, r.data.toString('hex')])).toEqual(
      records.map((r) => [r.partitionKey, r.explicitHashKey, Buffer.from(r.data).toString('hex')]),
    );
    const corrupted = encodeAggregatedRecord(records);
    corrupted[10]! ^= 1;
    expect(decodeAggregatedRecord(corrupted)).toBeUndefined();
  });
});

describe('producer with aggregation', () => {
  let server: KinesisTestServer;
  beforeAll(async () => {
    server = await startKinesisServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('packs records per predicted shard; a KCL consumer keeps every one, with shared sequence numbers', async () => {
    const stream = uniqueStream('agg');
    await server.createStream(stream, 3);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), aggregation: { enabled: true, maxSize: 4096 }, recordMaxBufferedTime: 50 });
    // The first record goes out before the shard map is known: unaggregated.
    const first = await producer.put({ partitionKey: 'first', data: 'first' });
    expect(first.subSequenceNumber).toBeUndefined();
    const observed: Observed[] = [];
    for (let i = 0; i < 1000; i++) {
      const record = i % 10 === 0
        ? { partitionKey: `pk-${i}`, data: `data-${i}`, explicitHashKey: ((BigInt(i) * (1n << 118n)) % (1n << 128n)).toString() }
        : { partitionKey: `pk-${i}`, data: `data-${i}` };
      observed.push(observe(producer.put(record)));
    }
    expect(await producer.flush()).toEqual({ delivered: 1000, failed: 0, errors: {} });
    await settleAll(observed);
    const aggregated = observed.filter((o) => o.result!.subSequenceNumber !== undefined);
    expect(aggregated.length).toBeGreaterThan(900);
    const bySequence = new Map<string, number[]>();
    for (const o of aggregated) {
      const list = bySequence.get(o.result!.sequenceNumber) ?? [];
      list.push(o.result!.subSequenceNumber!);
      bySequence.set(o.result!.sequenceNumber, list);
    }
    for (const subs of bySequence.values()) expect(subs.sort((a, b) => a - b)).toEqual(subs.map((_, i) => i));
    const metrics = producer.metrics();
    expect(metrics.aggregatedRecordsSent).toBe(bySequence.size);
    expect(metrics.kinesisRecordsSent).toBeLessThan(200);
    await producer.close();

    const read = await server.readUserRecords(stream);
    expect(read.dropped).toHaveLength(0);
    expect(read.records).toHaveLength(1001);
    const byKey = new Map(read.records.map((r) => [r.partitionKey, r]));
    observed.forEach((o, i) => {
      const stored = byKey.get(`pk-${i}`)!;
      expect(stored.data.toString()).toBe(`data-${i}`);
      expect(stored.sequenceNumber).toBe(o.result!.sequenceNumber);
      expect(stored.subSequenceNumber).toBe(o.result!.subSequenceNumber);
      expect(stored.shardId).toBe(o.result!.shardId);
      if (i % 10 === 0 && stored.subSequenceNumber !== undefined) expect(stored.explicitHashKey).toBe(((BigInt(i) * (1n << 118n)) % (1n << 128n)).toString());
    });
    // KPL convention: partition key "a" on aggregated records.
    const aggregatedRaw = read.raw.filter((r) => decodeAggregatedRecord(r.data));
    expect(aggregatedRaw.length).toBe(bySequence.size);
    expect(aggregatedRaw.every((r) => r.partitionKey === 'a')).toBe(true);
  });

  it('sends a lone record raw, with its own key', async () => {
    const stream = uniqueStream('agg-single');
    await server.createStream(stream, 1);
    const producer = new KinesisProducer({ streamName: stream, client: server.client(), aggregation: { enabled: true } });
    await producer.put({ partitionKey: 'warm', data: 'x' });
    const result = await producer.put({ partitionKey: 'alone', data: 'solo' });
    expect(result.subSequenceNumber).toBeUndefined();
    const raw = await server.readAll(stream);
    expect(raw.map((r) => r.partitionKey)).toEqual(['warm', 'alone']);
    await producer.close();
  });

  it('loses nothing when a shard splits during production (wrong-shard records are sent again)', async () => {
    const stream = uniqueStream('split');
    await server.createStream(stream, 2);
    const producer = new KinesisProducer({
      streamName: stream,
      client: server.client(),
      aggregation: { enabled: true, maxSize: 2048 },
      // Records wait in the buffer until flush(), so those put before the split are predicted with the old map.
      recordMaxBufferedTime: 60_000,
      shardMapRefresh: { minDelay: 50, maxDelay: 500 },
    });
    void producer.put({ partitionKey: 'warm', data: 'x' });
    await producer.flush();
    const observed: Observed[] = [];
    const shards = await server.listShards(stream);
    // Keys hashed into shard 0's range, spread so aggregates straddle the split point.
    const shard0 = shards[0]!;
    const start = BigInt(shard0.HashKeyRange!.StartingHashKey!);
    const end = BigInt(shard0.HashKeyRange!.EndingHashKey!);
    let round = 0;
    const putRound = (): void => {
      for (let i = 0; i < 200; i++) {
        const id = `${round}-${i}`;
        observed.push(observe(producer.put({ partitionKey: `split-${id}`, data: `payload-${id}` })));
      }
      round++;
    };
    putRound();
    await producer.flush();
    putRound();
    putRound();
    // Split while the records just put are still buffered with the old map.
    await server.splitShard(stream, shard0.ShardId!, ((start + end) / 2n).toString());
    putRound();
    await producer.flush();
    for (let i = 0; i < 3; i++) {
      putRound();
      await producer.flush();
    }
    await producer.close();
    await settleAll(observed);
    expect(observed.every((o) => o.settledCount === 1 && o.result)).toBe(true);
    expect(producer.metrics().shardMapRefreshes).toBeGreaterThanOrEqual(2);

    const read = await server.readUserRecords(stream);
    const kept = new Map(read.records.map((r) => [r.partitionKey, r]));
    for (let r = 0; r < round; r++) {
      for (let i = 0; i < 200; i++) {
        const stored = kept.get(`split-${r}-${i}`);
        expect(stored, `split-${r}-${i}`).toBeDefined();
        expect(stored!.data.toString()).toBe(`payload-${r}-${i}`);
      }
    }
    // Every record's promise points at a copy the KCL keeps.
    for (const o of observed) {
      const result = o.result!;
      const match = read.records.find((r) => r.sequenceNumber === result.sequenceNumber && r.subSequenceNumber === result.subSequenceNumber);
      expect(match).toBeDefined();
    }
    const retried = observed.filter((o) => o.result!.attempts.some((a) => a.errorCode === 'WrongShard'));
    // The old map sent aggregates to the closed parent's range: Kinesis stored them on a child, the producer saw the
    // wrong shard and sent their records again; the KCL check drops those straddling copies, and keeps the resent ones.
    expect(retried.length).toBeGreaterThan(0);
    expect(read.dropped.length).toBeGreaterThan(0);
    // Records routed by MD5 of their keys landed in shards whose ranges hold them.
    const ranges = new Map((await server.listShards(stream)).map((s) => [s.ShardId!, s.HashKeyRange!]));
    for (const record of read.records) {
      const range = ranges.get(record.shardId)!;
      const hash = partitionKeyHash(record.partitionKey);
      if (record.explicitHashKey === undefined && record.subSequenceNumber !== undefined) {
        expect(hash >= BigInt(range.StartingHashKey!) && hash <= BigInt(range.EndingHashKey!)).toBe(true);
      }
    }
  });
});
