import type { KinesisClient, KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { ConfigError, type ProducerError } from './errors.js';
import type { FailedRecord } from './types.js';
import { describeInvalidMeterProvider, type OtelMeterProvider } from './otel.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** Options of `new KinesisProducer(options)`. Every numeric option is in records, bytes or milliseconds. */
export interface KinesisProducerOptions {
  /** Default stream for put(); a record may name its own with `streamName`. */
  streamName?: string;
  /** A client you own; the producer never destroys it. Build it with `maxAttempts: 1` so the producer owns retries. */
  client?: KinesisClient;
  /** Used to build a client when `client` is not given (region, endpoint, credentials, …). */
  clientConfig?: KinesisClientConfig;
  /** KPL RecordMaxBufferedTime: the longest a record waits in the buffer before it is sent. Default 100. */
  recordMaxBufferedTime?: number;
  /** KPL CollectionMaxCount: Kinesis records per PutRecords, 1–500. Default 500. */
  collectionMaxCount?: number;
  /** KPL CollectionMaxSize: bytes (partition keys + data) per PutRecords. Default 5 MiB. */
  collectionMaxSize?: number;
  /** KPL MaxUserRecordSize: the largest record put() accepts, partition key UTF-8 bytes + data. Default 1 MiB. */
  maxRecordSize?: number;
  /** KPL Aggregation*: pack records bound for the same shard into one KPL aggregated record. Off by default. */
  aggregation?: AggregationOptions;
  /** KPL MaxConnections: PutRecords requests in flight at once (and sockets of the built client). Default 24. */
  maxConnections?: number;
  /** KPL RequestTimeout: ms one PutRecords request may take before it is abandoned and retried. Default 6000. */
  requestTimeout?: number;
  /** KPL ConnectTimeout: ms to open a connection (built client only). Default 6000. */
  connectTimeout?: number;
  /** KPL RecordTtl: ms after put() when an undelivered record fails with ExpiredError. Default 30000. */
  recordTtl?: number;
  /** KPL FailIfThrottled: fail throttled records at once with ThrottledError instead of retrying. Default false. */
  failIfThrottled?: boolean;
  /** KPL RateLimit: percent of a shard's 1000 records/s and 1 MiB/s the producer sends at most. Default 150. */
  rateLimit?: number;
  /** Most records accepted and not yet settled. Default 100000. */
  maxOutstandingRecords?: number;
  /** Most bytes (partition keys + data) accepted and not yet settled. Default 64 MiB. */
  maxOutstandingBytes?: number;
  /** What put() does when the outstanding limits are reached: wait for room (FIFO) or reject with BufferFullError. Default 'wait'. */
  onFull?: 'wait' | 'reject';
  /** Retry back-off: full jitter over min(max, base × 2^(attempt−1)). */
  retry?: RetryOptions;
  /** Back-off between ListShards refreshes of the shard map (KPL: 1 s growing ×1.5 to 30 s). */
  shardMapRefresh?: { minDelay?: number; maxDelay?: number };
  /** OpenTelemetry MeterProvider for the KPL metric set; the global one of `@opentelemetry/api` when absent. */
  meterProvider?: OtelMeterProvider;
  /**
   * Called once for every put() that fails, whether or not anyone handles its promise: refused at once (invalid,
   * closed, buffer full) or failed later (expired, throttled, refused by Kinesis, destroyed). For fire-and-forget use.
   */
  onError?: (error: ProducerError, record: FailedRecord) => void;
}

export interface AggregationOptions {
  /** Default false. */
  enabled?: boolean;
  /** KPL AggregationMaxCount: records per aggregated record. Default 4294967295. */
  maxCount?: number;
  /** KPL AggregationMaxSize: bytes per aggregated record (magic + protobuf + MD5). Default 51200 (50 KiB). */
  maxSize?: number;
}

export interface RetryOptions {
  /** Default 100 ms. */
  baseDelay?: number;
  /** Default 5000 ms. */
  maxDelay?: number;
}

export interface ResolvedConfig {
  streamName: string | undefined;
  recordMaxBufferedTime: number;
  collectionMaxCount: number;
  collectionMaxSize: number;
  maxRecordSize: number;
  aggregation: { enabled: boolean; maxCount: number; maxSize: number };
  maxConnections: number;
  requestTimeout: number;
  connectTimeout: number;
  recordTtl: number;
  failIfThrottled: boolean;
  rateLimit: number;
  maxOutstandingRecords: number;
  maxOutstandingBytes: number;
  onFull: 'wait' | 'reject';
  retry: { baseDelay: number; maxDelay: number };
  shardMapRefresh: { minDelay: number; maxDelay: number };
  onError: ((error: ProducerError, record: FailedRecord) => void) | undefined;
}

export const DEFAULTS: Readonly<Omit<ResolvedConfig, 'streamName' | 'onError'>> = Object.freeze({
  recordMaxBufferedTime: 100,
  collectionMaxCount: 500,
  collectionMaxSize: 5 * MiB,
  maxRecordSize: MiB,
  aggregation: Object.freeze({ enabled: false, maxCount: 4_294_967_295, maxSize: 50 * KiB }),
  maxConnections: 24,
  requestTimeout: 6000,
  connectTimeout: 6000,
  recordTtl: 30_000,
  failIfThrottled: false,
  rateLimit: 150,
  maxOutstandingRecords: 100_000,
  maxOutstandingBytes: 64 * MiB,
  onFull: 'wait',
  retry: Object.freeze({ baseDelay: 100, maxDelay: 5000 }),
  shardMapRefresh: Object.freeze({ minDelay: 1000, maxDelay: 30_000 }),
});

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/** Returns why a stream name is invalid, or undefined when it is valid. */
export function describeInvalidStreamName(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a string (got ${describeType(name)})`;
  if (!STREAM_NAME.test(name)) return 'must be 1–128 characters from a–z, A–Z, 0–9, "_", "." and "-"';
  return undefined;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

function integer(options: Record<string, unknown>, name: string, fallback: number, min: number, max: number, path = name): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'number' ? String(value) : describeType(value);
    throw new ConfigError(path, `got ${shown}; allowed: an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'Number.MAX_SAFE_INTEGER' : max} (default ${fallback})`);
  }
  return value;
}

function boolean(options: Record<string, unknown>, name: string, fallback: boolean, path = name): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(path, `got ${describeType(value)}; allowed: true or false (default ${fallback})`);
  return value;
}

/**
 * A nested pair of delays in ms (`retry: { baseDelay, maxDelay }`, `shardMapRefresh: { minDelay, maxDelay }`):
 * only those two keys, each within 0–600,000, and the upper one not below the lower one.
 */
function delayRange<Low extends string, High extends string>(
  options: Record<string, unknown>,
  name: string,
  low: Low,
  high: High,
  defaults: Record<Low | High, number>,
): Record<Low | High, number> {
  const input = object(options, name);
  for (const key of Object.keys(input)) {
    if (key !== low && key !== high) throw new ConfigError(`${name}.${key}`, `unknown option; allowed: ${low}, ${high}`);
  }
  const lowValue = integer(input, low, defaults[low], 0, 600_000, `${name}.${low}`);
  const highValue = integer(input, high, defaults[high], 0, 600_000, `${name}.${high}`);
  if (highValue < lowValue) {
    throw new ConfigError(`${name}.${high}`, `got ${highValue}, smaller than ${name}.${low} (${lowValue}); allowed: at least ${name}.${low}`);
  }
  return { [low]: lowValue, [high]: highValue } as Record<Low | High, number>;
}

function object(options: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = options[name];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(name, `got ${describeType(value)}; allowed: an object`);
  }
  return value as Record<string, unknown>;
}

const KNOWN_OPTIONS = new Set([
  'streamName', 'client', 'clientConfig', 'recordMaxBufferedTime', 'collectionMaxCount', 'collectionMaxSize',
  'maxRecordSize', 'aggregation', 'maxConnections', 'requestTimeout', 'connectTimeout', 'recordTtl', 'failIfThrottled',
  'rateLimit', 'maxOutstandingRecords', 'maxOutstandingBytes', 'onFull', 'retry', 'shardMapRefresh', 'meterProvider', 'onError',
]);

/** Applies KPL defaults and validates every option; throws ConfigError naming the option, the problem and what is allowed. */
export function resolveConfig(input: KinesisProducerOptions | undefined): ResolvedConfig {
  if (input === undefined || input === null || typeof input !== 'object') {
    throw new ConfigError('options', `got ${describeType(input)}; allowed: an object such as { streamName, clientConfig: { region } }`);
  }
  const options = input as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new ConfigError(key, `unknown option; allowed: ${[...KNOWN_OPTIONS].join(', ')}`);
    }
  }
  let streamName: string | undefined;
  if (options.streamName !== undefined) {
    const problem = describeInvalidStreamName(options.streamName);
    if (problem) throw new ConfigError('streamName', problem);
    streamName = options.streamName as string;
  }
  if (options.client !== undefined) {
    const client = options.client as { send?: unknown } | null;
    if (typeof client !== 'object' || client === null || typeof client.send !== 'function') {
      throw new ConfigError('client', `got ${describeType(options.client)}; allowed: a KinesisClient from @aws-sdk/client-kinesis`);
    }
    if (options.clientConfig !== undefined) {
      throw new ConfigError('clientConfig', 'given together with "client"; allowed: one of them (clientConfig is only used to build a client)');
    }
  }
  if (options.clientConfig !== undefined) object(options, 'clientConfig');
  const meterProviderProblem = describeInvalidMeterProvider(options.meterProvider);
  if (meterProviderProblem) throw new ConfigError('meterProvider', `got ${describeType(options.meterProvider)}; ${meterProviderProblem}`);

  const MAX = Number.MAX_SAFE_INTEGER;
  const maxRecordSize = integer(options, 'maxRecordSize', DEFAULTS.maxRecordSize, 64, 10 * MiB);
  const aggregationInput = object(options, 'aggregation');
  for (const key of Object.keys(aggregationInput)) {
    if (!['enabled', 'maxCount', 'maxSize'].includes(key)) throw new ConfigError(`aggregation.${key}`, 'unknown option; allowed: enabled, maxCount, maxSize');
  }
  const aggregation = {
    enabled: boolean(aggregationInput, 'enabled', DEFAULTS.aggregation.enabled, 'aggregation.enabled'),
    maxCount: integer(aggregationInput, 'maxCount', DEFAULTS.aggregation.maxCount, 1, MAX, 'aggregation.maxCount'),
    // The default shrinks with a smaller maxRecordSize; an explicit value larger than it is an error.
    maxSize: integer(aggregationInput, 'maxSize', Math.min(DEFAULTS.aggregation.maxSize, maxRecordSize), 64, 10 * MiB, 'aggregation.maxSize'),
  };
  if (aggregation.maxSize > maxRecordSize) {
    throw new ConfigError('aggregation.maxSize', `got ${aggregation.maxSize}, larger than maxRecordSize (${maxRecordSize}); allowed: at most maxRecordSize, since an aggregated record is one Kinesis record`);
  }
  const collectionMaxSize = integer(options, 'collectionMaxSize', DEFAULTS.collectionMaxSize, 52_224, MAX);
  const retry = delayRange(options, 'retry', 'baseDelay', 'maxDelay', DEFAULTS.retry);
  const shardMapRefresh = delayRange(options, 'shardMapRefresh', 'minDelay', 'maxDelay', DEFAULTS.shardMapRefresh);
  const maxOutstandingBytes = integer(options, 'maxOutstandingBytes', DEFAULTS.maxOutstandingBytes, 1, MAX);
  if (maxOutstandingBytes < maxRecordSize) {
    throw new ConfigError('maxOutstandingBytes', `got ${maxOutstandingBytes}, smaller than maxRecordSize (${maxRecordSize}); allowed: at least maxRecordSize, or a record of the largest allowed size could never be accepted`);
  }
  const onFull = options.onFull ?? DEFAULTS.onFull;
  if (onFull !== 'wait' && onFull !== 'reject') {
    throw new ConfigError('onFull', `got ${typeof onFull === 'string' ? JSON.stringify(onFull) : describeType(onFull)}; allowed: 'wait' or 'reject' (default 'wait')`);
  }
  const rateLimit = options.rateLimit ?? DEFAULTS.rateLimit;
  if (typeof rateLimit !== 'number' || !(rateLimit > 0)) {
    throw new ConfigError('rateLimit', `got ${typeof rateLimit === 'number' ? rateLimit : describeType(rateLimit)}; allowed: a number of percent above 0 (default 150), or Infinity to turn the limiter off`);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('onError', `got ${describeType(options.onError)}; allowed: a function (error, record) => void`);
  }
  return {
    streamName,
    onError: options.onError as ResolvedConfig['onError'],
    recordMaxBufferedTime: integer(options, 'recordMaxBufferedTime', DEFAULTS.recordMaxBufferedTime, 0, MAX),
    collectionMaxCount: integer(options, 'collectionMaxCount', DEFAULTS.collectionMaxCount, 1, 500),
    collectionMaxSize,
    maxRecordSize,
    aggregation,
    maxConnections: integer(options, 'maxConnections', DEFAULTS.maxConnections, 1, 256),
    requestTimeout: integer(options, 'requestTimeout', DEFAULTS.requestTimeout, 100, 600_000),
    connectTimeout: integer(options, 'connectTimeout', DEFAULTS.connectTimeout, 100, 300_000),
    recordTtl: integer(options, 'recordTtl', DEFAULTS.recordTtl, 1, MAX),
    failIfThrottled: boolean(options, 'failIfThrottled', DEFAULTS.failIfThrottled),
    rateLimit,
    maxOutstandingRecords: integer(options, 'maxOutstandingRecords', DEFAULTS.maxOutstandingRecords, 1, MAX),
    maxOutstandingBytes,
    onFull,
    retry,
    shardMapRefresh,
  };
}
