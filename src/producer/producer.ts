import http from 'node:http';
import https from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Accumulator, Deque, type BatchEntry, type StreamBuffer } from './accumulator.js';
import { resolveConfig, type KinesisProducerOptions, type ResolvedConfig } from './config.js';
import { PendingRecord, type FlushTracker } from './deferred.js';
import {
  BufferFullError,
  ClosedError,
  ExpiredError,
  FlushTimeoutError,
  RecordFailedError,
  RequestFailedError,
  StreamNotFoundError,
  ThrottledError,
  type ProducerError,
} from './errors.js';
import { MetricsRecorder } from './metrics.js';
import { normalizeRecord } from './record.js';
import { OtelRecorder } from './otel.js';
import { backoffDelay, type ClassifiedError } from './retry.js';
import { Sender, type RequestOutcome, type RequestTiming } from './sender.js';
import { ShardMap } from './shard-map.js';
import type { FlushOptions, FlushReport, ProducerMetrics, ProducerRecord, PutResult } from './types.js';

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
  readonly #metrics = new MetricsRecorder();
  /** The KPL metric set on OpenTelemetry; undefined when there is no provider to record to. */
  readonly #otel: OtelRecorder | undefined;
  /** Every put() not yet settled, in put order: what flush() snapshots. */
  readonly #outstanding = new Set<PendingRecord>();
  /** put() calls waiting for room (onFull: 'wait'), FIFO. */
  readonly #waiting = new Deque<PendingRecord>();
  #acceptedRecords = 0;
  #acceptedBytes = 0;
  #retryGroups: RetryGroup[] = [];
  #nextId = 0;
  #flushing = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #drainQueued = false;
  #closed = false;
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
    const useShardMap = config.aggregation.enabled || Number.isFinite(config.rateLimit);
    this.#accumulator = new Accumulator(
      config,
      useShardMap
        ? (streamName) =>
            new ShardMap(streamName, this.#client, { ...config.shardMapRefresh, requestTimeout: config.requestTimeout }, () => this.#onShardMapChange(streamName), performance.now())
        : undefined,
    );
    this.#sender = new Sender(this.#client, config.maxConnections, config.requestTimeout, (streamName, entries, outcome, timing) =>
      this.#onOutcome(streamName, entries, outcome, timing),
    );
    this.#otel = OtelRecorder.create(options.meterProvider, () => this.#pendingByStream());
  }

  /** Records put and not yet settled, per stream: UserRecordsPending, read only when a metric reader collects. */
  #pendingByStream(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const pending of this.#outstanding) counts.set(pending.record.streamName, (counts.get(pending.record.streamName) ?? 0) + 1);
    return counts;
  }

  /**
   * Buffers one record and resolves when Kinesis has stored it, with its shard, sequence number and attempts.
   * Rejects with ValidationError (bad record, at once), ClosedError, BufferFullError (onFull: 'reject'),
   * ExpiredError, ThrottledError, StreamNotFoundError, RecordFailedError or RequestFailedError.
   */
  put(record: ProducerRecord): Promise<PutResult> {
    if (this.#closed) return Promise.reject(new ClosedError());
    let pending: PendingRecord;
    try {
      pending = new PendingRecord(this.#nextId++, normalizeRecord(record, this.#config.streamName, this.#config.maxRecordSize), performance.now());
    } catch (error) {
      return Promise.reject(error);
    }
    const hasRoom = this.#waiting.length === 0 && this.#hasRoomFor(pending.size);
    if (!hasRoom && this.#config.onFull === 'reject') {
      return Promise.reject(
        new BufferFullError(
          `The producer holds ${this.#acceptedRecords} records / ${this.#acceptedBytes} bytes not yet settled (maxOutstandingRecords ${this.#config.maxOutstandingRecords}, maxOutstandingBytes ${this.#config.maxOutstandingBytes}); retry later or use onFull: 'wait'`,
        ),
      );
    }
    this.#metrics.recordsPut++;
    this.#otel?.received(pending.record.streamName);
    this.#outstanding.add(pending);
    if (hasRoom) this.#accept(pending);
    else this.#waiting.push(pending);
    return pending.promise;
  }

  /** Records put and not yet settled (delivered or failed), including put() calls waiting for room. As in KPL. */
  getOutstandingRecordsCount(): number {
    return this.#outstanding.size;
  }

  /**
   * Sends every buffered record now (skipping recordMaxBufferedTime; back-off, rate limit and TTL still apply) and
   * resolves when every record outstanding at the call has settled, with counts. Records put later are not waited for.
   * With `timeout` or `signal` it rejects with FlushTimeoutError carrying the count still outstanding; the records go on.
   */
  flush(options: FlushOptions = {}): Promise<FlushReport> {
    const { timeout, signal } = options;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
      return Promise.reject(new RangeError(`flush({ timeout }) must be a number of milliseconds >= 0 (got ${String(timeout)})`));
    }
    const snapshot = [...this.#outstanding];
    if (snapshot.length === 0) return Promise.resolve({ delivered: 0, failed: 0 });
    if (signal?.aborted) {
      return Promise.reject(new FlushTimeoutError(`flush() aborted before it started; ${snapshot.length} records still outstanding`, snapshot.length));
    }
    return new Promise<FlushReport>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const end = (): void => {
        tracker.done = true;
        this.#flushing--;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const tracker: FlushTracker = {
        remaining: snapshot.length,
        delivered: 0,
        failed: 0,
        done: false,
        finish: () => {
          end();
          resolve({ delivered: tracker.delivered, failed: tracker.failed });
        },
      };
      const giveUp = (why: string): void => {
        if (tracker.done) return;
        end();
        reject(new FlushTimeoutError(`flush() ${why} with ${tracker.remaining} of ${snapshot.length} records still outstanding; they keep being sent`, tracker.remaining));
      };
      const onAbort = (): void => giveUp('was aborted');
      this.#flushing++;
      for (const record of snapshot) (record.trackers ??= []).push(tracker);
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

  /** Counters, PutRecords latency percentiles, and what is outstanding now. */
  metrics(): ProducerMetrics {
    let refreshes = 0;
    for (const stream of this.#accumulator.streams.values()) refreshes += stream.shardMap?.refreshes ?? 0;
    return this.#metrics.snapshot({
      outstandingRecords: this.#acceptedRecords,
      outstandingBytes: this.#acceptedBytes,
      waitingRecords: this.#waiting.length,
      bufferedRecords: this.#accumulator.bufferedRecords,
      inFlightRequests: this.#sender.inFlight,
      shardMapRefreshes: refreshes,
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

  #hasRoomFor(size: number): boolean {
    return this.#acceptedRecords + 1 <= this.#config.maxOutstandingRecords && this.#acceptedBytes + size <= this.#config.maxOutstandingBytes;
  }

  #accept(pending: PendingRecord): void {
    const now = performance.now();
    pending.accepted = true;
    pending.acceptedAt = now;
    pending.lastEventAt = now;
    pending.expiresAt = now + this.#config.recordTtl;
    // Leave at least half the TTL for sending, so a long buffering time cannot expire a record never sent.
    pending.readyAt = now + Math.min(this.#config.recordMaxBufferedTime, this.#config.recordTtl / 2);
    this.#acceptedRecords++;
    this.#acceptedBytes += pending.size;
    if (this.#acceptedRecords > this.#metrics.peakOutstandingRecords) this.#metrics.peakOutstandingRecords = this.#acceptedRecords;
    if (this.#acceptedBytes > this.#metrics.peakOutstandingBytes) this.#metrics.peakOutstandingBytes = this.#acceptedBytes;
    this.#accumulator.add(pending, false);
    this.#scheduleDrain();
  }

  #settle(pending: PendingRecord, result: PutResult | ProducerError): void {
    if (!pending.settle(result)) return;
    this.#outstanding.delete(pending);
    if (pending.accepted) {
      this.#acceptedRecords--;
      this.#acceptedBytes -= pending.size;
    }
    if (result instanceof Error) {
      this.#metrics.recordsFailed++;
      if (result.code === 'Expired') this.#metrics.recordsExpired++;
    } else {
      this.#metrics.recordsDelivered++;
    }
    this.#otel?.settled(pending.record.streamName, pending.retries, result instanceof Error ? undefined : result.shardId, result instanceof Error ? result.code : undefined);
    this.#admitWaiting();
  }

  #admitWaiting(): void {
    for (let head = this.#waiting.at(0); head && this.#hasRoomFor(head.size); head = this.#waiting.at(0)) {
      this.#waiting.shift();
      this.#accept(head);
    }
  }

  #expire(pending: PendingRecord): void {
    const age = Math.round(performance.now() - pending.acceptedAt);
    const last = pending.attempts.at(-1);
    const lastError = last?.errorCode ? `; last error: ${last.errorCode}` : '';
    this.#settle(
      pending,
      new ExpiredError(`Record expired after ${pending.attempts.length} attempt(s) in ${age} ms (recordTtl ${this.#config.recordTtl} ms)${lastError}`, [...pending.attempts]),
    );
  }

  /** Coalesces every put(), completion and timer tick of one turn into a single drain. */
  #scheduleDrain(): void {
    if (this.#drainQueued) return;
    this.#drainQueued = true;
    queueMicrotask(() => {
      this.#drainQueued = false;
      this.#drainSafely();
    });
  }

  #drainSafely(): void {
    try {
      this.#drain();
    } catch (error) {
      // A bug here must not take the process down from a timer or microtask; fail loudly on the next drain instead.
      process.emitWarning(`KinesisProducer internal error: ${error instanceof Error ? error.message : String(error)}`, 'KinesisProducerWarning');
    }
  }

  #drain(): void {
    const now = performance.now();
    let wakeAt = Number.POSITIVE_INFINITY;

    if (this.#retryGroups.length > 0) {
      const due = this.#retryGroups.filter((group) => group.at <= now);
      if (due.length > 0) {
        this.#retryGroups = this.#retryGroups.filter((group) => group.at > now);
        for (const group of due) {
          for (const record of group.records) {
            if (record.settled) continue;
            if (record.expiresAt <= now) this.#expire(record);
            else this.#accumulator.add(record, true);
          }
        }
      }
      for (const group of this.#retryGroups) wakeAt = Math.min(wakeAt, group.at);
    }

    const flushing = this.#flushing > 0;
    for (const stream of this.#accumulator.streams.values()) {
      if (stream.count === 0) continue;
      const map = stream.shardMap;
      if (map) {
        map.refreshIfDue(now);
        if (map.dueAt !== undefined) wakeAt = Math.min(wakeAt, map.dueAt);
      }
      while (this.#sender.hasCapacity) {
        if (!this.#accumulator.isReady(stream, now, flushing)) {
          wakeAt = Math.min(wakeAt, this.#accumulator.oldestReadyAt(stream));
          break;
        }
        const batch = this.#accumulator.buildBatch(stream, now, (record) => this.#expire(record));
        if (batch.entries.length === 0) {
          wakeAt = Math.min(wakeAt, batch.blockedUntil);
          break;
        }
        this.#send(stream, batch.entries);
      }
    }
    this.#armTimer(wakeAt, now);
  }

  #send(stream: StreamBuffer, entries: BatchEntry[]): void {
    this.#metrics.putRecordsCalls++;
    this.#otel?.sent(stream.name, entries, performance.now());
    for (const entry of entries) {
      this.#metrics.kinesisRecordsSent++;
      if (entry.aggregated) this.#metrics.aggregatedRecordsSent++;
    }
    // Sender.send never rejects; the catch is a guard so no internal promise is ever left unhandled.
    this.#sender.send(stream.name, entries).catch((error: unknown) => {
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
    const stream = this.#accumulator.streams.get(streamName);
    if (stream) this.#accumulator.rebucket(stream);
    this.#scheduleDrain();
  }

  #onOutcome(streamName: string, entries: BatchEntry[], outcome: RequestOutcome, timing: RequestTiming): void {
    const duration = timing.endedAtMono - timing.startedAtMono;
    this.#metrics.recordLatency(duration);
    this.#otel?.outcome(streamName, entries, outcome, duration);
    const now = performance.now();
    const toRetry: PendingRecord[] = [];
    let maxRetries = 0;
    const retry = (record: PendingRecord): void => {
      record.retries++;
      this.#metrics.recordsRetried++;
      if (record.retries > maxRetries) maxRetries = record.retries;
      toRetry.push(record);
    };

    if (outcome.kind === 'error') {
      this.#metrics.putRecordsErrors++;
      for (const entry of entries) for (const record of entry.records) this.#fail(record, streamName, outcome.error, timing, true, retry);
    } else {
      const stream = this.#accumulator.streams.get(streamName);
      let wrongShard = false;
      outcome.entries.forEach((result, index) => {
        const entry = entries[index]!;
        if ('error' in result) {
          for (const record of entry.records) this.#fail(record, streamName, result.error, timing, false, retry);
          return;
        }
        if (entry.predictedShard !== undefined && entry.predictedShard !== result.shardId) {
          wrongShard = true;
          if (entry.aggregated) {
            // KCL drops an aggregated record holding sub-records outside its shard's range: send them again.
            const error: ClassifiedError = { disposition: 'retry', code: 'WrongShard', message: `predicted ${entry.predictedShard}, stored on ${result.shardId}; sent again after a shard map refresh` };
            for (const record of entry.records) {
              this.#pushAttempt(record, timing, error);
              record.retries++;
              this.#metrics.recordsRetried++;
              if (record.expiresAt <= now) this.#expire(record);
              else this.#accumulator.add(record, true);
            }
            return;
          }
        }
        entry.records.forEach((record, subSequence) => {
          this.#pushAttempt(record, timing, undefined);
          const put: PutResult = { shardId: result.shardId, sequenceNumber: result.sequenceNumber, attempts: [...record.attempts] };
          if (entry.aggregated) put.subSequenceNumber = subSequence;
          this.#settle(record, put);
        });
      });
      if (wrongShard) stream?.shardMap?.invalidate(now);
    }

    if (toRetry.length > 0) {
      const { baseDelay, maxDelay } = this.#config.retry;
      let at = now + backoffDelay(maxRetries, baseDelay, maxDelay);
      for (const record of toRetry) at = Math.min(at, record.expiresAt);
      this.#retryGroups.push({ at, records: toRetry });
    }
    this.#scheduleDrain();
  }

  #pushAttempt(record: PendingRecord, timing: RequestTiming, error: ClassifiedError | undefined): void {
    record.attempts.push({
      startedAt: timing.startedAt,
      delayMs: Math.max(0, Math.round(timing.startedAtMono - record.lastEventAt)),
      durationMs: Math.round(timing.endedAtMono - timing.startedAtMono),
      success: error === undefined,
      ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
    });
    record.lastEventAt = timing.endedAtMono;
  }

  /** Records a failed attempt, then retries the record or settles it with the right error. */
  #fail(record: PendingRecord, streamName: string, error: ClassifiedError, timing: RequestTiming, wholeRequest: boolean, retry: (record: PendingRecord) => void): void {
    this.#pushAttempt(record, timing, error);
    const attempts = [...record.attempts];
    switch (error.disposition) {
      case 'stream-not-found':
        this.#settle(record, new StreamNotFoundError(streamName, attempts));
        return;
      case 'fatal':
        this.#settle(
          record,
          wholeRequest
            ? new RequestFailedError(error.code, error.httpStatusCode, `PutRecords to "${streamName}" failed: ${error.code}${error.httpStatusCode ? ` (HTTP ${error.httpStatusCode})` : ''}: ${error.message}`, attempts)
            : new RecordFailedError(error.code, `Kinesis refused the record for "${streamName}": ${error.code}: ${error.message}`, attempts),
        );
        return;
      case 'throttled':
        this.#metrics.recordsThrottled++;
        if (this.#config.failIfThrottled) {
          this.#settle(record, new ThrottledError(`Kinesis throttled the record for "${streamName}" (${error.code}) and failIfThrottled is on`, attempts));
          return;
        }
        break;
      case 'retry':
        break;
    }
    if (record.expiresAt <= performance.now()) this.#expire(record);
    else retry(record);
  }
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
