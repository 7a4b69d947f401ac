import { createRequire } from 'node:module';

/**
 * The KPL's metric set, published through the OpenTelemetry metrics API.
 *
 * `@opentelemetry/api` is an optional peer dependency: it is loaded here with `require` inside a `try`, only when a
 * producer is built without a `meterProvider`, so the producer works unchanged where it is not installed. A provider
 * passed in is used through the few methods typed below (which the SDK's `MeterProvider` has), so the published
 * types never name the OpenTelemetry packages either.
 *
 * Names, units and attributes follow the KPL's CloudWatch metrics (docs: "Monitor the Kinesis Producer Library with
 * Amazon CloudWatch"): the metric names are the KPL's, and the attributes `StreamName`, `ShardId` and `ErrorCode`
 * are its dimensions, so an exporter that writes CloudWatch EMF produces the metrics KPL dashboards already read.
 */

/** Attribute values are strings: stream names, shard ids and error codes. */
export type OtelAttributes = Record<string, string>;

interface InstrumentOptions {
  description?: string;
  unit?: string;
  /** Bucket boundaries a histogram's default view uses (OpenTelemetry API 1.7+; older APIs ignore it). */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** Buckets for histograms of counts, where the SDK's default millisecond buckets would say little. */
const RETRY_BUCKETS = [0, 1, 2, 3, 5, 10, 20, 50, 100];
const RECORDS_PER_KINESIS_RECORD_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];
const RECORDS_PER_REQUEST_BUCKETS = [1, 5, 10, 50, 100, 200, 300, 400, 500, 1000, 5000, 20_000];

export interface OtelHistogram {
  record(value: number, attributes?: OtelAttributes): void;
}

export interface OtelObservableResult {
  observe(value: number, attributes?: OtelAttributes): void;
}

export interface OtelObservable {
  addCallback(callback: (result: OtelObservableResult) => void): void;
  removeCallback(callback: (result: OtelObservableResult) => void): void;
}

/** The part of an OpenTelemetry `Meter` the producer uses. */
export interface OtelMeter {
  createHistogram(name: string, options?: InstrumentOptions): OtelHistogram;
  createObservableCounter(name: string, options?: InstrumentOptions): OtelObservable;
  createObservableGauge(name: string, options?: InstrumentOptions): OtelObservable;
}

/** The part of an OpenTelemetry `MeterProvider` the producer uses: `getMeter`. An SDK `MeterProvider` is one. */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

/** The instrumentation scope the producer's meter is created with. */
export const METER_NAME = 'eslint-plugin-sleepless/producer';

/** Metric names: the KPL's. */
export const KPL_METRICS = {
  userRecordsReceived: 'UserRecordsReceived',
  userRecordsPending: 'UserRecordsPending',
  userRecordsPut: 'UserRecordsPut',
  userRecordsDataPut: 'UserRecordsDataPut',
  kinesisRecordsPut: 'KinesisRecordsPut',
  kinesisRecordsDataPut: 'KinesisRecordsDataPut',
  errorsByCode: 'ErrorsByCode',
  allErrors: 'AllErrors',
  retriesPerRecord: 'RetriesPerRecord',
  userRecordExpired: 'UserRecordExpired',
  bufferingTime: 'BufferingTime',
  requestTime: 'RequestTime',
  userRecordsPerKinesisRecord: 'UserRecordsPerKinesisRecord',
  kinesisRecordsPerPutRecordsRequest: 'KinesisRecordsPerPutRecordsRequest',
  userRecordsPerPutRecordsRequest: 'UserRecordsPerPutRecordsRequest',
} as const;

/** What the recorder reads of a user record. */
export interface OtelUserRecord {
  readonly size: number;
  /** Monotonic ms when the record entered the buffer. */
  readonly acceptedAt: number;
  /** Monotonic ms when its last attempt ended (or when it was put). */
  readonly lastEventAt: number;
  readonly attempts: readonly unknown[];
}

/** What the recorder reads of one Kinesis record of a PutRecords request. */
export interface OtelEntry {
  readonly records: readonly OtelUserRecord[];
  /** Partition key + data bytes of the Kinesis record as sent. */
  readonly size: number;
  readonly predictedShard: string | undefined;
}

