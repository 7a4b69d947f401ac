import type { PutResult } from '../../src/producer/index.js';

/** Observes a put() promise: how often it settled (must be exactly once) and how. */
export interface Observed {
  settledCount: number;
  result?: PutResult;
  error?: Error & { code?: string };
  promise: Promise<void>;
}

export function observe(promise: Promise<PutResult>): Observed {
  const observed: Observed = { settledCount: 0, promise: Promise.resolve() };
  observed.promise = promise.then(
    (result) => {
      observed.settledCount++;
      observed.result = result;
    },
    (error: Error & { code?: string }) => {
      observed.settledCount++;
      observed.error = error;
    },
  );
  return observed;
}

export async function settleAll(observed: readonly Observed[]): Promise<void> {
  await Promise.all(observed.map((o) => o.promise));
}

let streamCounter = 0;
/** A stream name unique within the test run. */
export function uniqueStream(prefix: string): string {
  return `${prefix}-${process.pid}-${++streamCounter}`;
}

/** Fast back-off for tests. */
export const FAST_RETRY = { baseDelay: 5, maxDelay: 40 } as const;
