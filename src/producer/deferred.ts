import type { StreamBuffer } from './accumulator.js';
import type { ProducerError } from './errors.js';
import type { Attempt, PutResult } from './types.js';

/** Marks a Derived made by finally(): its first handler is the onFinally callback. */
const FINALLY: unknown = Object.freeze({ finally: true });

/**
 * A promise made only when someone asks for it. put() returns one per record, and most callers fire and forget:
 * they never call then(), so no Promise, no resolving functions and no result object are ever made for them, and a
 * failure nobody listens to cannot become an unhandled rejection. It behaves as a Promise<T> for `await`,
 * `Promise.all`, `.then/.catch/.finally`; `instanceof Promise` is false (wrap it in `Promise.resolve()` for that).
 *
 * A then()/catch()/finally() (which `await` and `Promise.all` call) made while the record is still outstanding
 * costs one small object, a Derived that keeps the handlers and is itself such a lazy promise: no native Promise
 * and no resolving functions wait alongside the record. When the record settles, each Derived hands its handlers
 * to a native Promise of the outcome (`Promise.resolve(value).then(onFulfilled, onRejected)`), so the handlers run
 * as native reactions do (in a later microtask, in the order they were added, a returned thenable followed, a throw
 * turned into a rejection), and from then on the Derived is that native Promise. A rejection nobody handles in the
 * caller's own chain (`.then(onOk)` alone) is reported as unhandled, as it would be with native promises; the
 * record's own rejection is not, since the Derived's handlers are attached to it at once. A then() after the
 * record settled goes straight to a native Promise.
 *
 * `state` is undefined or the first Derived (a list through `next`) while pending; after settling, whatever the
 * subclass keeps (see settledPromise).
 */
export abstract class LazyPromise<T> implements Promise<T> {
  protected state: unknown = undefined;

  get [Symbol.toStringTag](): string {
    return 'Promise';
  }

  /** A native Promise of the outcome once settled; undefined while pending. */
  protected abstract settledPromise(): Promise<T> | undefined;

  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    const settled = this.settledPromise();
    if (settled) return settled.then(onFulfilled, onRejected);
    return this.listen(new Derived<R1 | R2>(onFulfilled, onRejected));
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    const settled = this.settledPromise();
    if (settled) return settled.finally(onFinally);
    return this.listen(new Derived<T>(onFinally, FINALLY));
  }

  private listen<R>(derived: Derived<R>): Derived<R> {
    const first = this.state;
    if (first instanceof Derived) {
      let last: Derived<unknown> = first;
      while (last.next) last = last.next;
      last.next = derived;
    } else {
      this.state = derived;
    }
    return derived;
  }

  /** Hands the Derived list `listeners` (the pending `state`) to `source`, the native Promise of the outcome. */
  protected static release(listeners: unknown, source: Promise<unknown>): void {
    let derived = listeners instanceof Derived ? (listeners as Derived<unknown>) : undefined;
    while (derived) {
      const next = derived.next;
      derived.next = undefined;
      derived.settleFrom(source);
      derived = next;
    }
  }

  /** A put() refused before it was accepted (closed, invalid, buffer full): settled already. */
  static rejected<T>(error: Error): LazyPromise<T> {
    return new Refused<T>(error);
  }
}

/** What then()/catch()/finally() return while the source is pending: the handlers, until the source settles. */
class Derived<T> extends LazyPromise<T> {
  next: Derived<unknown> | undefined = undefined;

  constructor(
    private onFulfilled: unknown,
    /** The rejection handler, or FINALLY when onFulfilled is an onFinally. */
    private onRejected: unknown,
  ) {
    super();
  }

  protected settledPromise(): Promise<T> | undefined {
    const state = this.state;
    return state instanceof Promise ? (state as Promise<T>) : undefined;
  }

  /** The source settled (as the native `source`): from now on this is `source.then(handlers)`. */
  settleFrom(source: Promise<unknown>): void {
    const onFulfilled = this.onFulfilled as ((value: unknown) => unknown) | undefined;
    const promise = this.onRejected === FINALLY ? source.finally(onFulfilled as (() => void) | undefined) : source.then(onFulfilled, this.onRejected as ((reason: unknown) => unknown) | undefined);
    this.onFulfilled = undefined;
    this.onRejected = undefined;
    const listeners = this.state;
    this.state = promise;
    LazyPromise.release(listeners, promise);
  }
}

/** A put() refused at once: `state` is the error. */
class Refused<T> extends LazyPromise<T> {
  constructor(error: Error) {
    super();
    this.state = error;
  }

