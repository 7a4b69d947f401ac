import type { LatencyPercentiles, ProducerMetrics } from './types.js';

const LATENCY_SAMPLES = 2048;

/** Counters plus a ring of the most recent PutRecords durations for percentiles. */
export class MetricsRecorder {
  recordsPut = 0;
  recordsDelivered = 0;
  recordsFailed = 0;
  recordsExpired = 0;
  recordsRetried = 0;
  recordsThrottled = 0;
  kinesisRecordsSent = 0;
  aggregatedRecordsSent = 0;
  putRecordsCalls = 0;
  putRecordsErrors = 0;
  peakOutstandingRecords = 0;
  peakOutstandingBytes = 0;
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;

  recordLatency(ms: number): void {
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = ms;
    this.latencyCount++;
  }

  latency(): LatencyPercentiles {
    const samples = Math.min(this.latencyCount, LATENCY_SAMPLES);
    if (samples === 0) return { p50: 0, p95: 0, p99: 0, max: 0, samples: 0 };
    const sorted = Array.from(this.latencies.subarray(0, samples)).sort((a, b) => a - b);
    const at = (q: number): number => round(sorted[Math.min(samples - 1, Math.ceil(q * samples) - 1)] ?? 0);
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[samples - 1] ?? 0), samples };
  }

  snapshot(live: Pick<ProducerMetrics, 'outstandingRecords' | 'outstandingBytes' | 'waitingRecords' | 'bufferedRecords' | 'inFlightRequests' | 'shardMapRefreshes' | 'oldestRecordAgeMs' | 'requestConcurrency' | 'requestTimeoutMs'>): ProducerMetrics {
    return {
      recordsPut: this.recordsPut,
      recordsDelivered: this.recordsDelivered,
      recordsFailed: this.recordsFailed,
      recordsExpired: this.recordsExpired,
      recordsRetried: this.recordsRetried,
      recordsThrottled: this.recordsThrottled,
      kinesisRecordsSent: this.kinesisRecordsSent,
      aggregatedRecordsSent: this.aggregatedRecordsSent,
      putRecordsCalls: this.putRecordsCalls,
      putRecordsErrors: this.putRecordsErrors,
      putRecordsLatencyMs: this.latency(),
      peakOutstandingRecords: this.peakOutstandingRecords,
      peakOutstandingBytes: this.peakOutstandingBytes,
      ...live,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