export type OtelOutcome =
  | { kind: 'response'; entries: readonly ({ shardId: string } | { error: { code: string } })[] }
  | { kind: 'error'; error: { code: string } };

let apiModule: { metrics: { getMeterProvider(): OtelMeterProvider }; createNoopMeter(): object } | null | undefined;

/** `@opentelemetry/api`, or null when it is not installed (or cannot be loaded). Loaded once. */
function loadApi(): typeof apiModule {
  if (apiModule !== undefined) return apiModule;
  try {
    apiModule = createRequire(import.meta.url)('@opentelemetry/api') as NonNullable<typeof apiModule>;
  } catch {
    apiModule = null;
  }
  return apiModule;
}

let version: string | undefined;

/** This package's version, for the meter's instrumentation scope (src/producer and dist/producer sit two levels down). */
function packageVersion(): string {
  if (version === undefined) {
    try {
      version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
    } catch {
      version = '';
    }
  }
  return version;
}

/**
 * A monotonic sum per attribute set, kept as plain numbers and reported by an observable counter when a reader
 * collects: adding costs a Map update instead of the SDK's per-call attribute hashing. Attribute objects are the
 * recorder's cached ones, so the Map is keyed by identity.
 */
class Tally {
  readonly #values = new Map<OtelAttributes, number>();

  constructor(meter: OtelMeter, name: string, options: InstrumentOptions) {
    meter.createObservableCounter(name, options).addCallback((result) => {
      for (const [attributes, value] of this.#values) result.observe(value, attributes);
    });
  }

  add(value: number, attributes: OtelAttributes): void {
    this.#values.set(attributes, (this.#values.get(attributes) ?? 0) + value);
  }
}

/** Validates the `meterProvider` option; returns why it is invalid, or undefined. */
export function describeInvalidMeterProvider(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && typeof (value as { getMeter?: unknown }).getMeter === 'function') return undefined;
  return 'allowed: an OpenTelemetry MeterProvider (an object with getMeter()), or leave it out to use the global one';
}

/**
 * Records the KPL metric set on an OpenTelemetry meter. One recorder per producer; built by `create`, which returns
 * undefined when there is nothing to record to (no provider given and `@opentelemetry/api` absent, or the global
 * provider is still the API's no-op one), so a producer without OpenTelemetry pays nothing per record.
 */
export class OtelRecorder {
  readonly #received: Tally;
  readonly #userRecordsPut: Tally;
  readonly #userRecordsDataPut: Tally;
  readonly #kinesisRecordsPut: Tally;
  readonly #kinesisRecordsDataPut: Tally;
  readonly #errorsByCode: Tally;
  readonly #allErrors: Tally;
  readonly #expired: Tally;
  readonly #retriesPerRecord: OtelHistogram;
  readonly #bufferingTime: OtelHistogram;
  readonly #requestTime: OtelHistogram;
  readonly #userPerKinesis: OtelHistogram;
  readonly #kinesisPerRequest: OtelHistogram;
  readonly #userPerRequest: OtelHistogram;
  readonly #pendingGauge: OtelObservable;
  readonly #observePending: (result: OtelObservableResult) => void;
  /** Reads the producer's outstanding records; dropped on close() so the meter does not keep the producer alive. */
  #pending: (() => ReadonlyMap<string, number>) | undefined;
  /** Attribute objects reused per stream and per stream × shard, so recording allocates nothing. */
  readonly #streamAttributes = new Map<string, OtelAttributes>();
  readonly #shardAttributes = new Map<string, Map<string, OtelAttributes>>();
  readonly #errorAttributes = new Map<string, OtelAttributes>();
  #closed = false;

  /**
   * @param provider the `meterProvider` option; the global provider of `@opentelemetry/api` when undefined.
   * @param pending user records not yet settled, per stream, read when a reader collects.
   */
  static create(provider: OtelMeterProvider | undefined, pending: () => ReadonlyMap<string, number>): OtelRecorder | undefined {
    if (provider) return new OtelRecorder(provider.getMeter(METER_NAME, packageVersion()), pending);
    const api = loadApi();
    if (!api) return undefined;
    const meter = api.metrics.getMeterProvider().getMeter(METER_NAME, packageVersion());
    // No SDK registered: the API hands out its no-op meter. Skip the per-record work altogether.
    if (meter instanceof (api.createNoopMeter().constructor as new () => object)) return undefined;
    return new OtelRecorder(meter, pending);
  }

