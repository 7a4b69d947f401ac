import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { AGGREGATED_PARTITION_KEY, AggregateBuilder, type AggregatableRecord } from './aggregation.js';
import type { ResolvedConfig } from './config.js';
import type { PendingRecord } from './deferred.js';
import { ShardRateLimiter } from './rate-limit.js';
import { hashKeyHex, hashKeyWords } from './record.js';
import type { ShardMap } from './shard-map.js';

/** The shortest wait before a rate-limited shard is looked at again (KPL drains its limiter every 25 ms). */
const RATE_LIMIT_TICK = 25;

/** Slots per segment of a Deque. */
const SEGMENT = 1024;

/**
 * A FIFO queue in fixed segments of SEGMENT slots: push and shift are O(1), nothing is ever copied, and a segment
 * emptied at the head is kept for the next one needed at the tail, so a queue that records flow through steadily
 * allocates nothing (a growing array copies itself, and each record would pay for that).
 */
export class Deque<T> {
  private segments: (T | undefined)[][] = [];
  /** Next slot to shift in segments[0]. */
  private head = 0;
  /** Next free slot in the last segment (SEGMENT: there is none). */
  private tail = SEGMENT;
  private count = 0;
  private spare: (T | undefined)[] | undefined = undefined;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    let last: (T | undefined)[];
    if (this.tail === SEGMENT) {
      last = this.spare ?? new Array<T | undefined>(SEGMENT);
      this.spare = undefined;
      this.segments.push(last);
      this.tail = 0;
    } else {
      last = this.segments[this.segments.length - 1]!;
    }
    last[this.tail++] = item;
    this.count++;
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    const slot = this.head + index;
    return this.segments[Math.floor(slot / SEGMENT)]![slot % SEGMENT];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const first = this.segments[0]!;
    const item = first[this.head];
    first[this.head] = undefined;
    this.head++;
    this.count--;
    if (this.count === 0) {
      this.segments.length = 0;
      this.spare = first;
      this.head = 0;
      this.tail = SEGMENT;
    } else if (this.head === SEGMENT) {
      this.segments.shift();
      this.spare = first;
      this.head = 0;
    }
    return item;
  }

  takeAll(): T[] {
    const all: T[] = [];
    for (const item of this) all.push(item);
    this.segments = [];
    this.head = 0;
    this.tail = SEGMENT;
    this.count = 0;
    return all;
  }

  *[Symbol.iterator](): Generator<T> {
    for (let index = 0; index < this.count; index++) yield this.at(index)!;
  }
}

/** Records bound for one predicted shard (or for an unknown shard, `shardId` undefined). Retries go first. */
class Bucket {
  readonly retry = new Deque<PendingRecord>();
  readonly fresh = new Deque<PendingRecord>();
  bytes = 0;
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

/**
 * One PutRecords request: its entries as the SDK takes them, and the user records behind them, flat.
 * Entry i carries records[i] alone, unless `starts` is set (aggregation): then records[starts[i]] up to
 * records[starts[i + 1]].
 */
export class Batch {
  readonly entries: PutRecordsRequestEntry[] = [];
  readonly records: PendingRecord[] = [];
  starts: number[] | undefined;
  /** Predicted shard of each entry when aggregating; otherwise each record carries its own. */
  shards: (string | undefined)[] | undefined;
  /** Partition key + data bytes of the request. */
  bytes = 0;
  aggregatedEntries = 0;
  /** The smallest acceptedAt of its records, for the oldest record's age. */
  oldestAcceptedAt = Number.POSITIVE_INFINITY;
  /** When a bucket skipped for its rate limit may send again (Infinity if none was). */
  blockedUntil = Number.POSITIVE_INFINITY;

  constructor(readonly stream: StreamBuffer) {}

  /** Index range in `records` of entry i. */
  from(index: number): number {
    return this.starts ? this.starts[index]! : index;
  }

  to(index: number): number {
    return this.starts ? (this.starts[index + 1] ?? this.records.length) : index + 1;
  }

  predictedShard(index: number): string | undefined {
    return this.shards ? this.shards[index] : this.records[index]!.predictedShard;
  }

  isAggregated(index: number): boolean {
    return this.to(index) - this.from(index) > 1;
  }

