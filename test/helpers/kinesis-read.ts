import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { decodeAggregatedRecord, hashKeyOf } from './kinesis-agg-decoder.js';

/**
 * Reads a whole stream back through the public API of any Kinesis-compatible server (ListShards, GetShardIterator
 * TRIM_HORIZON, GetRecords on every shard, open or closed) and deaggregates it the way the KCL does, with the
 * hash-range check that makes the KCL drop an aggregated record holding a sub-record outside its shard.
 */

export interface RawRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Buffer;
}

export interface KeptRecord {
  shardId: string;
  sequenceNumber: string;
  /** Index inside the aggregated record; undefined for a record sent on its own. */
  subSequenceNumber: number | undefined;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Buffer;
  /** The hash key Kinesis (or the aggregate's sub-record) routes by. */
  hashKey: bigint;
}

export interface StreamContents {
  shards: Shard[];
  raw: RawRecord[];
  /** What a KCL consumer hands its record processor. */
  kept: KeptRecord[];
  /** Aggregated records the KCL drops (a sub-record outside the shard's hash range). */
  dropped: RawRecord[];
  /** Raw (not aggregated) records stored on a shard whose range does not hold their hash key: must be none. */
  misrouted: RawRecord[];
}

export async function listAllShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }));
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token);
  return shards;
}

/**
 * @param explicitHashKeyOf the explicit hash key the test gave a partition key, if any: GetRecords does not return a
 *   record's ExplicitHashKey, so a raw record's routing is checked against it (else against the key's MD5).
 */
export async function readStream(client: KinesisClient, streamName: string, explicitHashKeyOf: (partitionKey: string) => string | undefined = () => undefined): Promise<StreamContents> {
  const shards = await listAllShards(client, streamName);
  const raw: RawRecord[] = [];
  for (const shard of shards) {
    const shardId = shard.ShardId!;
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      const records = page.Records ?? [];
      for (const record of records) {
        raw.push({
          shardId,
          sequenceNumber: record.SequenceNumber!,
          partitionKey: record.PartitionKey!,
          explicitHashKey: explicitHashKeyOf(record.PartitionKey!),
          data: Buffer.from(record.Data ?? new Uint8Array()),
        });
      }
      if (records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  const ranges = new Map(shards.map((s) => [s.ShardId!, { start: BigInt(s.HashKeyRange!.StartingHashKey!), end: BigInt(s.HashKeyRange!.EndingHashKey!) }]));
  const inside = (shardId: string, hash: bigint): boolean => {
    const range = ranges.get(shardId)!;
    return hash >= range.start && hash <= range.end;
  };
  const kept: KeptRecord[] = [];
  const dropped: RawRecord[] = [];
  const misrouted: RawRecord[] = [];
  for (const record of raw) {
    const subRecords = decodeAggregatedRecord(record.data);
    if (!subRecords) {
      kept.push({ ...record, subSequenceNumber: undefined, hashKey: hashKeyOf(record.partitionKey, record.explicitHashKey) });
      continue;
    }
    const hashes = subRecords.map((sub) => hashKeyOf(sub.partitionKey, sub.explicitHashKey));
    if (hashes.some((hash) => !inside(record.shardId, hash))) {
      dropped.push(record);
      continue;
    }
    subRecords.forEach((sub, index) =>
      kept.push({
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: index,
        partitionKey: sub.partitionKey,
        explicitHashKey: sub.explicitHashKey,
        data: sub.data,
        hashKey: hashes[index]!,
      }),
    );
  }
  for (const record of kept) {
    if (record.subSequenceNumber === undefined && !inside(record.shardId, record.hashKey)) misrouted.push({ ...record });
  }
  return { shards, raw, kept, dropped, misrouted };
}
