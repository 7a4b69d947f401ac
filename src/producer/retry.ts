import { MISSING_CREDENTIALS_MESSAGE } from './errors.js';

/** How the producer treats an error, per record or for a whole PutRecords request. */
export type ErrorDisposition =
  /** Retry with back-off until the record's TTL. */
  | 'retry'
  /** Throttling: retried, or failed at once with ThrottledError when failIfThrottled is on. */
  | 'throttled'
  /** The stream does not exist: fail with StreamNotFoundError. */
  | 'stream-not-found'
  /** Fail at once. */
  | 'fatal';

export interface ClassifiedError {
  disposition: ErrorDisposition;
  /** Kinesis error code or producer code (RequestTimeout, NetworkError…). */
  code: string;
  /** Safe to show: no credentials, no record data. */
  message: string;
  httpStatusCode?: number;
}

const THROTTLING_CODES = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'Throttling', 'ThrottledException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException',
  'LimitExceededException', 'SlowDown', 'TransactionInProgressException', 'BandwidthLimitExceeded',
]);

/** Per-record or request codes that may succeed later. */
const RETRYABLE_CODES = new Set([
  'InternalFailure', 'InternalFailureException', 'InternalServerError', 'InternalError', 'ServiceUnavailable',
  'ServiceUnavailableException', 'KMSThrottlingException', 'RequestTimeout', 'RequestTimeoutException',
  'PriorRequestNotComplete', 'TimeoutError', 'NetworkError', 'RecordCountMismatch', 'WrongShard',
]);

const CREDENTIAL_CODES = new Set([
  'UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignature', 'IncompleteSignatureException',
  'MissingAuthenticationToken', 'MissingAuthenticationTokenException', 'ExpiredTokenException', 'InvalidClientTokenId',
  'AccessDeniedException', 'AccessDenied', 'NotAuthorized', 'CredentialsProviderError', 'SignatureDoesNotMatch',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'ERR_HTTP2_ERROR',
]);

/** Classifies a per-record ErrorCode from a PutRecords response. */
export function classifyRecordError(code: string, message: string | undefined): ClassifiedError {
  const safeMessage = sanitizeMessage(message ?? code);
  if (THROTTLING_CODES.has(code)) return { disposition: 'throttled', code, message: safeMessage };
  if (RETRYABLE_CODES.has(code)) return { disposition: 'retry', code, message: safeMessage };
  if (code === 'ResourceNotFoundException') return { disposition: 'stream-not-found', code, message: safeMessage };
  return { disposition: 'fatal', code, message: safeMessage };
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { statusCode?: unknown };
  cause?: unknown;
}

/** Classifies an exception thrown by `client.send(PutRecordsCommand)` (or a timeout the producer raised). */
export function classifyRequestError(error: unknown, timedOut: boolean): ClassifiedError {
  if (timedOut) return { disposition: 'retry', code: 'RequestTimeout', message: 'PutRecords did not complete within requestTimeout' };
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const nodeCode = typeof e.code === 'string' ? e.code : typeof (e.cause as ErrorLike | undefined)?.code === 'string' ? (e.cause as ErrorLike).code as string : undefined;
  const rawStatus = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);

  if (nodeCode && NETWORK_ERROR_CODES.has(nodeCode)) {
    return { disposition: 'retry', code: 'NetworkError', message: `connection failed (${nodeCode})`, httpStatusCode: status };
  }
  if (name === 'AbortError' || name === 'TimeoutError' || nodeCode === 'ABORT_ERR') {
    return { disposition: 'retry', code: 'RequestTimeout', message: 'PutRecords was aborted or timed out', httpStatusCode: status };
  }
  // Thrown by the SDK before any request when its credential chain finds nothing: not a refusal by Kinesis.
  if (name === 'CredentialsProviderError') return { disposition: 'fatal', code: name, message: MISSING_CREDENTIALS_MESSAGE };
  if (CREDENTIAL_CODES.has(name)) {
    // Signature errors can echo the canonical request; never pass the service text through.
    return { disposition: 'fatal', code: name, message: `Kinesis refused the credentials or permissions (${name}${status ? `, HTTP ${status}` : ''}); check the client's credentials and its kinesis:PutRecords permission`, httpStatusCode: status };
  }
  if (name === 'ResourceNotFoundException') return { disposition: 'stream-not-found', code: name, message: sanitizeMessage(rawMessage), httpStatusCode: status };
  if (THROTTLING_CODES.has(name) || status === 429) return { disposition: 'throttled', code: name, message: sanitizeMessage(rawMessage), httpStatusCode: status };
  if (RETRYABLE_CODES.has(name) || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return { disposition: 'retry', code: name, message: sanitizeMessage(rawMessage), httpStatusCode: status };
  }
  if (status !== undefined && status >= 400) return { disposition: 'fatal', code: name, message: sanitizeMessage(rawMessage), httpStatusCode: status };
  if (status === undefined && /socket|network|connect|hang up|closed|reset|EOF/i.test(rawMessage)) {
    return { disposition: 'retry', code: 'NetworkError', message: sanitizeMessage(rawMessage) };
  }
  // No HTTP status and no known shape (e.g. an unparseable response): assume transient, the TTL bounds it.
  if (status === undefined) return { disposition: 'retry', code: name, message: sanitizeMessage(rawMessage) };
  return { disposition: 'fatal', code: name, message: sanitizeMessage(rawMessage), httpStatusCode: status };
}

/** Strips what looks like an access key id, a secret or a signature from a service message, and bounds its length. */
export function sanitizeMessage(message: string): string {
  return message
    .replace(/(Credential|Signature|SignedHeaders|X-Amz-Security-Token|X-Amz-Signature)=[^\s,&]+/gi, '$1=[redacted]')
    .replace(/\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{12,}\b/g, '[redacted key id]')
    .replace(/\b[A-Za-z0-9/+=]{40,}\b/g, '[redacted]')
    .slice(0, 500);
}

/** Exponential back-off with full jitter: uniform in [0, min(maxDelay, baseDelay × 2^(retry−1))]. */
export function backoffDelay(retry: number, baseDelay: number, maxDelay: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelay, baseDelay * 2 ** Math.min(Math.max(retry - 1, 0), 30));
  return Math.round(random() * ceiling);
}
