import { createHash } from 'node:crypto';
import { describeInvalidStreamName, describeType } from './config.js';
import { ValidationError } from './errors.js';
import type { ProducerRecord } from './types.js';

/** 2^128: explicit hash keys and MD5 hash keys lie in [0, HASH_KEY_LIMIT). */
export const HASH_KEY_LIMIT = 1n << 128n;
const DECIMAL = /^(0|[1-9][0-9]{0,38})$/;

/** A record put() accepted, validated and converted to bytes. */
export interface NormalizedRecord {
  streamName: string;
  partitionKey: string;
  data: Uint8Array;
  explicitHashKey: string | undefined;
  /** UTF-8 bytes of the partition key plus the data bytes: what Kinesis counts against the record and shard limits. */
  size: number;
}

/** MD5 of the UTF-8 partition key read as an unsigned 128-bit big-endian integer, as Kinesis routes records. */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

/** The hash key Kinesis routes a record by: its explicit hash key, else the MD5 of its partition key. */
export function effectiveHashKey(record: { partitionKey: string; explicitHashKey?: string | undefined }): bigint {
  return record.explicitHashKey !== undefined ? BigInt(record.explicitHashKey) : partitionKeyHash(record.partitionKey);
}

/**
 * Checks a record the way Kinesis would, without ever quoting its data in a message.
 * Throws ValidationError; returns the record with its data as bytes.
 */
export function normalizeRecord(input: unknown, defaultStream: string | undefined, maxRecordSize: number): NormalizedRecord {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('record', `put() expects an object { partitionKey, data, explicitHashKey?, streamName? } (got ${describeType(input)})`);
  }
  const record = input as Partial<Record<keyof ProducerRecord, unknown>>;

  const streamName = record.streamName ?? defaultStream;
  if (streamName === undefined) {
    throw new ValidationError('streamName', 'no stream: pass streamName to put() or to the KinesisProducer constructor');
  }
  const streamProblem = describeInvalidStreamName(streamName);
  if (streamProblem) throw new ValidationError('streamName', `streamName ${streamProblem}`);

  const partitionKey = record.partitionKey;
  if (typeof partitionKey !== 'string') {
    throw new ValidationError('partitionKey', `partitionKey must be a string of 1–256 characters (got ${describeType(partitionKey)})`);
  }
  if (partitionKey.length < 1 || partitionKey.length > 256) {
    throw new ValidationError('partitionKey', `partitionKey must be 1–256 characters long (got ${partitionKey.length})`);
  }

  let explicitHashKey: string | undefined;
  if (record.explicitHashKey !== undefined) {
    const ehk = record.explicitHashKey;
    if (typeof ehk !== 'string' || !DECIMAL.test(ehk) || BigInt(ehk) >= HASH_KEY_LIMIT) {
      const shown = typeof ehk === 'string' ? `a string of ${ehk.length} characters that is not one` : describeType(ehk);
      throw new ValidationError('explicitHashKey', `explicitHashKey must be a decimal integer string from 0 to 2^128-1 without leading zeros (got ${shown})`);
    }
    explicitHashKey = ehk;
  }

  let data: Uint8Array;
  const rawData = record.data;
  if (typeof rawData === 'string') data = Buffer.from(rawData, 'utf8');
  // A copy, so a caller reusing its buffer after put() cannot change what is sent. Buffer.from() copies small data
  // into Node's shared 8 KiB pool instead of giving each record an ArrayBuffer of its own: about half the memory
  // per outstanding 100-byte record.
  else if (rawData instanceof Uint8Array) data = Buffer.from(rawData);
  else {
    throw new ValidationError('data', `data must be a Uint8Array, a Buffer or a string (got ${describeType(rawData)})`);
  }

  const size = Buffer.byteLength(partitionKey, 'utf8') + data.byteLength;
  if (size > maxRecordSize) {
    throw new ValidationError('data', `record is ${size} bytes (partition key UTF-8 bytes + data), more than maxRecordSize (${maxRecordSize})`);
  }
  return { streamName: streamName as string, partitionKey, data, explicitHashKey, size };
}
