/** One try at delivering a record, as in KPL's `Attempt`. */
export interface Attempt {
  /** Wall-clock time (ms since the epoch) the PutRecords request carrying the record was sent. */
  startedAt: number;
  /** Milliseconds between the previous attempt's end (or the put() call) and this attempt's start. */
  delayMs: number;
  /** Milliseconds the request took. */
  durationMs: number;
  success: boolean;
  /** Kinesis error code (e.g. ProvisionedThroughputExceededException) or a producer code (RequestTimeout, NetworkError, WrongShard). */
  errorCode?: string;
  errorMessage?: string;
}

/** What put() accepts. */
export interface ProducerRecord {
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal string in [0, 2^128) that overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
  /** Overrides the producer's `streamName` for this record. */
  streamName?: string;
}

/** What put() resolves with once Kinesis has stored the record. */
export interface PutResult {
  shardId: string;
  sequenceNumber: string;
  /** Index of the record inside its KPL aggregated record; absent when it was sent on its own. */
  subSequenceNumber?: number;
  attempts: Attempt[];
}

export interface FlushOptions {
  /** Wait only for the records of this stream (put before the call); records of other streams are not hurried. */
  streamName?: string;
  /** Reject with FlushTimeoutError after this many milliseconds. */
  timeout?: number;
  /** Reject with FlushTimeoutError when this signal aborts. */
  signal?: AbortSignal;
}

/** Counts over the records that were outstanding when flush() was called. */
export interface FlushReport {
  delivered: number;
  failed: number;
  /**
   * The failed records per error code: the Kinesis code for RecordFailedError and RequestFailedError
   * (`InvalidArgumentException`, `AccessDeniedException`…), the producer's code otherwise (`Expired`, `Throttled`,
   * `StreamNotFound`, `Closed`, `Destroyed`). Empty when nothing failed.
   */
  errors: Record<string, number>;
}

/** What onError is told about the record that failed (never its data). */
export interface FailedRecord {
  streamName: string | undefined;
  partitionKey: string | undefined;
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** How many PutRecords durations the percentiles are computed from (the most recent ones). */
  samples: number;
}

export interface ProducerMetrics {
  recordsPut: number;
  recordsDelivered: number;
  recordsFailed: number;
  recordsExpired: number;
  /** Record retries scheduled (one record retried three times counts three). */
  recordsRetried: number;
  recordsThrottled: number;
  /** Kinesis records sent, counting an aggregated record once. */
  kinesisRecordsSent: number;
  aggregatedRecordsSent: number;
  putRecordsCalls: number;
  putRecordsErrors: number;
  putRecordsLatencyMs: LatencyPercentiles;
  shardMapRefreshes: number;
  /** Records accepted and not yet settled (not counting put() calls waiting for room). */
  outstandingRecords: number;
  outstandingBytes: number;
  peakOutstandingRecords: number;
  peakOutstandingBytes: number;
  /** put() calls waiting for room (onFull: 'wait'). */
  waitingRecords: number;
  bufferedRecords: number;
  inFlightRequests: number;
  /** Age in ms of the oldest record put and not yet settled, counted from when it entered the buffer; 0 when none. */
  oldestRecordAgeMs: number;
  /** PutRecords requests allowed in flight now: maxConnections, lowered after timeouts (see Retries). */
  requestConcurrency: number;
  /** The per-attempt timeout now: requestTimeout, raised after timeouts. */
  requestTimeoutMs: number;
}
