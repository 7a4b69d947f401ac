export { KinesisProducer, RECORD_OVERHEAD_BYTES } from './producer.js';
export { DEFAULTS, type KinesisProducerOptions, type AggregationOptions, type RetryOptions } from './config.js';
export {
  ProducerError,
  ConfigError,
  ValidationError,
  ClosedError,
  ExpiredError,
  ThrottledError,
  FlushTimeoutError,
  StreamNotFoundError,
  RecordFailedError,
  RequestFailedError,
  BufferFullError,
  DestroyedError,
  type ProducerErrorCode,
} from './errors.js';
export { KPL_METRICS, METER_NAME, type OtelMeterProvider, type OtelMeter } from './otel.js';
export { encodeAggregatedRecord, AGGREGATION_MAGIC, AGGREGATED_PARTITION_KEY } from './aggregation.js';
export { partitionKeyHash, effectiveHashKey } from './record.js';
export type {
  Attempt,
  ProducerRecord,
  PutResult,
  FlushOptions,
  FlushReport,
  FailedRecord,
  ProducerMetrics,
  LatencyPercentiles,
} from './types.js';