  /** Partition key + data bytes of entry i as sent. */
  entrySize(index: number): number {
    const entry = this.entries[index]!;
    return entry.PartitionKey!.length + entry.Data!.byteLength;
  }

  /** One object per entry for OpenTelemetry, made only when a meter records. */
  describeEntries(): { records: PendingRecord[]; size: number; predictedShard: string | undefined }[] {
    return this.entries.map((_, index) => ({
      records: this.records.slice(this.from(index), this.to(index)),
      size: this.entrySize(index),
      predictedShard: this.predictedShard(index),
    }));
  }

  addSingle(record: PendingRecord): void {
    const data = record.data;
    this.entries.push(record.explicitHashKey === undefined ? { Data: data, PartitionKey: record.partitionKey } : { Data: data, PartitionKey: record.partitionKey, ExplicitHashKey: record.explicitHashKey });
    if (this.starts) {
      this.starts.push(this.records.length);
      this.shards!.push(record.predictedShard);
    }
    this.records.push(record);
  }

  addAggregate(records: readonly PendingRecord[], entry: PutRecordsRequestEntry, shardId: string): void {
    if (!this.starts) {
      // Switch to explicit ranges: every entry so far held one record.
      this.starts = this.records.map((_, index) => index);
      this.shards = this.records.map((record) => record.predictedShard);
    }
    this.starts.push(this.records.length);
    this.shards!.push(shardId);
    for (const record of records) this.records.push(record);
    this.entries.push(entry);
    this.aggregatedEntries++;
  }
}

/** The records of one stream: buffered per predicted shard, and counted from put() until they settle. */
export class StreamBuffer {
  readonly buckets = new Map<string, Bucket>();
  readonly limiters = new Map<string, ShardRateLimiter>();
  /** Buffered records (in buckets). */
  count = 0;
  bytes = 0;
  retryCount = 0;
  /** Records put and not yet settled: waiting for room, buffered, in flight or waiting out a back-off. */
  outstanding = 0;
  /** flush({ streamName }) calls of this stream in progress. */
  flushing = 0;
  /** How long records may still wait for a shard map being fetched. */
  mapWaitUntil: number | undefined;
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

  /** Every buffered record, retries first per bucket. */
  *records(): Generator<PendingRecord> {
    for (const bucket of this.buckets.values()) {
      yield* bucket.retry;
      yield* bucket.fresh;
    }
  }

  /** The smallest acceptedAt of the buffered records. */
  oldestAcceptedAt(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const bucket of this.buckets.values()) {
      for (const record of bucket.retry) if (record.acceptedAt < oldest) oldest = record.acceptedAt;
      const head = bucket.fresh.at(0);
      if (head && head.acceptedAt < oldest) oldest = head.acceptedAt;
    }
    return oldest;
  }
}

/** The hash key of the record being routed (see hashKeyWords): one buffer for all. */
const routeWords = new Uint32Array(4);

/** Whether a stream should send now, or when to look again. */
export type Readiness = { send: true } | { send: false; wakeAt: number };
const SEND: Readiness = Object.freeze({ send: true });

/**
 * Buffers records per stream and per predicted shard, decides when a stream sends, and builds PutRecords batches
 * (aggregating per shard when enabled, and honouring the per-shard rate limit).
 *
 * When a stream sends: when a full request's worth (collectionMaxCount Kinesis records or collectionMaxSize bytes)
 * may go out now, or when its oldest record is due (recordMaxBufferedTime, a retry, a flush) and less than a full
 * request waits. With more than a full request buffered and the rate limit short of one, it waits for the limiter's
 * tokens, so a rate-limited stream sends full requests at the limiter's pace, whatever wakes the producer.
 */
