import type { StreamBuffer } from './accumulator.js';
import type { ProducerError } from './errors.js';
import type { Attempt, PutResult } from './types.js';

/** A listener's promise and its resolving functions: made by the first then(). */
class Listener<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

const noop = (): void => {};

/**
 * A promise made only when someone asks for it. put() returns one per record, and most callers fire and forget:
 * they never call then(), so no Promise, no resolving functions and no result object are ever made for them, and a
 * failure nobody listens to cannot become an unhandled rejection. The first then()/catch()/finally() (which `await`
 * calls) makes a real Promise, settled already if the record is. It behaves as a Promise<T> for `await`,
 * `Promise.all`, `.then/.catch/.finally`; `instanceof Promise` is false (wrap it in `Promise.resolve()` for that).
 *
 * `state` is undefined while nobody listens and nothing settled, a Listener once someone listens, and after
 * settling the error or whatever `value()` turns into the value (so a subclass may keep something smaller than T).
 */
export class LazyPromise<T> implements Promise<T> {
  protected state: unknown = undefined;

  get [Symbol.toStringTag](): string {
    return 'Promise';
  }

  #promise(): Promise<T> {
    const state = this.state;
    if (state === undefined) {
      const listener = new Listener<T>();
      this.state = listener;
      return listener.promise;
    }
    if (state instanceof Listener) return state.promise as Promise<T>;
    if (state instanceof Error) return Promise.reject(state);
    return Promise.resolve(this.value(state));
  }

  /** The value a listener sees, from what was settled with. */
  protected value(settledWith: unknown): T {
    return settledWith as T;
  }

  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.#promise().then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#promise().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.#promise().finally(onFinally);
  }

  /** Settles: a listener's promise settles now, otherwise the outcome waits for a later then(). Call once. */
  protected settleWith(outcome: unknown): void {
    const state = this.state;
    this.state = outcome;
    if (!(state instanceof Listener)) return;
    if (outcome instanceof Error) {
      // The rejection reaches the caller's own chain; the base promise never counts as unhandled, so a
      // `.then(onOk)` without a handler is the caller's chain, not a crash the producer made.
      state.promise.catch(noop);
      state.reject(outcome);
    } else {
      state.resolve(this.value(outcome));
    }
  }

  /** Someone called then(): building a result for them is worth it. */
  protected get listened(): boolean {
    return this.state instanceof Listener;
  }

  /** A put() refused before it was accepted (closed, invalid, buffer full): settled already. */
  static rejected<T>(error: Error): LazyPromise<T> {
    const promise = new LazyPromise<T>();
    promise.state = error;
    return promise;
  }
}

/** When a request started and ended, shared by the records it carried (see sender.ts). */
export interface AttemptTiming {
  startedAt: number;
  startedAtMono: number;
  endedAtMono: number;
}

/**
 * One attempt of a record, as KPL's Attempt: `since` is when the record's previous attempt ended, or when it entered
 * the buffer (monotonic ms for a first attempt; for a later one the previous Attempt gives it).
 */
export function attemptOf(timing: AttemptTiming, acceptedAt: number, previous: Attempt | undefined, error?: { code: string; message: string }): Attempt {
  const delayMs = previous ? timing.startedAt - (previous.startedAt + previous.durationMs) : timing.startedAtMono - acceptedAt;
  const attempt: Attempt = {
    startedAt: timing.startedAt,
    delayMs: Math.max(0, Math.round(delayMs)),
    durationMs: Math.round(timing.endedAtMono - timing.startedAtMono),
    success: error === undefined,
  };
  if (error) {
    attempt.errorCode = error.code;
    attempt.errorMessage = error.message;
  }
  return attempt;
}

/** A delivered record: enough to build its PutResult when someone asks (now or later). */
export class Delivery {
  constructor(
    readonly shardId: string,
    readonly sequenceNumber: string,
    readonly subSequenceNumber: number | undefined,
    readonly timing: AttemptTiming,
    readonly acceptedAt: number,
    readonly failures: readonly Attempt[] | undefined,
  ) {}

  toResult(): PutResult {
    const last = attemptOf(this.timing, this.acceptedAt, this.failures?.at(-1));
    const attempts = this.failures ? [...this.failures, last] : [last];
    const result: PutResult = { shardId: this.shardId, sequenceNumber: this.sequenceNumber, attempts };
    if (this.subSequenceNumber !== undefined) result.subSequenceNumber = this.subSequenceNumber;
    return result;
  }
}

