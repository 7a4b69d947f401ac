import { PutRecordsCommand, type KinesisClient, type PutRecordsCommandOutput, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { Batch } from './accumulator.js';
import { classifyRecordError, classifyRequestError, type ClassifiedError } from './retry.js';

/** Timing of one PutRecords request, shared by the records it carried. */
export interface RequestTiming {
  /** Date.now() at the start. */
  startedAt: number;
  /** performance.now() at the start and at the end. */
  startedAtMono: number;
  endedAtMono: number;
}

export type EntryOutcome = { shardId: string; sequenceNumber: string } | { error: ClassifiedError };

export type RequestOutcome =
  /**
   * Kinesis answered: one result per entry, in request order, as the SDK parsed them (no object per record is
   * made here; entryOutcome() reads one).
   */
  | { kind: 'response'; results: PutRecordsResultEntry[] }
  /** The whole request failed. */
  | { kind: 'error'; error: ClassifiedError };

export type OutcomeHandler = (batch: Batch, outcome: RequestOutcome, timing: RequestTiming) => void;

export interface SenderOptions {
  maxConnections: number;
  /** The per-attempt timeout to start from (requestTimeout). */
  requestTimeout: number;
  /** The longest the per-attempt timeout may grow to after timeouts. */
  maxRequestTimeout: number;
}

/**
 * Sends PutRecords requests, each bounded by a per-attempt timeout (an AbortSignal, so the socket is released).
 * It only reports outcomes; deciding retries is the producer's job.
 *
 * How many requests go at once adapts to the server, AIMD-style: a request that times out may well be stored by a
 * slow server anyway, and resending it at full concurrency makes duplicates and more load. So a timeout halves the
 * requests allowed in flight and doubles the per-attempt timeout (up to `maxRequestTimeout`); answered requests add
 * one back per round trip's worth of answers (1/concurrency each, as TCP's congestion avoidance), and once the limit
 * is back to `maxConnections`, they bring the timeout back down.
 */
/**
 * The abort switch the SDK's Node handlers understand without an EventTarget: `aborted` and `onabort` (Smithy's
 * AbortSignal interface). A DOM AbortSignal costs tens of microseconds per request in Node 20 for adding and removing
 * its listener; this costs nothing. Used only with NodeHttpHandler and NodeHttp2Handler, which fall back to `onabort`.
 */
class LightSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: unknown, event?: unknown) => unknown) | null = null;
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const error = new Error('PutRecords was aborted');
    error.name = 'AbortError';
    this.reason = error;
    this.onabort?.();
  }
}

/** One request on the wire: its abort switch and its deadline (startedAt + timeout), which a timeout elsewhere may push back. */
class InFlight {
  readonly controller: { readonly signal: unknown; abort(): void };
  timedOut = false;
  constructor(
    readonly startedAtMono: number,
    /** The timeout its deadline is set with. */
    public timeout: number,
    light: boolean,
  ) {
    if (light) {
      const signal = new LightSignal();
      this.controller = { signal, abort: () => signal.abort() };
    } else {
      this.controller = new AbortController();
    }
  }

  get deadline(): number {
    return this.startedAtMono + this.timeout;
  }
}

export class Sender {
  inFlight = 0;
  /** Requests allowed in flight now, 1..maxConnections (a fraction while it grows back). */
  #window: number;
  /** Per-attempt timeout now, requestTimeout..maxRequestTimeout. */
  timeout: number;
  /** Batches on the wire, for destroy() and for the oldest record's age. */
  readonly batches = new Set<Batch>();
  readonly #requests = new Map<Batch, InFlight>();
  /** One timer for every request's deadline, armed for the earliest; left running when a request ends early. */
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** The client's handler takes a LightSignal. */
  readonly #light: boolean;

  constructor(
    private readonly client: KinesisClient,
    private readonly options: SenderOptions,
    private readonly onOutcome: OutcomeHandler,
  ) {
    this.#window = options.maxConnections;
    this.timeout = options.requestTimeout;
    const handler = (client as { config?: { requestHandler?: unknown } }).config?.requestHandler;
    const name = typeof handler === 'object' && handler !== null ? handler.constructor.name : '';
    this.#light = name === 'NodeHttpHandler' || name === 'NodeHttp2Handler';
  }

