import type { NormalizedRecord } from './record.js';
import type { Attempt, PutResult } from './types.js';

/** Counts the settlement of the records a flush() snapshot holds; resolved by the last one, without a timer. */
export interface FlushTracker {
  remaining: number;
  delivered: number;
  failed: number;
  done: boolean;
  finish(): void;
}

/** The producer's state for one put(): its record, timing, attempts, and the resolve/reject of its promise. */
export class PendingRecord {
  /** Monotonic ms (performance.now()) when put() was called. */
  readonly putAt: number;
  /** Set when the record is admitted to the buffer (after waiting for room, if it had to). */
  acceptedAt = 0;
  expiresAt = Number.POSITIVE_INFINITY;
  /** When the record must leave the buffer: accept + min(recordMaxBufferedTime, recordTtl / 2). */
  readyAt = Number.POSITIVE_INFINITY;
  /** Effective hash key, computed once when a shard prediction needs it. */
  hashKey: bigint | undefined;
  predictedShard: string | undefined;
  readonly attempts: Attempt[] = [];
  /** Monotonic ms of the end of the last attempt (or put()), for Attempt.delayMs. */
  lastEventAt: number;
  retries = 0;
  accepted = false;
  settled = false;
  trackers: FlushTracker[] | undefined;
  readonly promise: Promise<PutResult>;
  private resolveFn!: (result: PutResult) => void;
  private rejectFn!: (error: Error) => void;

  constructor(readonly id: number, readonly record: NormalizedRecord, now: number) {
    this.putAt = now;
    this.lastEventAt = now;
    this.promise = new Promise<PutResult>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  get size(): number {
    return this.record.size;
  }

  /** Settles the promise once; returns false if it was already settled. */
  settle(result: PutResult | Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (result instanceof Error) this.rejectFn(result);
    else this.resolveFn(result);
    if (this.trackers) {
      for (const tracker of this.trackers) {
        if (tracker.done) continue;
        if (result instanceof Error) tracker.failed++;
        else tracker.delivered++;
        if (--tracker.remaining === 0) tracker.finish();
      }
      this.trackers = undefined;
    }
    return true;
  }
}
