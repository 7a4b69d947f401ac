import http from 'node:http';
import https from 'node:https';
import { KinesisClient, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Accumulator, Deque, type Batch } from './accumulator.js';
import { describeInvalidStreamName, resolveConfig, type KinesisProducerOptions, type ResolvedConfig } from './config.js';
import { LazyPromise, PendingRecord, type FlushTracker } from './deferred.js';
import {
  BufferFullError,
  ClosedError,
  DestroyedError,
  ExpiredError,
  FlushTimeoutError,
  ProducerError,
  RecordFailedError,
  RequestFailedError,
  StreamNotFoundError,
  ThrottledError,
} from './errors.js';
import { MetricsRecorder } from './metrics.js';
import { OtelRecorder, type OtelEntry } from './otel.js';
import { DataArena, RecordReader } from './record.js';
import { backoffDelay, type ClassifiedError } from './retry.js';
import { entryError, entryOutcomes, Sender, type RequestOutcome, type RequestTiming } from './sender.js';
import { ShardMap } from './shard-map.js';
import type { FailedRecord, FlushOptions, FlushReport, ProducerMetrics, ProducerRecord, PutResult } from './types.js';

/**
 * What one outstanding record costs the producer besides its partition key and data, in bytes: the record's own
 * object and its place in the queues, about 0.21 KB of heap with its key measured with nobody awaiting its promise,
 * about 0.07 KB more with a then() attached (see docs/benchmarks.md), rounded up for the result a caller who awaits
 * it gets. maxOutstandingBytes counts this plus the key and data bytes of every record.
 */
export const RECORD_OVERHEAD_BYTES = 256;

/** Records waiting out a back-off, released together at `at`. */
interface RetryGroup {
  at: number;
  records: PendingRecord[];
}

/**
 * A Kinesis producer in the manner of the KPL: per-record promises, batching into PutRecords by count, size and age,
 * optional KPL aggregation per predicted shard, per-shard rate limiting, retries with back-off until a TTL,
 * bounded memory, and a flush() that settles when the records outstanding at call time have settled.
 *
 * All scheduling runs from one timer, armed for the earliest moment something is due (a buffered record's
 * deadline, a back-off's end, a rate-limit refill, a shard-map refresh); everything else is driven by events.
 */
export class KinesisProducer {
  readonly #config: ResolvedConfig;
  readonly #client: KinesisClient;
  readonly #ownsClient: boolean;
  readonly #accumulator: Accumulator;
  readonly #sender: Sender;
  readonly #reader: RecordReader;
  readonly #arena = new DataArena();
  readonly #metrics = new MetricsRecorder();
  /** The KPL metric set on OpenTelemetry; undefined when there is no provider to record to. */
  readonly #otel: OtelRecorder | undefined;
  /** put() calls waiting for room (onFull: 'wait'), FIFO. */
  readonly #waiting = new Deque<PendingRecord>();
  /** flush() calls not yet settled. */
  #flushes: FlushTracker[] = [];
  /** flush() calls of every stream in progress (a flush of one stream counts on its StreamBuffer). */
  #flushingAll = 0;
  /** Records put and not yet settled, waiting ones included. */
  #outstanding = 0;
  #acceptedRecords = 0;
  #acceptedBytes = 0;
  #retryGroups: RetryGroup[] = [];
  #nextId = 0;
  /** Math.floor(performance.now()) as put() last read it. */
  #clock = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #drainQueued = false;
  #closed = false;
  #destroyed = false;
  #closePromise: Promise<void> | undefined;