  protected settledPromise(): Promise<T> {
    return Promise.reject(this.state as Error);
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


const ACCEPTED = 1;
const SETTLED = 2;
/** flags >> RETRIES_SHIFT: the record's retries. */
const RETRIES_SHIFT = 2;

/**
 * One put(), as small as it can be, because 100,000 of them may be outstanding: the record's routing fields, its
 * data as a slice of a shared chunk (no object per record for the bytes), integer times, its flags and retries in
 * one number, the failed attempts only once there is one, and no promise until someone asks (LazyPromise). No
 * private methods: each would add a brand to every record. 13 fields, 128 bytes of heap (Node 20, 64-bit).
 */
export class PendingRecord extends LazyPromise<PutResult> {
  /** ACCEPTED | SETTLED | retries << RETRIES_SHIFT. */
  private flags = 0;
  /** Set when the record is admitted to the buffer; Math.floor(performance.now()). */
  acceptedAt: number;
  predictedShard: string | undefined = undefined;
  /**
   * While outstanding: the failed attempts so far (undefined until the first failure). Once delivered on its own
   * with no failure before: the timing of the request that delivered it.
   */
  private history: Attempt[] | AttemptTiming | undefined = undefined;

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

  /** Admitted to the buffer (false while the put() waits for room). */
  get accepted(): boolean {
    return (this.flags & ACCEPTED) !== 0;
  }

  set accepted(value: boolean) {
    this.flags = value ? this.flags | ACCEPTED : this.flags & ~ACCEPTED;
  }

  get settled(): boolean {
    return (this.flags & SETTLED) !== 0;
  }

  get retries(): number {
    return this.flags >>> RETRIES_SHIFT;
  }

  set retries(value: number) {
    this.flags = (this.flags & (ACCEPTED | SETTLED)) | (value << RETRIES_SHIFT);
  }

  /** Failed attempts so far; undefined until the first failure. */
  get failures(): Attempt[] | undefined {
    const history = this.history;
    return Array.isArray(history) ? history : undefined;
  }

  /** The data as a view of its chunk, made when a request is built (a plain Uint8Array: cheaper than a Buffer). */
  get data(): Uint8Array {
    const chunk = this.chunk;
    return new Uint8Array(chunk.buffer, chunk.byteOffset + this.offset, this.length);
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
    const failures = this.failures;
    return failures ? [...failures] : [];
  }

  protected settledPromise(): Promise<PutResult> | undefined {
    if ((this.flags & SETTLED) === 0) return undefined;
    const outcome = this.state;
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(this.result(outcome));
  }

  /** The PutResult, from what the record settled with. */
  private result(outcome: unknown): PutResult {
    if (outcome instanceof Delivery) return outcome.toResult();
    // A record sent on its own keeps the SDK's result entry, and `history` the request's timing (see deliverResult).
    const entry = outcome as { ShardId: string; SequenceNumber: string };
    return { shardId: entry.ShardId, sequenceNumber: entry.SequenceNumber, attempts: [attemptOf(this.history as AttemptTiming, this.acceptedAt, undefined)] };
  }

  /** Delivered on its own: keeps the SDK's result entry (ShardId, SequenceNumber) and the request's timing. */
  deliverResult(result: { ShardId?: string | undefined; SequenceNumber?: string | undefined }, timing: AttemptTiming): boolean {
    if ((this.flags & SETTLED) !== 0) return false;
    const failures = this.failures;
    if (failures) return this.settle(new Delivery(result.ShardId!, result.SequenceNumber!, undefined, timing, this.acceptedAt, failures));
    this.history = timing;
    return this.settle(result);
  }

  /** Delivered; returns false if the record had already settled. */
  deliver(shardId: string, sequenceNumber: string, subSequenceNumber: number | undefined, timing: AttemptTiming): boolean {
    if ((this.flags & SETTLED) !== 0) return false;
    return this.settle(new Delivery(shardId, sequenceNumber, subSequenceNumber, timing, this.acceptedAt, this.failures));
  }

  /** Records a failed attempt. */
  failedAttempt(timing: AttemptTiming, error: { code: string; message: string }): void {
    const failures = this.failures;
    const attempt = attemptOf(timing, this.acceptedAt, failures?.at(-1), error);
    if (failures) failures.push(attempt);
    else this.history = [attempt];
  }

  /** Failed for good; returns false if the record had already settled. */
  fail(error: ProducerError): boolean {
    return this.settle(error);
  }

  private settle(outcome: object): boolean {
    if ((this.flags & SETTLED) !== 0) return false;
    this.flags |= SETTLED;
    const listeners = this.state;
    this.state = outcome;
    // The data is no longer needed: its chunk goes once every record in it has settled.
    this.chunk = EMPTY_CHUNK;
    if (listeners !== undefined) LazyPromise.release(listeners, outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(this.result(outcome)));
    return true;
  }
}

const NO_ATTEMPTS: readonly Attempt[] = Object.freeze([]);
const EMPTY_CHUNK = Buffer.alloc(0);
