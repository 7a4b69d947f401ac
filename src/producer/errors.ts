import type { Attempt } from './types.js';

/** Every error the producer creates. `code` is stable and meant for `switch` statements. */
export type ProducerErrorCode =
  | 'Config'
  | 'Validation'
  | 'Closed'
  | 'Expired'
  | 'Throttled'
  | 'FlushTimeout'
  | 'StreamNotFound'
  | 'Failed'
  | 'RequestFailed'
  | 'BufferFull'
  | 'Destroyed';

export class ProducerError extends Error {
  readonly code: ProducerErrorCode;
  /** The delivery attempts of the record this error settles, oldest first (empty when it was never sent). */
  readonly attempts: readonly Attempt[];

  constructor(code: ProducerErrorCode, message: string, attempts: readonly Attempt[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.attempts = attempts;
  }
}

/** An option passed to the constructor is invalid. Thrown synchronously. */
export class ConfigError extends ProducerError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('Config', `Invalid producer option "${option}": ${message}`);
    this.option = option;
  }
}

/** The record given to put() is invalid; it was not accepted. */
export class ValidationError extends ProducerError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('Validation', `Invalid record: ${message}`);
    this.field = field;
  }
}

/** put() after close(), or a put() that was waiting for room when close() was called. */
export class ClosedError extends ProducerError {
  constructor(message = 'The producer is closed; put() no longer accepts records') {
    super('Closed', message);
  }
}

/** The record was not delivered within `recordTtl`. */
export class ExpiredError extends ProducerError {
  /** The error code of the last attempt, if there was one (e.g. ProvisionedThroughputExceededException). */
  readonly lastErrorCode: string | undefined;
  constructor(message: string, attempts: readonly Attempt[]) {
    super('Expired', message, attempts);
    this.lastErrorCode = attempts.at(-1)?.errorCode;
  }
}

/** `failIfThrottled` is on and Kinesis throttled the record. */
export class ThrottledError extends ProducerError {
  constructor(message: string, attempts: readonly Attempt[]) {
    super('Throttled', message, attempts);
  }
}

/** flush() did not settle within its `timeout`, or its `signal` aborted. The records keep going. */
export class FlushTimeoutError extends ProducerError {
  /** How many records of the flush's snapshot were still outstanding. */
  readonly outstanding: number;
  constructor(message: string, outstanding: number) {
    super('FlushTimeout', message);
    this.outstanding = outstanding;
  }
}

/** The stream does not exist (ResourceNotFoundException). */
export class StreamNotFoundError extends ProducerError {
  readonly streamName: string;
  constructor(streamName: string, attempts: readonly Attempt[]) {
    super('StreamNotFound', `Stream "${streamName}" was not found (ResourceNotFoundException); check the name, account and region`, attempts);
    this.streamName = streamName;
  }
}

/** Kinesis refused this one record with a non-retryable per-record error code. */
export class RecordFailedError extends ProducerError {
  readonly errorCode: string;
  constructor(errorCode: string, message: string, attempts: readonly Attempt[]) {
    super('Failed', message, attempts);
    this.errorCode = errorCode;
  }
}

/** The whole PutRecords request failed with a non-retryable error (access denied, bad credentials, validation…). */
export class RequestFailedError extends ProducerError {
  readonly errorCode: string;
  readonly httpStatusCode: number | undefined;
  constructor(errorCode: string, httpStatusCode: number | undefined, message: string, attempts: readonly Attempt[]) {
    super('RequestFailed', message, attempts);
    this.errorCode = errorCode;
    this.httpStatusCode = httpStatusCode;
  }
}

/**
 * The text of a RequestFailedError whose errorCode is CredentialsProviderError: the SDK's credential chain found
 * nothing, so no request was sent. It must not read like a refusal by Kinesis, and it says how to give credentials.
 */
export const MISSING_CREDENTIALS_MESSAGE =
  'no AWS credentials were found, so nothing was sent to Kinesis (the SDK\'s default credential provider chain found none). ' +
  'Provide them with clientConfig.credentials ({ accessKeyId, secretAccessKey }), the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
  'environment variables, AWS_PROFILE and ~/.aws/credentials, or an IAM role (EC2, ECS, Lambda). A local server such as kinesalite ' +
  'accepts any pair, e.g. { accessKeyId: \'local\', secretAccessKey: \'local\' }';

/** `onFull: 'reject'` and the outstanding records or bytes are at their limit. */
export class BufferFullError extends ProducerError {
  constructor(message: string) {
    super('BufferFull', message);
  }
}

/** destroy() stopped the producer before the record was delivered. It may still have been stored (a request on the wire). */
export class DestroyedError extends ProducerError {
  constructor(message = 'The producer was destroyed before the record was delivered; it may or may not have been stored') {
    super('Destroyed', message);
  }
}