  constructor(options: KinesisProducerOptions) {
    this.#config = resolveConfig(options);
    const config = this.#config;
    if (options.client) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else {
      this.#client = buildClient(options, config);
      this.#ownsClient = true;
    }
    this.#reader = new RecordReader(config.streamName, config.maxRecordSize);
    const useShardMap = config.aggregation.enabled || Number.isFinite(config.rateLimit);
    this.#accumulator = new Accumulator(
      config,
      useShardMap
        ? (streamName) =>
            new ShardMap(streamName, this.#client, { ...config.shardMapRefresh, requestTimeout: config.requestTimeout }, () => this.#onShardMapChange(streamName), performance.now())
        : undefined,
    );
    this.#sender = new Sender(
      this.#client,
      // A timed-out attempt's timeout may double up to half the TTL, leaving the other half for a retry.
      { maxConnections: config.maxConnections, requestTimeout: config.requestTimeout, maxRequestTimeout: Math.max(config.requestTimeout, Math.floor(config.recordTtl / 2)) },
      (batch, outcome, timing) => this.#onOutcome(batch, outcome, timing),
    );
    this.#otel = OtelRecorder.create(options.meterProvider, () => this.#pendingByStream());
    // The shard map from the start: the first records can be aggregated and rate-limited per shard.
    if (useShardMap && config.streamName !== undefined) this.#accumulator.stream(config.streamName).shardMap?.refreshIfDue(performance.now());
  }

  /** Records put and not yet settled, per stream: UserRecordsPending, read only when a metric reader collects. */
  #pendingByStream(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const stream of this.#accumulator.streams.values()) counts.set(stream.name, stream.outstanding);
    return counts;
  }

  /**
   * Buffers one record and resolves when Kinesis has stored it, with its shard, sequence number and attempts.
   * Rejects with ValidationError (bad record, at once), ClosedError, BufferFullError (onFull: 'reject'),
   * ExpiredError, ThrottledError, StreamNotFoundError, RecordFailedError, RequestFailedError or DestroyedError.
   *
   * Fire and forget is safe: the promise is made only when someone calls then()/catch()/finally() or awaits it, so
   * a failure nobody listens to never becomes an unhandled rejection; it is counted in flush()'s report and
   * metrics(), and handed to the `onError` option.
   */
  put(record: ProducerRecord): Promise<PutResult> {
    if (this.#closed) return this.#refuse(new ClosedError(this.#destroyed ? 'The producer was destroyed; put() no longer accepts records' : undefined), record);
    const reader = this.#reader;
    try {
      reader.read(record);
    } catch (error) {
      return this.#refuse(error as ProducerError, record);
    }
    const cost = reader.size + RECORD_OVERHEAD_BYTES;
    const hasRoom = this.#waiting.length === 0 && this.#hasRoomFor(cost);
    if (!hasRoom && this.#config.onFull === 'reject') {
      return this.#refuse(
        new BufferFullError(
          `The producer holds ${this.#acceptedRecords} records / ${this.#acceptedBytes} bytes not yet settled (maxOutstandingRecords ${this.#config.maxOutstandingRecords}, maxOutstandingBytes ${this.#config.maxOutstandingBytes}, counting ${RECORD_OVERHEAD_BYTES} bytes a record besides key and data); retry later or use onFull: 'wait'`,
        ),
        record,
      );
    }
    const stream = this.#accumulator.stream(reader.streamName);
    this.#arena.store(reader.data, reader.dataLength);
    // The clock is read at a turn's first put() and every 64th after (within a fraction of a millisecond): each
    // performance.now() returns a heap number, which a loop of put() calls would otherwise pay for per record.
    if (!this.#drainQueued || (this.#nextId & 63) === 0) this.#clock = Math.floor(performance.now());
    const pending = new PendingRecord(this.#nextId++, stream, reader.partitionKey, reader.explicitHashKey, this.#arena.chunk, this.#arena.offset, reader.dataLength, reader.size, this.#clock);
    this.#metrics.recordsPut++;
    this.#otel?.received(stream.name);
    this.#outstanding++;
    stream.outstanding++;
    if (hasRoom) this.#accept(pending);
    else this.#waiting.push(pending);
    return pending;
  }

  /** A put() refused before it was accepted: rejected already, reported to onError, never unhandled. */
  #refuse(error: ProducerError, input: unknown): Promise<PutResult> {
    this.#reportError(error, describeInput(input, this.#config.streamName));
    return LazyPromise.rejected<PutResult>(error);
  }

  #reportError(error: ProducerError, record: FailedRecord): void {
    const onError = this.#config.onError;
    if (!onError) return;
    try {
      onError(error, record);
    } catch (hookError) {
      process.emitWarning(`KinesisProducer onError threw: ${hookError instanceof Error ? hookError.message : String(hookError)}`, 'KinesisProducerWarning');
    }
  }

  /** Records put and not yet settled (delivered or failed), including put() calls waiting for room. As in KPL. */
  getOutstandingRecordsCount(): number {
    return this.#outstanding;
  }

  /**
   * Sends every buffered record now (skipping recordMaxBufferedTime; back-off, rate limit and TTL still apply) and
   * resolves when every record outstanding at the call has settled, with counts and the failures' error codes.
   * Records put later are not waited for. With `streamName`, only that stream's records are hurried and waited for.
   * With `timeout` or `signal` it rejects with FlushTimeoutError carrying the count still outstanding; the records go on.
   */
  flush(options: FlushOptions = {}): Promise<FlushReport> {
    const { timeout, signal, streamName } = options;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
      return Promise.reject(new RangeError(`flush({ timeout }) must be a number of milliseconds >= 0 (got ${String(timeout)})`));
    }
    if (streamName !== undefined) {
      const problem = describeInvalidStreamName(streamName);
      if (problem) return Promise.reject(new RangeError(`flush({ streamName }) ${problem}`));
    }
    const stream = streamName === undefined ? undefined : this.#accumulator.streams.get(streamName);
    const outstanding = streamName === undefined ? this.#outstanding : (stream?.outstanding ?? 0);
    if (outstanding === 0) return Promise.resolve({ delivered: 0, failed: 0, errors: {} });
    if (signal?.aborted) {
      return Promise.reject(new FlushTimeoutError(`flush() aborted before it started; ${outstanding} records still outstanding`, outstanding));
    }
    return new Promise<FlushReport>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const end = (): void => {
        tracker.done = true;
        this.#flushes = this.#flushes.filter((other) => other !== tracker);
        if (stream) stream.flushing--;
        else this.#flushingAll--;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const tracker: FlushTracker = {
        upTo: this.#nextId,
        stream,
        remaining: outstanding,
        delivered: 0,
        failed: 0,
        errors: {},
        done: false,
        finish: () => {
          end();
          resolve({ delivered: tracker.delivered, failed: tracker.failed, errors: tracker.errors });
        },
      };
      const giveUp = (why: string): void => {
        if (tracker.done) return;
        end();
        reject(new FlushTimeoutError(`flush() ${why} with ${tracker.remaining} of ${outstanding} records still outstanding; they keep being sent`, tracker.remaining));
      };
      const onAbort = (): void => giveUp('was aborted');
      this.#flushes.push(tracker);
      if (stream) stream.flushing++;
      else this.#flushingAll++;
      if (timeout !== undefined) timer = setTimeout(() => giveUp(`timed out after ${timeout} ms`), timeout);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#scheduleDrain();
    });
  }

  /**
   * Stops accepting records, flushes everything outstanding (including put() calls waiting for room), stops the
   * timer and destroys the client if the producer built it. Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    if (this.#closePromise) return this.#closePromise;
    this.#closed = true;
    this.#closePromise = this.flush().then(
      () => this.#shutdown(),
      () => this.#shutdown(),
    );
    return this.#closePromise;
  }

  /**
   * Stops now, as KPL's destroy(): every outstanding put() rejects with DestroyedError (records on the wire too,
   * though Kinesis may still store them), requests in flight are aborted, the timer stops and a client the producer
   * built is destroyed. Pending flush() calls settle with the records counted as failed. Later put() calls reject
   * with ClosedError. Idempotent.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#closed = true;
    // One error for all: a destroy of 100,000 records should not build 100,000 stack traces.
    const error = new DestroyedError();
    // Collected first, failed after: failing a record may admit a waiting one. Not spread into push(): 100,000
    // arguments would overflow the stack.
    const groups: PendingRecord[][] = [this.#waiting.takeAll()];
    for (const stream of this.#accumulator.streams.values()) groups.push(this.#accumulator.takeAll(stream));
    for (const group of this.#retryGroups) groups.push(group.records);
    this.#retryGroups = [];
    for (const batch of this.#sender.batches) groups.push(batch.records);
    for (const records of groups) for (const record of records) this.#failRecord(record, error);
    this.#sender.abortAll();
    this.#closePromise ??= Promise.resolve();
    this.#shutdown();
  }

  /** Counters, PutRecords latency percentiles, and what is outstanding now. */
  metrics(): ProducerMetrics {
    let refreshes = 0;
    let oldest = this.#waiting.at(0)?.acceptedAt ?? Number.POSITIVE_INFINITY;
    for (const stream of this.#accumulator.streams.values()) {
      refreshes += stream.shardMap?.refreshes ?? 0;
      oldest = Math.min(oldest, stream.oldestAcceptedAt());
    }
    for (const group of this.#retryGroups) for (const record of group.records) if (!record.settled) oldest = Math.min(oldest, record.acceptedAt);
    for (const batch of this.#sender.batches) oldest = Math.min(oldest, batch.oldestAcceptedAt);
    return this.#metrics.snapshot({
      outstandingRecords: this.#acceptedRecords,
      outstandingBytes: this.#acceptedBytes,
      waitingRecords: this.#waiting.length,
      bufferedRecords: this.#accumulator.bufferedRecords,
      inFlightRequests: this.#sender.inFlight,
      shardMapRefreshes: refreshes,
      oldestRecordAgeMs: this.#outstanding > 0 && Number.isFinite(oldest) ? Math.max(0, Math.round(performance.now() - oldest)) : 0,
      requestConcurrency: this.#sender.concurrency,
      requestTimeoutMs: this.#sender.timeout,
    });
  }

  #shutdown(): void {
    this.#clearTimer();
    this.#otel?.close();
    if (!this.#ownsClient) return;
    try {
      this.#client.destroy();
    } catch {
      // Destroying sockets that are already gone must not make close() reject.
    }
  }

  #hasRoomFor(cost: number): boolean {
    // An empty producer always takes one record, so no record of an allowed size waits forever.
    if (this.#acceptedRecords === 0) return true;
    return this.#acceptedRecords + 1 <= this.#config.maxOutstandingRecords && this.#acceptedBytes + cost <= this.#config.maxOutstandingBytes;
  }

  #accept(pending: PendingRecord): void {
    pending.accepted = true;
    this.#acceptedRecords++;
    this.#acceptedBytes += pending.size + RECORD_OVERHEAD_BYTES;
    if (this.#acceptedRecords > this.#metrics.peakOutstandingRecords) this.#metrics.peakOutstandingRecords = this.#acceptedRecords;
    if (this.#acceptedBytes > this.#metrics.peakOutstandingBytes) this.#metrics.peakOutstandingBytes = this.#acceptedBytes;
    this.#accumulator.add(pending, false);
    this.#scheduleDrain();
  }

  #deliver(record: PendingRecord, shardId: string, sequenceNumber: string, subSequenceNumber: number | undefined, timing: RequestTiming): void {
    if (!record.deliver(shardId, sequenceNumber, subSequenceNumber, timing)) return;
    this.#metrics.recordsDelivered++;
    this.#afterSettle(record, undefined);
    this.#otel?.settled(record.stream.name, record.retries, shardId, undefined);
  }

  /** A record sent on its own: its PutRecords result is kept as it is, and a PutResult made only if asked for. */
  #deliverResult(record: PendingRecord, result: PutRecordsResultEntry, timing: RequestTiming): void {
    if (!record.deliverResult(result, timing)) return;
    this.#metrics.recordsDelivered++;
    this.#afterSettle(record, undefined);
    this.#otel?.settled(record.stream.name, record.retries, result.ShardId, undefined);
  }

  #failRecord(record: PendingRecord, error: ProducerError): void {
    if (!record.fail(error)) return;
    this.#metrics.recordsFailed++;
    if (error.code === 'Expired') this.#metrics.recordsExpired++;
    this.#afterSettle(record, error);
    this.#otel?.settled(record.stream.name, record.retries, undefined, error.code);
    this.#reportError(error, { streamName: record.stream.name, partitionKey: record.partitionKey });
  }

  #afterSettle(record: PendingRecord, error: ProducerError | undefined): void {
    this.#outstanding--;
    record.stream.outstanding--;
    if (record.accepted) {
      this.#acceptedRecords--;
      this.#acceptedBytes -= record.size + RECORD_OVERHEAD_BYTES;
    }
    if (this.#flushes.length > 0) {
      for (const tracker of this.#flushes) {
        if (tracker.done || record.id >= tracker.upTo || (tracker.stream !== undefined && tracker.stream !== record.stream)) continue;
        if (error) {
          tracker.failed++;
          const code = errorKey(error);
          tracker.errors[code] = (tracker.errors[code] ?? 0) + 1;
        } else {
          tracker.delivered++;
        }
        if (--tracker.remaining === 0) tracker.finish();
      }
    }
    if (this.#waiting.length > 0) this.#admitWaiting();
  }

  #admitWaiting(): void {
    if (this.#destroyed) return;
    for (let head = this.#waiting.at(0); head && this.#hasRoomFor(head.size + RECORD_OVERHEAD_BYTES); head = this.#waiting.at(0)) {
      this.#waiting.shift();
      head.acceptedAt = Math.floor(performance.now());
      this.#accept(head);
    }
  }

  #expire(record: PendingRecord): void {
    const age = Math.round(performance.now() - record.acceptedAt);
    const attempts = record.attemptsCopy();
    const last = attempts.at(-1);
    const lastError = last?.errorCode ? `; last error: ${last.errorCode}` : '';
    this.#failRecord(record, new ExpiredError(`Record expired after ${attempts.length} attempt(s) in ${age} ms (recordTtl ${this.#config.recordTtl} ms)${lastError}`, attempts));
  }

  /** Coalesces every put(), completion and timer tick of one turn into a single drain. */
  #scheduleDrain(): void {
    if (this.#drainQueued || this.#destroyed) return;
    this.#drainQueued = true;
    queueMicrotask(() => {
      this.#drainQueued = false;
      this.#drainSafely();
    });
  }

  #drainSafely(): void {
    if (this.#destroyed) return;
    try {
      this.#drain();
    } catch (error) {
      // A bug here must not take the process down from a timer or microtask; fail loudly on the next drain instead.
      process.emitWarning(`KinesisProducer internal error: ${error instanceof Error ? error.message : String(error)}`, 'KinesisProducerWarning');
    }
  }

  #drain(): void {
    const now = performance.now();
    const ttl = this.#config.recordTtl;
    let wakeAt = Number.POSITIVE_INFINITY;

    if (this.#retryGroups.length > 0) {
      const due = this.#retryGroups.filter((group) => group.at <= now);
      if (due.length > 0) {
        this.#retryGroups = this.#retryGroups.filter((group) => group.at > now);
        for (const group of due) {
          for (const record of group.records) {
            if (record.settled) continue;
            if (record.acceptedAt + ttl <= now) this.#expire(record);
            else this.#accumulator.add(record, true);
          }
        }
      }
      for (const group of this.#retryGroups) wakeAt = Math.min(wakeAt, group.at);
    }

    for (const stream of this.#accumulator.streams.values()) {
      if (stream.count === 0) continue;
      const map = stream.shardMap;
      if (map) {
        map.refreshIfDue(now);
        if (map.dueAt !== undefined) wakeAt = Math.min(wakeAt, map.dueAt);
      }
      const flushing = this.#flushingAll > 0 || stream.flushing > 0;
      while (this.#sender.hasCapacity) {
        const readiness = this.#accumulator.readiness(stream, now, flushing);
        if (!readiness.send) {
          wakeAt = Math.min(wakeAt, readiness.wakeAt);
          break;
        }
        const batch = this.#accumulator.buildBatch(stream, now, ttl, (record) => this.#expire(record));
        wakeAt = Math.min(wakeAt, batch.blockedUntil);
        if (batch.entries.length === 0) break;
        this.#send(batch);
      }
    }
    this.#armTimer(wakeAt, now);
  }

  #send(batch: Batch): void {
    this.#metrics.putRecordsCalls++;
    this.#metrics.kinesisRecordsSent += batch.entries.length;
    this.#metrics.aggregatedRecordsSent += batch.aggregatedEntries;
    if (this.#otel) this.#otel.sent(batch.stream.name, otelEntries(batch), performance.now());
    // Sender.send never rejects; the catch is a guard so no internal promise is ever left unhandled.
    this.#sender.send(batch).catch((error: unknown) => {
      process.emitWarning(`KinesisProducer internal error: ${error instanceof Error ? error.message : String(error)}`, 'KinesisProducerWarning');
    });
  }

  #armTimer(at: number, now: number): void {
    if (at === Number.POSITIVE_INFINITY) {
      this.#clearTimer();
      return;
    }
    if (this.#timer && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#drainSafely();
    }, Math.max(0, Math.ceil(at - now)));
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #onShardMapChange(streamName: string): void {
    if (this.#destroyed) return;
    const stream = this.#accumulator.streams.get(streamName);
    if (stream) this.#accumulator.rebucket(stream);
    this.#scheduleDrain();
  }

  #onOutcome(batch: Batch, outcome: RequestOutcome, timing: RequestTiming): void {
    const duration = timing.endedAtMono - timing.startedAtMono;
    this.#metrics.recordLatency(duration);
    if (this.#otel) this.#otel.outcome(batch.stream.name, otelEntries(batch), entryOutcomes(outcome), duration);
    if (this.#destroyed) return;
    const streamName = batch.stream.name;
    const records = batch.records;
    const now = performance.now();
    const toRetry: PendingRecord[] = [];

    if (outcome.kind === 'error') {
      this.#metrics.putRecordsErrors++;
      for (const record of records) this.#fail(record, streamName, outcome.error, timing, true, toRetry);
    } else {
      let wrongShard = false;
      const results = outcome.results;
      for (let index = 0; index < results.length; index++) {
        const result = results[index]!;
        const from = batch.from(index);
        const to = batch.to(index);
        const error = entryError(result);
        if (error) {
          for (let at = from; at < to; at++) this.#fail(records[at]!, streamName, error, timing, false, toRetry);
          continue;
        }
        const shardId = result.ShardId!;
        const predicted = batch.predictedShard(index);
        const aggregated = to - from > 1;
        if (predicted !== undefined && predicted !== shardId) {
          wrongShard = true;
          if (aggregated) {
            // KCL drops an aggregated record holding sub-records outside its shard's range: send them again.
            const wrong: ClassifiedError = { disposition: 'retry', code: 'WrongShard', message: `predicted ${predicted}, stored on ${shardId}; sent again after a shard map refresh` };
            for (let at = from; at < to; at++) {
              const record = records[at]!;
              if (record.settled) continue;
              record.failedAttempt(timing, wrong);
              record.retries++;
              this.#metrics.recordsRetried++;
              if (record.acceptedAt + this.#config.recordTtl <= now) this.#expire(record);
              else this.#accumulator.add(record, true);
            }
            continue;
          }
        }
        if (aggregated) for (let at = from; at < to; at++) this.#deliver(records[at]!, shardId, result.SequenceNumber!, at - from, timing);
        else this.#deliverResult(records[from]!, result, timing);
      }
      if (wrongShard) batch.stream.shardMap?.invalidate(now);
    }

    if (toRetry.length > 0) {
      const { baseDelay, maxDelay } = this.#config.retry;
      let maxRetries = 0;
      for (const record of toRetry) if (record.retries > maxRetries) maxRetries = record.retries;
      let at = now + backoffDelay(maxRetries, baseDelay, maxDelay);
      for (const record of toRetry) at = Math.min(at, record.acceptedAt + this.#config.recordTtl);
      this.#retryGroups.push({ at, records: toRetry });
    }
    this.#scheduleDrain();
  }

  /** Records a failed attempt, then retries the record or settles it with the right error. */
  #fail(record: PendingRecord, streamName: string, error: ClassifiedError, timing: RequestTiming, wholeRequest: boolean, toRetry: PendingRecord[]): void {
    if (record.settled) return;
    record.failedAttempt(timing, error);
    switch (error.disposition) {
      case 'stream-not-found':
        this.#failRecord(record, new StreamNotFoundError(streamName, record.attemptsCopy()));
        return;
      case 'fatal':
        this.#failRecord(
          record,
          wholeRequest
            ? new RequestFailedError(error.code, error.httpStatusCode, `PutRecords to "${streamName}" failed: ${error.code}${error.httpStatusCode ? ` (HTTP ${error.httpStatusCode})` : ''}: ${error.message}`, record.attemptsCopy())
            : new RecordFailedError(error.code, `Kinesis refused the record for "${streamName}": ${error.code}: ${error.message}`, record.attemptsCopy()),
        );
        return;
      case 'throttled':
        this.#metrics.recordsThrottled++;
        if (this.#config.failIfThrottled) {
          this.#failRecord(record, new ThrottledError(`Kinesis throttled the record for "${streamName}" (${error.code}) and failIfThrottled is on`, record.attemptsCopy()));
          return;
        }
        break;
      case 'retry':
        break;
    }
    if (record.acceptedAt + this.#config.recordTtl <= performance.now()) {
      this.#expire(record);
      return;
    }
    record.retries++;
    this.#metrics.recordsRetried++;
    toRetry.push(record);
  }
}