/** A flush() in progress: it counts the records put before it (id < upTo), of one stream or of all. */
export interface FlushTracker {
  readonly upTo: number;
  readonly stream: StreamBuffer | undefined;
  remaining: number;
  delivered: number;
  failed: number;
  /** Failed records per error code (the Kinesis code where there is one, else the producer's). */
  errors: Record<string, number>;
  done: boolean;
  finish(): void;
}


/**
 * One put(), as small as it can be, because 100,000 of them may be outstanding: the record's routing fields, its
 * data as a slice of a shared chunk (no object per record for the bytes), integer times, the failed attempts only
 * once there is one, and no promise until someone asks (LazyPromise). About 130 bytes of heap besides the key.
 */
export class PendingRecord extends LazyPromise<PutResult> {
  /** Set when the record is admitted to the buffer; Math.floor(performance.now()). */
  acceptedAt: number;
  predictedShard: string | undefined = undefined;
  /** Failed attempts so far; undefined until the first failure. */
  failures: Attempt[] | undefined = undefined;
  retries = 0;
  /** The timing of the request that delivered the record, when it went on its own. */
  timing: AttemptTiming | undefined = undefined;
  /** Admitted to the buffer (false while the put() waits for room). */
  accepted = false;
  settled = false;

  constructor(
    /** Put order: flush() counts the records whose id is below its snapshot. */
    readonly id: number,
    readonly stream: StreamBuffer,
    readonly partitionKey: string,
    readonly explicitHashKey: string | undefined,
    /** The chunk that holds the data (shared with other records), and where. */
    public chunk: Buffer,
    readonly offset: number,
    readonly length: number,
    /** Partition key UTF-8 bytes + data bytes: what Kinesis counts. */
    readonly size: number,
    now: number,
  ) {
    super();
    this.acceptedAt = now;
  }

  /** The data as a view of its chunk, made when a request is built (a plain Uint8Array: cheaper than a Buffer). */
  get data(): Uint8Array {
    return new Uint8Array(this.chunk.buffer, this.chunk.byteOffset + this.offset, this.length);
  }

  /** Failed attempts so far, for OpenTelemetry's buffering time. */
  get attempts(): readonly Attempt[] {
    return this.failures ?? NO_ATTEMPTS;
  }

  /** Monotonic ms when the last failed attempt ended (from its wall-clock times), or when the record entered the buffer. */
  get lastEventAt(): number {
    const last = this.failures?.at(-1);
    if (!last) return this.acceptedAt;
    return performance.now() - (Date.now() - (last.startedAt + last.durationMs));
  }

  /** A copy of the failed attempts, for an error. */
  attemptsCopy(): Attempt[] {
    return this.failures ? [...this.failures] : [];
  }

  protected override value(settledWith: unknown): PutResult {
    if (settledWith instanceof Delivery) return settledWith.toResult();
    // A record sent on its own keeps the SDK's result entry and the request's timing (see deliverResult).
    const result = settledWith as { ShardId: string; SequenceNumber: string };
    const last = attemptOf(this.timing!, this.acceptedAt, this.failures?.at(-1));
    return { shardId: result.ShardId, sequenceNumber: result.SequenceNumber, attempts: this.failures ? [...this.failures, last] : [last] };
  }

  /** Delivered on its own: keeps the SDK's result entry (ShardId, SequenceNumber) and the request's timing. */
  deliverResult(result: { ShardId?: string | undefined; SequenceNumber?: string | undefined }, timing: AttemptTiming): boolean {
    if (this.settled) return false;
    this.timing = timing;
    return this.#settle(result);
  }

  /** Delivered; returns false if the record had already settled. */
  deliver(shardId: string, sequenceNumber: string, subSequenceNumber: number | undefined, timing: AttemptTiming): boolean {
    return this.#settle(new Delivery(shardId, sequenceNumber, subSequenceNumber, timing, this.acceptedAt, this.failures));
  }

  /** Records a failed attempt. */
  failedAttempt(timing: AttemptTiming, error: { code: string; message: string }): void {
    (this.failures ??= []).push(attemptOf(timing, this.acceptedAt, this.failures?.at(-1), error));
  }

  /** Failed for good; returns false if the record had already settled. */
  fail(error: ProducerError): boolean {
    return this.#settle(error);
  }

  #settle(outcome: object): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.settleWith(outcome);
    // The data is no longer needed: its chunk goes once every record in it has settled.
    this.chunk = EMPTY_CHUNK;
    return true;
  }
}

const NO_ATTEMPTS: readonly Attempt[] = Object.freeze([]);
const EMPTY_CHUNK = Buffer.alloc(0);