  private constructor(meter: OtelMeter, pending: () => ReadonlyMap<string, number>) {
    const count = (name: string, description: string): Tally => new Tally(meter, name, { description, unit: '{record}' });
    const bytes = (name: string, description: string): Tally => new Tally(meter, name, { description, unit: 'By' });
    this.#received = count(KPL_METRICS.userRecordsReceived, 'User records accepted by put()');
    this.#userRecordsPut = count(KPL_METRICS.userRecordsPut, 'User records stored by Kinesis');
    this.#userRecordsDataPut = bytes(KPL_METRICS.userRecordsDataPut, 'Partition key + data bytes of the user records stored');
    this.#kinesisRecordsPut = count(KPL_METRICS.kinesisRecordsPut, 'Kinesis records stored (an aggregated record counts once)');
    this.#kinesisRecordsDataPut = bytes(KPL_METRICS.kinesisRecordsDataPut, 'Partition key + data bytes of the Kinesis records stored');
    this.#errorsByCode = new Tally(meter, KPL_METRICS.errorsByCode, { description: 'Errors, by error code: per failed Kinesis record, per failed request, per expired record', unit: '{error}' });
    this.#allErrors = new Tally(meter, KPL_METRICS.allErrors, { description: 'Errors of every code (as ErrorsByCode)', unit: '{error}' });
    this.#expired = count(KPL_METRICS.userRecordExpired, 'User records that failed with Expired (recordTtl)');
    this.#retriesPerRecord = meter.createHistogram(KPL_METRICS.retriesPerRecord, { description: 'Retries of a user record, recorded when it settles (0 when the first try succeeded)', unit: '{retry}', advice: { explicitBucketBoundaries: RETRY_BUCKETS } });
    this.#bufferingTime = meter.createHistogram(KPL_METRICS.bufferingTime, { description: 'Time a user record waited before each PutRecords: from put() accepting it, or from its previous attempt', unit: 'ms' });
    this.#requestTime = meter.createHistogram(KPL_METRICS.requestTime, { description: 'Duration of PutRecords requests', unit: 'ms' });
    this.#userPerKinesis = meter.createHistogram(KPL_METRICS.userRecordsPerKinesisRecord, { description: 'User records in one Kinesis record', unit: '{record}', advice: { explicitBucketBoundaries: RECORDS_PER_KINESIS_RECORD_BUCKETS } });
    this.#kinesisPerRequest = meter.createHistogram(KPL_METRICS.kinesisRecordsPerPutRecordsRequest, { description: 'Kinesis records in one PutRecords request', unit: '{record}', advice: { explicitBucketBoundaries: RECORDS_PER_REQUEST_BUCKETS } });
    this.#userPerRequest = meter.createHistogram(KPL_METRICS.userRecordsPerPutRecordsRequest, { description: 'User records in one PutRecords request', unit: '{record}', advice: { explicitBucketBoundaries: RECORDS_PER_REQUEST_BUCKETS } });
    this.#pendingGauge = meter.createObservableGauge(KPL_METRICS.userRecordsPending, { description: 'User records put and not yet settled (buffered, in flight or waiting for room)', unit: '{record}' });
    this.#pending = pending;
    this.#observePending = (result) => {
      const counts = this.#pending?.() ?? new Map<string, number>();
      for (const streamName of counts.keys()) this.#stream(streamName);
      // Every stream seen so far, 0 when nothing is pending: a gauge not observed keeps its last value.
      for (const [streamName, attributes] of this.#streamAttributes) result.observe(counts.get(streamName) ?? 0, attributes);
    };
    this.#pendingGauge.addCallback(this.#observePending);
  }