/** The flush report's key for a failure: the Kinesis error code where there is one, else the producer's code. */
function errorKey(error: ProducerError): string {
  if (error instanceof RecordFailedError || error instanceof RequestFailedError) return error.errorCode;
  return error.code;
}

/** What onError may say about a record put() refused: its stream and key when they are strings, never its data. */
function describeInput(input: unknown, defaultStream: string | undefined): FailedRecord {
  const record = typeof input === 'object' && input !== null ? (input as Partial<Record<string, unknown>>) : {};
  return {
    streamName: typeof record.streamName === 'string' ? record.streamName : defaultStream,
    partitionKey: typeof record.partitionKey === 'string' ? record.partitionKey : undefined,
  };
}

/** The per-entry view OpenTelemetry records from, built once per batch and only when a meter records. */
const described = new WeakMap<Batch, OtelEntry[]>();
function otelEntries(batch: Batch): OtelEntry[] {
  let entries = described.get(batch);
  if (!entries) {
    entries = batch.describeEntries() as OtelEntry[];
    described.set(batch, entries);
  }
  return entries;
}

function buildClient(options: KinesisProducerOptions, config: ResolvedConfig): KinesisClient {
  const clientConfig = options.clientConfig ?? {};
  // HTTP/1.1 keep-alive, one socket per allowed request; the SDK's HTTP/2 default opens a session per request and
  // cannot talk to kinesalite. The producer owns retries, so the SDK makes one attempt.
  const agentOptions = { keepAlive: true, maxSockets: config.maxConnections };
  return new KinesisClient({
    ...clientConfig,
    maxAttempts: 1,
    requestHandler:
      clientConfig.requestHandler ??
      new NodeHttpHandler({
        httpAgent: new http.Agent(agentOptions),
        httpsAgent: new https.Agent(agentOptions),
        requestTimeout: config.requestTimeout,
        connectionTimeout: config.connectTimeout,
        throwOnRequestTimeout: true,
      }),
  });
}