export class Accumulator {
  readonly streams = new Map<string, StreamBuffer>();
  private readonly aggregationLimit: number;
  private readonly bufferedTime: number;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly createShardMap: ((streamName: string) => ShardMap) | undefined,
  ) {
    // An aggregated record is one Kinesis record with partition key "a": keep it within maxRecordSize.
    this.aggregationLimit = Math.min(config.aggregation.maxSize, config.maxRecordSize - AGGREGATED_PARTITION_KEY.length);
    // Leave at least half the TTL for sending, so a long buffering time cannot expire a record never sent.
    this.bufferedTime = Math.min(config.recordMaxBufferedTime, config.recordTtl / 2);
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

  /** When a fresh record accepted at `acceptedAt` must leave the buffer. */
  readyAt(record: PendingRecord): number {
    return record.acceptedAt + this.bufferedTime;
  }

  /** Buffers a record; a retry goes ahead of fresh records of its shard and makes the stream ready at once. */
  add(record: PendingRecord, isRetry: boolean): void {
    const stream = record.stream;
    record.predictedShard = this.predict(stream, record);
    const bucket = stream.bucketFor(record.predictedShard);
    if (isRetry) {
      bucket.retry.push(record);
      stream.retryCount++;
    } else {
      bucket.fresh.push(record);
    }
    bucket.bytes += record.size;
    stream.count++;
    stream.bytes += record.size;
  }

  private predict(stream: StreamBuffer, record: PendingRecord): string | undefined {
    const map = stream.shardMap;
    if (!map?.ready) return undefined;
    hashKeyWords(record.partitionKey, record.explicitHashKey, routeWords);
    return map.predictWords(routeWords);
  }

  /** Re-sorts every buffered record of the stream after its shard map changed. */
  rebucket(stream: StreamBuffer): void {
    const retries: PendingRecord[] = [];
    const fresh: PendingRecord[] = [];
    for (const bucket of stream.buckets.values()) {
      // One at a time: spreading 100,000 records into push() would overflow the stack.
      for (const record of bucket.retry.takeAll()) retries.push(record);
      for (const record of bucket.fresh.takeAll()) fresh.push(record);
    }
    stream.buckets.clear();
    // Fresh records must stay in arrival order within a bucket: its head is its oldest record.
    fresh.sort((a, b) => a.id - b.id);
    for (const record of retries) {
      record.predictedShard = this.predict(stream, record);
      const bucket = stream.bucketFor(record.predictedShard);
      bucket.retry.push(record);
      bucket.bytes += record.size;
    }
    for (const record of fresh) {
      record.predictedShard = this.predict(stream, record);
      const bucket = stream.bucketFor(record.predictedShard);
      bucket.fresh.push(record);
      bucket.bytes += record.size;
    }
    const open = new Set(stream.shardMap?.openShards.map((shard) => shard.shardId));
    for (const shardId of stream.limiters.keys()) if (!open.has(shardId)) stream.limiters.delete(shardId);
  }

  /** Takes every buffered record of the stream out (destroy()). */
  takeAll(stream: StreamBuffer): PendingRecord[] {
    const all = [...stream.records()];
    stream.buckets.clear();
    stream.count = 0;
    stream.bytes = 0;
    stream.retryCount = 0;
    return all;
  }

  /** The earliest time a buffered record of the stream must leave the buffer (-Infinity when a retry waits). */
  oldestReadyAt(stream: StreamBuffer): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const bucket of stream.buckets.values()) {
      if (bucket.retry.length > 0) return Number.NEGATIVE_INFINITY;
      const head = bucket.fresh.at(0);
      if (head && head.acceptedAt < earliest) earliest = head.acceptedAt;
    }
    return earliest + this.bufferedTime;
  }

  private limiterFor(stream: StreamBuffer, shardId: string, now: number): ShardRateLimiter {
    let limiter = stream.limiters.get(shardId);
    if (!limiter) {
      limiter = new ShardRateLimiter(this.config.rateLimit, now);
      stream.limiters.set(shardId, limiter);
    }
    return limiter;
  }

  /** Kinesis records the bucket's records make: one each, or about one per aggregationLimit bytes. */
  private entriesIn(bucket: Bucket): number {
    if (this.config.aggregation.enabled && bucket.shardId !== undefined) return Math.ceil(bucket.bytes / this.aggregationLimit);
    return bucket.length;
  }

  readiness(stream: StreamBuffer, now: number, flushing: boolean): Readiness {
    if (stream.count === 0) return { send: false, wakeAt: Number.POSITIVE_INFINITY };
    const { collectionMaxCount, collectionMaxSize } = this.config;
    const readyAt = this.oldestReadyAt(stream);
    // Aggregation and the rate limit from the first record: wait for the shard map (its answer wakes the producer),
    // within the records' buffering time; a map that failed or comes too late lets records go out on their own,
    // unaggregated and unlimited.
    // The wait counts from when a pass first finds the map missing, not only from put(): a synchronous burst of
    // put() calls can outlast recordMaxBufferedTime before the map's answer (already on its socket) can be read.
    if (stream.shardMap?.pending) {
      stream.mapWaitUntil ??= now + this.bufferedTime;
      const until = Math.max(readyAt, stream.mapWaitUntil);
      if (until > now) return { send: false, wakeAt: until };
    } else {
      stream.mapWaitUntil = undefined;
    }

    const due = flushing || readyAt <= now;
    let entries = 0;
    for (const bucket of stream.buckets.values()) entries += this.entriesIn(bucket);
    const fullBacklog = entries >= collectionMaxCount || stream.bytes >= collectionMaxSize;
    if (!Number.isFinite(this.config.rateLimit) || !stream.shardMap?.ready) {
      return fullBacklog || due ? SEND : { send: false, wakeAt: readyAt };
    }

    // What the rate limit lets go now, and how fast that grows: per shard, the fewer of what its record tokens and
    // its byte tokens allow (at the bucket's average entry size).
    let sendableEntries = 0;
    let sendableBytes = 0;
    let entriesRate = 0;
    let bytesRate = 0;
    let allFull = true;
    for (const bucket of stream.buckets.values()) {
      if (bucket.length === 0) continue;
      const bucketEntries = this.entriesIn(bucket);
      if (bucket.shardId === undefined) {
        sendableEntries += bucketEntries;
        sendableBytes += bucket.bytes;
        continue;
      }
      const limiter = this.limiterFor(stream, bucket.shardId, now);
      const entrySize = Math.max(1, bucket.bytes / Math.max(1, bucketEntries));
      const allowed = Math.min(bucketEntries, limiter.recordsAvailable(now), Math.floor(limiter.bytesAvailable(now) / entrySize));
      sendableEntries += allowed;
      sendableBytes += allowed * entrySize;
      if (allowed < bucketEntries) {
        const perSecond = Math.min(limiter.recordsPerSecond, limiter.bytesPerSecond / entrySize);
        entriesRate += perSecond;
        bytesRate += perSecond * entrySize;
      }
      if (!limiter.isFull(now)) allFull = false;
    }
    if (sendableEntries >= collectionMaxCount || sendableBytes >= collectionMaxSize) return SEND;
    if (!fullBacklog) return due ? SEND : { send: false, wakeAt: readyAt };
    // A full request's worth waits but the limiter allows less: wait for its tokens, unless waiting adds nothing.
    if (allFull) return SEND;
    const entriesWait = entriesRate > 0 ? ((collectionMaxCount - sendableEntries) * 1000) / entriesRate : Number.POSITIVE_INFINITY;
    const bytesWait = bytesRate > 0 ? ((collectionMaxSize - sendableBytes) * 1000) / bytesRate : Number.POSITIVE_INFINITY;
    const wait = Math.min(entriesWait, bytesWait, 1000);
    return { send: false, wakeAt: now + Math.max(RATE_LIMIT_TICK, wait) };
  }

  /**
   * Takes records for one PutRecords request: up to collectionMaxCount entries and collectionMaxSize bytes,
   * shard by shard, skipping shards whose rate limit is spent. Records whose TTL has passed are handed to `expire`.
   */
  buildBatch(stream: StreamBuffer, now: number, recordTtl: number, expire: (record: PendingRecord) => void): Batch {
    const { collectionMaxCount, collectionMaxSize, aggregation, rateLimit } = this.config;
    const batch = new Batch(stream);
    const limited = Number.isFinite(rateLimit);
    const entries = batch.entries;

    for (const bucket of stream.rotatedBuckets()) {
      if (entries.length >= collectionMaxCount) break;
      const limiter = limited && bucket.shardId !== undefined ? this.limiterFor(stream, bucket.shardId, now) : undefined;
      // The limiter's tokens, read once per bucket and taken once at the end.
      let recordTokens = limiter ? limiter.recordsAvailable(now) : Number.POSITIVE_INFINITY;
      let byteTokens = limiter ? limiter.bytesAvailable(now) : Number.POSITIVE_INFINITY;
      // A record larger than a full byte bucket may go once the bucket is full, leaving it in debt.
      const bytesFull = limiter ? limiter.isFull(now) : true;
      let takenRecords = 0;
      let takenBytes = 0;
      let full = false;
      while (bucket.length > 0) {
        if (entries.length >= collectionMaxCount) {
          full = true;
          break;
        }
        const head = bucket.at(0)!;
        if (head.acceptedAt + recordTtl <= now) {
          this.remove(stream, bucket);
          expire(head);
          continue;
        }
        let take = 1;
        let entrySize = head.size;
        let builder: AggregateBuilder | undefined;
        if (aggregation.enabled && bucket.shardId !== undefined && bucket.length > 1) {
          builder = new AggregateBuilder();
          const first = aggregatable(head);
          if (builder.sizeWith(first) <= this.aggregationLimit) {
            builder.add(first);
            for (let index = 1; index < bucket.length && builder.count < aggregation.maxCount; index++) {
              const next = bucket.at(index)!;
              if (next.acceptedAt + recordTtl <= now) break;
              const candidate = aggregatable(next);
              if (builder.sizeWith(candidate) > this.aggregationLimit) break;
              builder.add(candidate);
            }
          }
          if (builder.count > 1) {
            take = builder.count;
            entrySize = builder.size + AGGREGATED_PARTITION_KEY.length;
          } else {
            builder = undefined;
          }
        }
        if (entries.length > 0 && batch.bytes + entrySize > collectionMaxSize) {
          full = true;
          break;
        }
        if (recordTokens < 1 || (entrySize > byteTokens && !(bytesFull && takenBytes === 0))) {
          // Rate-limited: come back when this shard's backlog (up to a request's worth) can go in one piece, not
          // one record per refill; the oldest records' buffering time still bounds the wait through readiness().
          const refill = limiter!;
          const backlog = Math.min(this.entriesIn(bucket), collectionMaxCount, refill.recordsPerSecond);
          const backlogBytes = Math.min(Math.max(bucket.bytes, entrySize), collectionMaxSize, refill.bytesPerSecond);
          const recordsWait = ((backlog - recordTokens) * 1000) / refill.recordsPerSecond;
          const bytesWait = ((backlogBytes - byteTokens) * 1000) / refill.bytesPerSecond;
          batch.blockedUntil = Math.min(batch.blockedUntil, now + Math.max(RATE_LIMIT_TICK, Math.min(Math.max(recordsWait, bytesWait), 1000)), head.acceptedAt + recordTtl);
          break;
        }
        recordTokens -= 1;
        byteTokens -= entrySize;
        takenRecords++;
        takenBytes += entrySize;
        batch.bytes += entrySize;
        if (builder) {
          const records: PendingRecord[] = [];
          for (let index = 0; index < take; index++) records.push(this.remove(stream, bucket));
          for (const record of records) if (record.acceptedAt < batch.oldestAcceptedAt) batch.oldestAcceptedAt = record.acceptedAt;
          const hashKey = BigInt(`0x${hashKeyHex(head.partitionKey, head.explicitHashKey)}`).toString();
          batch.addAggregate(records, { Data: builder.encode(), PartitionKey: AGGREGATED_PARTITION_KEY, ExplicitHashKey: hashKey }, bucket.shardId!);
        } else {
          const record = this.remove(stream, bucket);
          if (record.acceptedAt < batch.oldestAcceptedAt) batch.oldestAcceptedAt = record.acceptedAt;
          batch.addSingle(record);
        }
      }
      if (limiter && takenRecords > 0) limiter.takeMany(takenRecords, takenBytes, now);
      if (full) break;
    }
    // Empty buckets stay (one per shard at most; rebucket() clears them): a steady stream reuses them.
    return batch;
  }

  private remove(stream: StreamBuffer, bucket: Bucket): PendingRecord {
    const fromRetry = bucket.retry.length > 0;
    const record = bucket.shift()!;
    if (fromRetry) stream.retryCount--;
    bucket.bytes -= record.size;
    stream.count--;
    stream.bytes -= record.size;
    return record;
  }
}

function aggregatable(record: PendingRecord): AggregatableRecord {
  return { partitionKey: record.partitionKey, explicitHashKey: record.explicitHashKey, data: record.data };
}