  #stream(streamName: string): OtelAttributes {
    let attributes = this.#streamAttributes.get(streamName);
    if (!attributes) {
      attributes = { StreamName: streamName };
      this.#streamAttributes.set(streamName, attributes);
    }
    return attributes;
  }

  #shard(streamName: string, shardId: string | undefined): OtelAttributes {
    if (shardId === undefined) return this.#stream(streamName);
    let shards = this.#shardAttributes.get(streamName);
    if (!shards) {
      shards = new Map();
      this.#shardAttributes.set(streamName, shards);
    }
    let attributes = shards.get(shardId);
    if (!attributes) {
      attributes = { StreamName: streamName, ShardId: shardId };
      shards.set(shardId, attributes);
    }
    return attributes;
  }

  #error(streamName: string, shardId: string | undefined, code: string): OtelAttributes {
    const key = `${streamName}\u0000${shardId ?? ''}\u0000${code}`;
    let attributes = this.#errorAttributes.get(key);
    if (!attributes) {
      attributes = shardId === undefined ? { StreamName: streamName, ErrorCode: code } : { StreamName: streamName, ShardId: shardId, ErrorCode: code };
      this.#errorAttributes.set(key, attributes);
    }
    return attributes;
  }

  /** put() accepted a record (it may still wait for room). */
  received(streamName: string): void {
    this.#received.add(1, this.#stream(streamName));
  }

  /** A PutRecords request is about to go out with these Kinesis records. */
  sent(streamName: string, entries: readonly OtelEntry[], now: number): void {
    let userRecords = 0;
    for (const entry of entries) {
      userRecords += entry.records.length;
      const attributes = this.#shard(streamName, entry.predictedShard);
      for (const record of entry.records) {
        // As the KPL: one sample per attempt, from the record's arrival (or its previous attempt's end) to this send.
        const since = record.attempts.length === 0 ? record.acceptedAt : record.lastEventAt;
        this.#bufferingTime.record(Math.max(0, now - since), attributes);
      }
    }
    const stream = this.#stream(streamName);
    this.#kinesisPerRequest.record(entries.length, stream);
    this.#userPerRequest.record(userRecords, stream);
  }

  /** A PutRecords request finished (a response, or an error for the whole request). */
  outcome(streamName: string, entries: readonly OtelEntry[], outcome: OtelOutcome, durationMs: number): void {
    const stream = this.#stream(streamName);
    this.#requestTime.record(durationMs, stream);
    if (outcome.kind === 'error') {
      // Not traceable to a shard: stream level, once per failed request (as the KPL's Retrier does).
      this.#errorsByCode.add(1, this.#error(streamName, undefined, outcome.error.code));
      this.#allErrors.add(1, stream);
      return;
    }
    outcome.entries.forEach((result, index) => {
      const entry = entries[index];
      if (!entry) return;
      if ('error' in result) {
        this.#errorsByCode.add(1, this.#error(streamName, entry.predictedShard, result.error.code));
        this.#allErrors.add(1, this.#shard(streamName, entry.predictedShard));
        return;
      }
      const shard = this.#shard(streamName, result.shardId);
      if (entry.predictedShard !== undefined && entry.predictedShard !== result.shardId && entry.records.length > 1) {
        // Stored on another shard than predicted: the producer sends an aggregate's records again (WrongShard).
        this.#errorsByCode.add(1, this.#error(streamName, result.shardId, 'WrongShard'));
        this.#allErrors.add(1, shard);
        return;
      }
      let bytes = 0;
      for (const record of entry.records) bytes += record.size;
      this.#kinesisRecordsPut.add(1, shard);
      this.#kinesisRecordsDataPut.add(entry.size, shard);
      this.#userRecordsPut.add(entry.records.length, shard);
      this.#userRecordsDataPut.add(bytes, shard);
      this.#userPerKinesis.record(entry.records.length, shard);
    });
  }

  /** A user record settled: delivered (with its shard), or failed with a producer error code. */
  settled(streamName: string, retries: number, shardId: string | undefined, failureCode: string | undefined): void {
    this.#retriesPerRecord.record(retries, this.#shard(streamName, shardId));
    if (failureCode === 'Expired') {
      this.#expired.add(1, this.#stream(streamName));
      this.#errorsByCode.add(1, this.#error(streamName, undefined, 'Expired'));
      this.#allErrors.add(1, this.#stream(streamName));
    }
  }

  /** Stops reporting UserRecordsPending, so a closed producer is not kept alive by the meter. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pendingGauge.removeCallback(this.#observePending);
    this.#pending = undefined;
  }
}