  /** Requests allowed in flight now, 1..maxConnections. */
  get concurrency(): number {
    return Math.floor(this.#window);
  }

  get hasCapacity(): boolean {
    return this.inFlight < this.concurrency;
  }

  /** Aborts every request on the wire; their outcomes still arrive (as errors). */
  abortAll(): void {
    for (const request of this.#requests.values()) request.controller.abort();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /** Arms the deadline timer for `at` unless it already fires by then. */
  #armFor(at: number): void {
    if (this.#timer && this.#timerAt <= at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    // Unref'd: an idle producer must not keep the process alive until a finished request's deadline.
    this.#timer = setTimeout(() => this.#checkDeadlines(), Math.max(0, at - performance.now())).unref();
  }

  #checkDeadlines(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (const request of this.#requests.values()) if (!request.timedOut && request.deadline <= now) this.#timedOut(request);
    let next = Number.POSITIVE_INFINITY;
    for (const request of this.#requests.values()) if (!request.timedOut && request.deadline < next) next = request.deadline;
    if (next !== Number.POSITIVE_INFINITY) this.#armFor(next);
  }

  /** Starts one request; the returned promise never rejects. */
  async send(batch: Batch): Promise<void> {
    this.inFlight++;
    this.batches.add(batch);
    const timing: RequestTiming = { startedAt: Date.now(), startedAtMono: performance.now(), endedAtMono: 0 };
    const request = new InFlight(timing.startedAtMono, this.timeout, this.#light);
    this.#requests.set(batch, request);
    this.#armFor(request.deadline);
    let outcome: RequestOutcome;
    try {
      const output: PutRecordsCommandOutput = await this.client.send(new PutRecordsCommand({ StreamName: batch.stream.name, Records: batch.entries }), { abortSignal: request.controller.signal as AbortSignal });
      outcome = readResponse(output, batch.entries.length);
    } catch (error) {
      outcome = { kind: 'error', error: classifyRequestError(error, request.timedOut) };
    } finally {
      timing.endedAtMono = performance.now();
      this.inFlight--;
      this.batches.delete(batch);
      this.#requests.delete(batch);
    }
    if (outcome.kind === 'response') this.#answered();
    this.onOutcome(batch, outcome, timing);
  }

  /**
   * A request passed its deadline: abort it, halve the window and double the timeout, and give the requests still
   * on the wire the longer deadline too: a burst queued at a slow server would otherwise time out one request after
   * another and be sent twice. Requests whose deadline was set with an older, shorter timeout do not cut again,
   * so one burst halves the window once per doubling, not once per request.
   */
  #timedOut(request: InFlight): void {
    request.timedOut = true;
    request.controller.abort();
    if (request.timeout < this.timeout) return;
    this.#window = Math.max(1, Math.floor(this.#window / 2));
    const longer = Math.min(this.options.maxRequestTimeout, this.timeout * 2);
    if (longer === this.timeout) return;
    this.timeout = longer;
    // #checkDeadlines re-arms the timer for the new, later deadlines.
    for (const other of this.#requests.values()) if (!other.timedOut) other.timeout = longer;
  }

  #answered(): void {
    const { maxConnections, requestTimeout } = this.options;
    if (this.#window < maxConnections) this.#window = Math.min(maxConnections, this.#window + 1 / Math.floor(this.#window));
    else if (this.timeout > requestTimeout) this.timeout = Math.max(requestTimeout, Math.floor(this.timeout * 0.9));
  }
}

function readResponse(output: PutRecordsCommandOutput, expected: number): RequestOutcome {
  const results = output.Records ?? [];
  if (results.length !== expected) {
    return { kind: 'error', error: { disposition: 'retry', code: 'RecordCountMismatch', message: `PutRecords answered ${results.length} results for ${expected} records` } };
  }
  return { kind: 'response', results };
}

/** The error of one PutRecords result, or undefined when the record was stored (ShardId and SequenceNumber set). */
export function entryError(result: PutRecordsResultEntry): ClassifiedError | undefined {
  if (result.ErrorCode) return classifyRecordError(result.ErrorCode, result.ErrorMessage);
  if (result.ShardId && result.SequenceNumber) return undefined;
  return { disposition: 'retry', code: 'InvalidResponse', message: 'PutRecords result had neither an error code nor a sequence number' };
}

/** One outcome object per entry, for OpenTelemetry only. */
export function entryOutcomes(outcome: RequestOutcome): { kind: 'response'; entries: EntryOutcome[] } | { kind: 'error'; error: ClassifiedError } {
  if (outcome.kind === 'error') return outcome;
  return { kind: 'response', entries: outcome.results.map((result): EntryOutcome => entryError(result) ? { error: entryError(result)! } : { shardId: result.ShardId!, sequenceNumber: result.SequenceNumber! }) };
}
