import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { AGGREGATED_PARTITION_KEY, AggregateBuilder } from './aggregation.js';
import type { ResolvedConfig } from './config.js';
import type { PendingRecord } from './deferred.js';
import { ShardRateLimiter } from './rate-limit.js';
import { effectiveHashKey } from './record.js';
import type { ShardMap } from './shard-map.js';

const RATE_LIMIT_TICK = 25;

/** A FIFO queue with O(1) shift, compacted now and then. */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  at(index: number): T | undefined {
    return this.items[this.head + index];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  takeAll(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}

/** Records bound for one predicted shard (or for an unknown shard, `shardId` undefined). Retries go first. */
class Bucket {
  readonly retry = new Deque<PendingRecord>();
  readonly fresh = new Deque<PendingRecord>();
  constructor(readonly shardId: string | undefined) {}

  get length(): number {
    return this.retry.length + this.fresh.length;
  }

  at(index: number): PendingRecord | undefined {
    const retries = this.retry.length;
    return index < retries ? this.retry.at(index) : this.fresh.at(index - retries);
  }

  shift(): PendingRecord | undefined {
    return this.retry.length > 0 ? this.retry.shift() : this.fresh.shift();
  }
}

/** One entry of a PutRecords request and the user records it carries (one, or several when aggregated). */
export interface BatchEntry {
  records: PendingRecord[];
  entry: PutRecordsRequestEntry;
  /** Partition key bytes + data bytes. */
  size: number;
  predictedShard: string | undefined;
  aggregated: boolean;
}

export interface Batch {
  entries: BatchEntry[];
  /** When a bucket that was skipped for its rate limit may send again (Infinity if none was). */
  blockedUntil: number;
}

/** The buffered records of one stream, per predicted shard. */
export class StreamBuffer {
  readonly buckets = new Map<string, Bucket>();
  readonly limiters = new Map<string, ShardRateLimiter>();
  count = 0;
  bytes = 0;
  retryCount = 0;
  private rotation = 0;

  constructor(readonly name: string, readonly shardMap: ShardMap | undefined) {}

  bucketFor(shardId: string | undefined): Bucket {
    const key = shardId ?? '';
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(shardId);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Buckets in an order that starts one further each call, so no shard is always served last. */
  rotatedBuckets(): Bucket[] {
    const all = [...this.buckets.values()];
    if (all.length <= 1) return all;
    const start = this.rotation++ % all.length;
    return [...all.slice(start), ...all.slice(0, start)];
  }
}

/**
 * Buffers records per stream and per predicted shard, decides when a stream is ready to send, and builds
 * PutRecords batches (aggregating per shard when enabled, and honouring the per-shard rate limit).
 */
export class Accumulator {
  readonly streams = new Map<string, StreamBuffer>();
  private readonly aggregationLimit: number;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly createShardMap: ((streamName: string) => ShardMap) | undefined,
  ) {
    // An aggregated record is one Kinesis record with partition key "a": keep it within maxRecordSize.
    this.aggregationLimit = Math.min(config.aggregation.maxSize, config.maxRecordSize - AGGREGATED_PARTITION_KEY.length);
  }

  stream(name: string): StreamBuffer {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new StreamBuffer(name, this.createShardMap?.(name));
      this.streams.set(name, stream);
    }
    return stream;
  }

  get bufferedRecords(): number {
    let count = 0;
    for (const stream of this.streams.values()) count += stream.count;
    return count;
  }

  /** Buffers a record; a retry goes ahead of fresh records of its shard and makes the stream ready at once. */
  add(record: PendingRecord, isRetry: boolean): void {
    const stream = this.stream(record.record.streamName);
    record.predictedShard = this.predict(stream, record);
    const bucket = stream.bucketFor(record.predictedShard);
    if (isRetry) {
      bucket.retry.push(record);
      stream.retryCount++;
    } else {
      bucket.fresh.push(record);
    }
    stream.count++;
    stream.bytes += record.size;
  }

  private predict(stream: StreamBuffer, record: PendingRecord): string | undefined {
    if (!stream.shardMap?.ready) return undefined;
    record.hashKey ??= effectiveHashKey(record.record);
    return stream.shardMap.predict(record.hashKey);
  }

  /** Re-sorts every buffered record of the stream after its shard map changed. */
  rebucket(stream: StreamBuffer): void {
    const retries: PendingRecord[] = [];
    const fresh: PendingRecord[] = [];
    for (const bucket of stream.buckets.values()) {
      retries.push(...bucket.retry.takeAll());
      fresh.push(...bucket.fresh.takeAll());
    }
    stream.buckets.clear();
    // Fresh records must stay in arrival order within a bucket: its head is its oldest record.
    fresh.sort((a, b) => a.id - b.id);
    for (const record of retries) {
      record.predictedShard = this.predict(stream, record);
      stream.bucketFor(record.predictedShard).retry.push(record);
    }
    for (const record of fresh) {
      record.predictedShard = this.predict(stream, record);
      stream.bucketFor(record.predictedShard).fresh.push(record);
    }
    const open = new Set(stream.shardMap?.openShards.map((shard) => shard.shardId));
    for (const shardId of stream.limiters.keys()) if (!open.has(shardId)) stream.limiters.delete(shardId);
  }

  /** Ready when flushing, when retries wait, when a full request's worth is buffered, or when the oldest record is due. */
  isReady(stream: StreamBuffer, now: number, flushing: boolean): boolean {
    if (stream.count === 0) return false;
    if (flushing || stream.retryCount > 0) return true;
    if (stream.bytes >= this.config.collectionMaxSize) return true;
    if (!this.config.aggregation.enabled && stream.count >= this.config.collectionMaxCount) return true;
    return this.oldestReadyAt(stream) <= now;
  }

  /** The earliest time a buffered record of the stream must leave the buffer. */
  oldestReadyAt(stream: StreamBuffer): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const bucket of stream.buckets.values()) {
      if (bucket.retry.length > 0) return Number.NEGATIVE_INFINITY;
      const head = bucket.fresh.at(0);
      if (head && head.readyAt < earliest) earliest = head.readyAt;
    }
    return earliest;
  }

  /**
   * Takes records for one PutRecords request: up to collectionMaxCount entries and collectionMaxSize bytes,
   * shard by shard, skipping shards whose rate limit is spent. Records whose TTL has passed are handed to `expire`.
   */
  buildBatch(stream: StreamBuffer, now: number, expire: (record: PendingRecord) => void): Batch {
    const { collectionMaxCount, collectionMaxSize, aggregation, rateLimit } = this.config;
    const entries: BatchEntry[] = [];
    let batchBytes = 0;
    let blockedUntil = Number.POSITIVE_INFINITY;
    const limited = Number.isFinite(rateLimit);

    buckets: for (const bucket of stream.rotatedBuckets()) {
      let limiter: ShardRateLimiter | undefined;
      if (limited && bucket.shardId !== undefined) {
        limiter = stream.limiters.get(bucket.shardId);
        if (!limiter) {
          limiter = new ShardRateLimiter(rateLimit, now);
          stream.limiters.set(bucket.shardId, limiter);
        }
      }
      while (bucket.length > 0) {
        if (entries.length >= collectionMaxCount) break buckets;
        const head = bucket.at(0)!;
        if (head.expiresAt <= now) {
          this.remove(stream, bucket);
          expire(head);
          continue;
        }
        let take = 1;
        let entrySize = head.size;
        let builder: AggregateBuilder | undefined;
        if (aggregation.enabled && bucket.shardId !== undefined && bucket.length > 1) {
          builder = new AggregateBuilder();
          if (builder.sizeWith(head.record) <= this.aggregationLimit) {
            builder.add(head.record);
            for (let index = 1; index < bucket.length && builder.count < aggregation.maxCount; index++) {
              const next = bucket.at(index)!;
              if (next.expiresAt <= now || builder.sizeWith(next.record) > this.aggregationLimit) break;
              builder.add(next.record);
            }
          }
          if (builder.count > 1) {
            take = builder.count;
            entrySize = builder.size + AGGREGATED_PARTITION_KEY.length;
          } else {
            builder = undefined;
          }
        }
        if (entries.length > 0 && batchBytes + entrySize > collectionMaxSize) break buckets;
        if (limiter) {
          const wait = limiter.waitFor(entrySize, now);
          if (wait > 0) {
            // Wake no more often than every RATE_LIMIT_TICK ms (KPL drains its limiter every 25 ms), so a throttled
            // shard sends batches, not one record per refill.
            blockedUntil = Math.min(blockedUntil, now + Math.max(wait, RATE_LIMIT_TICK), head.expiresAt);
            continue buckets;
          }
          limiter.take(entrySize, now);
        }
        const records: PendingRecord[] = [];
        for (let index = 0; index < take; index++) records.push(this.remove(stream, bucket));
        batchBytes += entrySize;
        if (builder) {
          head.hashKey ??= effectiveHashKey(head.record);
          entries.push({
            records,
            entry: { Data: builder.encode(), PartitionKey: AGGREGATED_PARTITION_KEY, ExplicitHashKey: head.hashKey.toString() },
            size: entrySize,
            predictedShard: bucket.shardId,
            aggregated: true,
          });
        } else {
          const { partitionKey, data, explicitHashKey } = head.record;
          entries.push({
            records,
            entry: explicitHashKey === undefined ? { Data: data, PartitionKey: partitionKey } : { Data: data, PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey },
            size: entrySize,
            predictedShard: bucket.shardId,
            aggregated: false,
          });
        }
      }
    }
    for (const [key, bucket] of stream.buckets) if (bucket.length === 0) stream.buckets.delete(key);
    return { entries, blockedUntil };
  }

  private remove(stream: StreamBuffer, bucket: Bucket): PendingRecord {
    const fromRetry = bucket.retry.length > 0;
    const record = bucket.shift()!;
    if (fromRetry) stream.retryCount--;
    stream.count--;
    stream.bytes -= record.size;
    return record;
  }
}
