import { MiB } from './config.js';

/** Kinesis write limits per shard. */
export const SHARD_RECORDS_PER_SECOND = 1000;
export const SHARD_BYTES_PER_SECOND = MiB;

/**
 * A token bucket refilled lazily from the time elapsed since it was last looked at: no timer of its own.
 * It holds at most one second of tokens. A take larger than the capacity is allowed once the bucket is full,
 * leaving it in debt, so a record bigger than one second's allowance is delayed, never stuck.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly ratePerSecond: number, now: number) {
    this.tokens = ratePerSecond;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.updatedAt) * this.ratePerSecond) / 1000);
      this.updatedAt = now;
    }
  }

  /** Milliseconds until `amount` can be taken (0 = now). */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const needed = Math.min(amount, this.ratePerSecond);
    if (this.tokens >= needed) return 0;
    return Math.ceil(((needed - this.tokens) * 1000) / this.ratePerSecond);
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.tokens -= amount;
  }

  /** Tokens available now (0 when in debt). */
  available(now: number): number {
    this.refill(now);
    return Math.max(0, this.tokens);
  }

  /** True when the bucket holds all it can: waiting longer adds nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.ratePerSecond;
  }

  get rate(): number {
    return this.ratePerSecond;
  }
}

/** Per-shard limiter: records and bytes, each at `rateLimit` percent of the shard's limit (KPL RateLimit). */
export class ShardRateLimiter {
  private readonly records: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(rateLimitPercent: number, now: number) {
    this.records = new TokenBucket((SHARD_RECORDS_PER_SECOND * rateLimitPercent) / 100, now);
    this.bytes = new TokenBucket((SHARD_BYTES_PER_SECOND * rateLimitPercent) / 100, now);
  }

  /** Milliseconds until one Kinesis record of `bytes` may be sent (0 = now). */
  waitFor(bytes: number, now: number): number {
    return Math.max(this.records.waitFor(1, now), this.bytes.waitFor(bytes, now));
  }

  take(bytes: number, now: number): void {
    this.records.take(1, now);
    this.bytes.take(bytes, now);
  }

  /** Takes `records` Kinesis records of `bytes` bytes in all. */
  takeMany(records: number, bytes: number, now: number): void {
    this.records.take(records, now);
    this.bytes.take(bytes, now);
  }

  /** Kinesis records that may be sent now. */
  recordsAvailable(now: number): number {
    return Math.floor(this.records.available(now));
  }

  /** Bytes that may be sent now. */
  bytesAvailable(now: number): number {
    return this.bytes.available(now);
  }

  /** Both buckets are full: the shard cannot send more by waiting. */
  isFull(now: number): boolean {
    return this.records.isFull(now) && this.bytes.isFull(now);
  }

  get recordsPerSecond(): number {
    return this.records.rate;
  }

  get bytesPerSecond(): number {
    return this.bytes.rate;
  }
}
