import { PutRecordsCommand, type KinesisClient, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { BatchEntry } from './accumulator.js';
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
  /** Kinesis answered: one outcome per entry, in request order. */
  | { kind: 'response'; entries: EntryOutcome[] }
  /** The whole request failed. */
  | { kind: 'error'; error: ClassifiedError };

export type OutcomeHandler = (streamName: string, entries: BatchEntry[], outcome: RequestOutcome, timing: RequestTiming) => void;

/**
 * Sends PutRecords requests, at most `maxConnections` at once, each bounded by `requestTimeout`
 * (an AbortSignal, so the socket is released). It only reports outcomes; deciding retries is the producer's job.
 */
export class Sender {
  inFlight = 0;

  constructor(
    private readonly client: KinesisClient,
    private readonly maxConnections: number,
    private readonly requestTimeout: number,
    private readonly onOutcome: OutcomeHandler,
  ) {}

  get hasCapacity(): boolean {
    return this.inFlight < this.maxConnections;
  }

  /** Starts one request; the returned promise never rejects. */
  async send(streamName: string, entries: BatchEntry[]): Promise<void> {
    this.inFlight++;
    const timing: RequestTiming = { startedAt: Date.now(), startedAtMono: performance.now(), endedAtMono: 0 };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.requestTimeout);
    let outcome: RequestOutcome;
    try {
      const output: PutRecordsCommandOutput = await this.client.send(
        new PutRecordsCommand({ StreamName: streamName, Records: entries.map((entry) => entry.entry) }),
        { abortSignal: controller.signal },
      );
      outcome = readResponse(output, entries.length);
    } catch (error) {
      outcome = { kind: 'error', error: classifyRequestError(error, timedOut) };
    } finally {
      clearTimeout(timer);
      timing.endedAtMono = performance.now();
      this.inFlight--;
    }
    this.onOutcome(streamName, entries, outcome, timing);
  }
}

function readResponse(output: PutRecordsCommandOutput, expected: number): RequestOutcome {
  const records = output.Records ?? [];
  if (records.length !== expected) {
    return { kind: 'error', error: { disposition: 'retry', code: 'RecordCountMismatch', message: `PutRecords answered ${records.length} results for ${expected} records` } };
  }
  return {
    kind: 'response',
    entries: records.map((record): EntryOutcome => {
      if (record.ErrorCode) return { error: classifyRecordError(record.ErrorCode, record.ErrorMessage) };
      if (record.ShardId && record.SequenceNumber) return { shardId: record.ShardId, sequenceNumber: record.SequenceNumber };
      return { error: { disposition: 'retry', code: 'InvalidResponse', message: 'PutRecords result had neither an error code nor a sequence number' } };
    }),
  };
}
