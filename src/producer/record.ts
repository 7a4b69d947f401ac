import { createHash, hash } from 'node:crypto';
import { describeInvalidStreamName, describeType } from './config.js';
import { ValidationError } from './errors.js';
import type { ProducerRecord } from './types.js';

/** 2^128: explicit hash keys and MD5 hash keys lie in [0, HASH_KEY_LIMIT). */
export const HASH_KEY_LIMIT = 1n << 128n;
const DECIMAL = /^(0|[1-9][0-9]{0,38})$/;

/** MD5 of the UTF-8 partition key read as an unsigned 128-bit big-endian integer, as Kinesis routes records. */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

/**
 * The hash key Kinesis routes a record by, as 32 lower-case hex digits: compared as strings, these order as the
 * 128-bit numbers do, so routing needs neither a BigInt nor a Hash object per record.
 */
export function hashKeyHex(partitionKey: string, explicitHashKey: string | undefined): string {
  if (explicitHashKey !== undefined) return BigInt(explicitHashKey).toString(16).padStart(32, '0');
  return hash('md5', partitionKey, 'hex');
}

/** The hash key Kinesis routes a record by: its explicit hash key, else the MD5 of its partition key. */
export function effectiveHashKey(record: { partitionKey: string; explicitHashKey?: string | undefined }): bigint {
  return record.explicitHashKey !== undefined ? BigInt(record.explicitHashKey) : partitionKeyHash(record.partitionKey);
}

/**
 * Checks records the way Kinesis would, without ever quoting their data in a message. One reader serves every
 * put() of a producer: read() fills its fields (no object per record) or throws ValidationError.
 */
export class RecordReader {
  streamName = '';
  partitionKey = '';
  explicitHashKey: string | undefined = undefined;
  /** The caller's data: copied by DataArena.store before put() returns. */
  data: Uint8Array | string = '';
  dataLength = 0;
  /** Partition key UTF-8 bytes + data bytes: what Kinesis counts against the record and shard limits. */
  size = 0;

  constructor(private readonly defaultStream: string | undefined, private readonly maxRecordSize: number) {}

  read(input: unknown): void {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ValidationError('record', `put() expects an object { partitionKey, data, explicitHashKey?, streamName? } (got ${describeType(input)})`);
    }
    const record = input as Partial<Record<keyof ProducerRecord, unknown>>;

    const streamName = record.streamName ?? this.defaultStream;
    if (streamName === undefined) {
      throw new ValidationError('streamName', 'no stream: pass streamName to put() or to the KinesisProducer constructor');
    }
    // The producer's own stream name was checked by the constructor.
    if (streamName !== this.defaultStream) {
      const streamProblem = describeInvalidStreamName(streamName);
      if (streamProblem) throw new ValidationError('streamName', `streamName ${streamProblem}`);
    }

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

    const data = record.data;
    let dataLength: number;
    if (typeof data === 'string') dataLength = Buffer.byteLength(data, 'utf8');
    else if (data instanceof Uint8Array) dataLength = data.byteLength;
    else throw new ValidationError('data', `data must be a Uint8Array, a Buffer or a string (got ${describeType(data)})`);

    const size = byteLength(partitionKey) + dataLength;
    if (size > this.maxRecordSize) {
      throw new ValidationError('data', `record is ${size} bytes (partition key UTF-8 bytes + data), more than maxRecordSize (${this.maxRecordSize})`);
    }
    this.streamName = streamName as string;
    this.partitionKey = partitionKey;
    this.explicitHashKey = explicitHashKey;
    this.data = data;
    this.dataLength = dataLength;
    this.size = size;
  }
}

/** UTF-8 length of a string, without Buffer.byteLength's call for the common ASCII key. */
function byteLength(text: string): number {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) return Buffer.byteLength(text, 'utf8');
  return text.length;
}

const CHUNK_SIZE = 64 * 1024;
/**
 * Data larger than this gets a buffer of its own, so one large record never pins a shared chunk; smaller data
 * shares chunks, which costs a copy and no ArrayBuffer (an allocation and a finalizer) per record.
 */
const OWN_BUFFER_ABOVE = 8 * 1024;

/**
 * Copies record data into shared 64 KiB chunks, so a caller reusing its buffer after put() cannot change what is
 * sent and an outstanding record holds no buffer object of its own, only (chunk, offset, length). A chunk is freed
 * when every record in it has settled, which keeps at most one chunk per long-lived record alive (the same
 * trade Node's own 8 KiB Buffer pool makes).
 */
export class DataArena {
  #chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
  #used = 0;
  /** Where the last store() put the data. */
  chunk: Buffer = this.#chunk;
  offset = 0;

  store(data: Uint8Array | string, length: number): void {
    if (length > OWN_BUFFER_ABOVE) {
      const own = Buffer.allocUnsafeSlow(length);
      write(own, 0, data);
      this.chunk = own;
      this.offset = 0;
      return;
    }
    if (this.#used + length > CHUNK_SIZE) {
      this.#chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
      this.#used = 0;
    }
    write(this.#chunk, this.#used, data);
    this.chunk = this.#chunk;
    this.offset = this.#used;
    this.#used += length;
  }
}

function write(target: Buffer, offset: number, data: Uint8Array | string): void {
  if (typeof data === 'string') target.write(data, offset, 'utf8');
  else target.set(data, offset);
}
