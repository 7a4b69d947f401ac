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
 * requests allowed in flight and doubles the per-attempt timeout (up to `maxRequestTimeout`); every answered request
 * adds one back, and once the limit is back to `maxConnections`, answered requests bring the timeout back down.
 */
export class Sender {
  inFlight = 0;
  /** Requests allowed in flight now, 1..maxConnections. */
  concurrency: number;
  /** Per-attempt timeout now, requestTimeout..maxRequestTimeout. */
  timeout: number;
  /** Batches on the wire, for destroy() and for the oldest record's age. */
  readonly batches = new Set<Batch>();
  readonly #controllers = new Map<Batch, AbortController>();

  constructor(
    private readonly client: KinesisClient,
    private readonly options: SenderOptions,
    private readonly onOutcome: OutcomeHandler,
  ) {
    this.concurrency = options.maxConnections;
    this.timeout = options.requestTimeout;
  }

  get hasCapacity(): boolean {
    return this.inFlight < this.concurrency;
  }

  /** Aborts every request on the wire; their outcomes still arrive (as errors). */
  abortAll(): void {
    for (const controller of this.#controllers.values()) controller.abort();
  }

  /** Starts one request; the returned promise never rejects. */
  async send(batch: Batch): Promise<void> {
    this.inFlight++;
    this.batches.add(batch);
    const timing: RequestTiming = { startedAt: Date.now(), startedAtMono: performance.now(), endedAtMono: 0 };
    const controller = new AbortController();
    this.#controllers.set(batch, controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeout);
    let outcome: RequestOutcome;
    try {
      const output: PutRecordsCommandOutput = await this.client.send(new PutRecordsCommand({ StreamName: batch.stream.name, Records: batch.entries }), { abortSignal: controller.signal });
      outcome = readResponse(output, batch.entries.length);
    } catch (error) {
      outcome = { kind: 'error', error: classifyRequestError(error, timedOut) };
    } finally {
      clearTimeout(timer);
      timing.endedAtMono = performance.now();
      this.inFlight--;
      this.batches.delete(batch);
      this.#controllers.delete(batch);
    }
    this.#adapt(timedOut, outcome.kind === 'response');
    this.onOutcome(batch, outcome, timing);
  }

  #adapt(timedOut: boolean, answered: boolean): void {
    const { maxConnections, requestTimeout, maxRequestTimeout } = this.options;
    if (timedOut) {
      this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
      this.timeout = Math.min(maxRequestTimeout, this.timeout * 2);
    } else if (answered) {
      if (this.concurrency < maxConnections) this.concurrency++;
      else if (this.timeout > requestTimeout) this.timeout = Math.max(requestTimeout, Math.floor(this.timeout * 0.9));
    }
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
