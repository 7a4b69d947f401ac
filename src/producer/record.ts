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
 * 128-bit numbers do.
 */
export function hashKeyHex(partitionKey: string, explicitHashKey: string | undefined): string {
  if (explicitHashKey !== undefined) return BigInt(explicitHashKey).toString(16).padStart(32, '0');
  return hash('md5', partitionKey, 'hex');
}

/**
 * The hash key Kinesis routes a record by, as four unsigned 32-bit words, most significant first, written into
 * `out`: no string, no BigInt and no Buffer per record. A partition key of up to 55 ASCII characters (one MD5
 * block) is hashed here in JavaScript, which costs a fraction of a call into OpenSSL; any other key, and an
 * explicit hash key, take the general path.
 */
export function hashKeyWords(partitionKey: string, explicitHashKey: string | undefined, out: Uint32Array): void {
  if (explicitHashKey === undefined && partitionKey.length <= 55 && md5Ascii(partitionKey, out)) return;
  const hex = hashKeyHex(partitionKey, explicitHashKey);
  for (let word = 0; word < 4; word++) out[word] = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16);
}

/**
 * MD5 of an ASCII string of at most 55 characters (a single padded block), as the 128-bit big-endian number's four
 * words (RFC 1321, its 64 steps written out: a loop over tables of constants and shifts costs several times more). Returns false, writing nothing, when the string has a character above 0x7f (its UTF-8
 * bytes differ from its char codes).
 */
function md5Ascii(text: string, out: Uint32Array): boolean {
  const length = text.length;
  const w = block;
  w.fill(0);
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return false;
    w[index >> 2]! |= code << ((index & 3) << 3);
  }
  w[length >> 2]! |= 0x80 << ((length & 3) << 3);
  w[14] = length << 3;
  const m0 = w[0]!, m1 = w[1]!, m2 = w[2]!, m3 = w[3]!, m4 = w[4]!, m5 = w[5]!, m6 = w[6]!, m7 = w[7]!;
  const m8 = w[8]!, m9 = w[9]!, m10 = w[10]!, m11 = w[11]!, m12 = w[12]!, m13 = w[13]!, m14 = w[14]!, m15 = w[15]!;
  let a = 0x67452301;
  let b = -271733879;
  let c = -1732584194;
  let d = 0x10325476;
  let x: number;
  x = (a + ((b & c) | (~b & d)) + m0 - 680876936) | 0;
  a = (((x << 7) | (x >>> 25)) + b) | 0;
  x = (d + ((a & b) | (~a & c)) + m1 - 389564586) | 0;
  d = (((x << 12) | (x >>> 20)) + a) | 0;
  x = (c + ((d & a) | (~d & b)) + m2 + 606105819) | 0;
  c = (((x << 17) | (x >>> 15)) + d) | 0;
  x = (b + ((c & d) | (~c & a)) + m3 - 1044525330) | 0;
  b = (((x << 22) | (x >>> 10)) + c) | 0;
  x = (a + ((b & c) | (~b & d)) + m4 - 176418897) | 0;
  a = (((x << 7) | (x >>> 25)) + b) | 0;
  x = (d + ((a & b) | (~a & c)) + m5 + 1200080426) | 0;
  d = (((x << 12) | (x >>> 20)) + a) | 0;
  x = (c + ((d & a) | (~d & b)) + m6 - 1473231341) | 0;
  c = (((x << 17) | (x >>> 15)) + d) | 0;
  x = (b + ((c & d) | (~c & a)) + m7 - 45705983) | 0;
  b = (((x << 22) | (x >>> 10)) + c) | 0;
  x = (a + ((b & c) | (~b & d)) + m8 + 1770035416) | 0;
  a = (((x << 7) | (x >>> 25)) + b) | 0;
  x = (d + ((a & b) | (~a & c)) + m9 - 1958414417) | 0;
  d = (((x << 12) | (x >>> 20)) + a) | 0;
  x = (c + ((d & a) | (~d & b)) + m10 - 42063) | 0;
  c = (((x << 17) | (x >>> 15)) + d) | 0;
  x = (b + ((c & d) | (~c & a)) + m11 - 1990404162) | 0;
  b = (((x << 22) | (x >>> 10)) + c) | 0;
  x = (a + ((b & c) | (~b & d)) + m12 + 1804603682) | 0;
  a = (((x << 7) | (x >>> 25)) + b) | 0;
  x = (d + ((a & b) | (~a & c)) + m13 - 40341101) | 0;
  d = (((x << 12) | (x >>> 20)) + a) | 0;
  x = (c + ((d & a) | (~d & b)) + m14 - 1502002290) | 0;
  c = (((x << 17) | (x >>> 15)) + d) | 0;
  x = (b + ((c & d) | (~c & a)) + m15 + 1236535329) | 0;
  b = (((x << 22) | (x >>> 10)) + c) | 0;
  x = (a + ((b & d) | (c & ~d)) + m1 - 165796510) | 0;
  a = (((x << 5) | (x >>> 27)) + b) | 0;
  x = (d + ((a & c) | (b & ~c)) + m6 - 1069501632) | 0;
  d = (((x << 9) | (x >>> 23)) + a) | 0;
  x = (c + ((d & b) | (a & ~b)) + m11 + 643717713) | 0;
  c = (((x << 14) | (x >>> 18)) + d) | 0;
  x = (b + ((c & a) | (d & ~a)) + m0 - 373897302) | 0;
  b = (((x << 20) | (x >>> 12)) + c) | 0;
  x = (a + ((b & d) | (c & ~d)) + m5 - 701558691) | 0;
  a = (((x << 5) | (x >>> 27)) + b) | 0;
  x = (d + ((a & c) | (b & ~c)) + m10 + 38016083) | 0;
  d = (((x << 9) | (x >>> 23)) + a) | 0;
  x = (c + ((d & b) | (a & ~b)) + m15 - 660478335) | 0;
  c = (((x << 14) | (x >>> 18)) + d) | 0;
  x = (b + ((c & a) | (d & ~a)) + m4 - 405537848) | 0;
  b = (((x << 20) | (x >>> 12)) + c) | 0;
  x = (a + ((b & d) | (c & ~d)) + m9 + 568446438) | 0;
  a = (((x << 5) | (x >>> 27)) + b) | 0;
  x = (d + ((a & c) | (b & ~c)) + m14 - 1019803690) | 0;
  d = (((x << 9) | (x >>> 23)) + a) | 0;
  x = (c + ((d & b) | (a & ~b)) + m3 - 187363961) | 0;
  c = (((x << 14) | (x >>> 18)) + d) | 0;
  x = (b + ((c & a) | (d & ~a)) + m8 + 1163531501) | 0;
  b = (((x << 20) | (x >>> 12)) + c) | 0;
  x = (a + ((b & d) | (c & ~d)) + m13 - 1444681467) | 0;
  a = (((x << 5) | (x >>> 27)) + b) | 0;
  x = (d + ((a & c) | (b & ~c)) + m2 - 51403784) | 0;
  d = (((x << 9) | (x >>> 23)) + a) | 0;
  x = (c + ((d & b) | (a & ~b)) + m7 + 1735328473) | 0;
  c = (((x << 14) | (x >>> 18)) + d) | 0;
  x = (b + ((c & a) | (d & ~a)) + m12 - 1926607734) | 0;
  b = (((x << 20) | (x >>> 12)) + c) | 0;
  x = (a + (b ^ c ^ d) + m5 - 378558) | 0;
  a = (((x << 4) | (x >>> 28)) + b) | 0;
  x = (d + (a ^ b ^ c) + m8 - 2022574463) | 0;
  d = (((x << 11) | (x >>> 21)) + a) | 0;
  x = (c + (d ^ a ^ b) + m11 + 1839030562) | 0;
  c = (((x << 16) | (x >>> 16)) + d) | 0;
  x = (b + (c ^ d ^ a) + m14 - 35309556) | 0;
  b = (((x << 23) | (x >>> 9)) + c) | 0;
  x = (a + (b ^ c ^ d) + m1 - 1530992060) | 0;
  a = (((x << 4) | (x >>> 28)) + b) | 0;
  x = (d + (a ^ b ^ c) + m4 + 1272893353) | 0;
  d = (((x << 11) | (x >>> 21)) + a) | 0;
  x = (c + (d ^ a ^ b) + m7 - 155497632) | 0;
  c = (((x << 16) | (x >>> 16)) + d) | 0;
  x = (b + (c ^ d ^ a) + m10 - 1094730640) | 0;
  b = (((x << 23) | (x >>> 9)) + c) | 0;
  x = (a + (b ^ c ^ d) + m13 + 681279174) | 0;
  a = (((x << 4) | (x >>> 28)) + b) | 0;
  x = (d + (a ^ b ^ c) + m0 - 358537222) | 0;
  d = (((x << 11) | (x >>> 21)) + a) | 0;
  x = (c + (d ^ a ^ b) + m3 - 722521979) | 0;
  c = (((x << 16) | (x >>> 16)) + d) | 0;
  x = (b + (c ^ d ^ a) + m6 + 76029189) | 0;
  b = (((x << 23) | (x >>> 9)) + c) | 0;
  x = (a + (b ^ c ^ d) + m9 - 640364487) | 0;
  a = (((x << 4) | (x >>> 28)) + b) | 0;
  x = (d + (a ^ b ^ c) + m12 - 421815835) | 0;
  d = (((x << 11) | (x >>> 21)) + a) | 0;
  x = (c + (d ^ a ^ b) + m15 + 530742520) | 0;
  c = (((x << 16) | (x >>> 16)) + d) | 0;
  x = (b + (c ^ d ^ a) + m2 - 995338651) | 0;
  b = (((x << 23) | (x >>> 9)) + c) | 0;
  x = (a + (c ^ (b | ~d)) + m0 - 198630844) | 0;
  a = (((x << 6) | (x >>> 26)) + b) | 0;
  x = (d + (b ^ (a | ~c)) + m7 + 1126891415) | 0;
  d = (((x << 10) | (x >>> 22)) + a) | 0;
  x = (c + (a ^ (d | ~b)) + m14 - 1416354905) | 0;
  c = (((x << 15) | (x >>> 17)) + d) | 0;
  x = (b + (d ^ (c | ~a)) + m5 - 57434055) | 0;
  b = (((x << 21) | (x >>> 11)) + c) | 0;
  x = (a + (c ^ (b | ~d)) + m12 + 1700485571) | 0;
  a = (((x << 6) | (x >>> 26)) + b) | 0;
  x = (d + (b ^ (a | ~c)) + m3 - 1894986606) | 0;
  d = (((x << 10) | (x >>> 22)) + a) | 0;
  x = (c + (a ^ (d | ~b)) + m10 - 1051523) | 0;
  c = (((x << 15) | (x >>> 17)) + d) | 0;
  x = (b + (d ^ (c | ~a)) + m1 - 2054922799) | 0;
  b = (((x << 21) | (x >>> 11)) + c) | 0;
  x = (a + (c ^ (b | ~d)) + m8 + 1873313359) | 0;
  a = (((x << 6) | (x >>> 26)) + b) | 0;
  x = (d + (b ^ (a | ~c)) + m15 - 30611744) | 0;
  d = (((x << 10) | (x >>> 22)) + a) | 0;
  x = (c + (a ^ (d | ~b)) + m6 - 1560198380) | 0;
  c = (((x << 15) | (x >>> 17)) + d) | 0;
  x = (b + (d ^ (c | ~a)) + m13 + 1309151649) | 0;
  b = (((x << 21) | (x >>> 11)) + c) | 0;
  x = (a + (c ^ (b | ~d)) + m4 - 145523070) | 0;
  a = (((x << 6) | (x >>> 26)) + b) | 0;
  x = (d + (b ^ (a | ~c)) + m11 - 1120210379) | 0;
  d = (((x << 10) | (x >>> 22)) + a) | 0;
  x = (c + (a ^ (d | ~b)) + m2 + 718787259) | 0;
  c = (((x << 15) | (x >>> 17)) + d) | 0;
  x = (b + (d ^ (c | ~a)) + m9 - 343485551) | 0;
  b = (((x << 21) | (x >>> 11)) + c) | 0;
  // The digest is the little-endian bytes of the four state words; read big-endian, each word is byte-swapped.
  out[0] = swap((a + 0x67452301) | 0);
  out[1] = swap((b - 271733879) | 0);
  out[2] = swap((c - 1732584194) | 0);
  out[3] = swap((d + 0x10325476) | 0);
  return true;
}

/** The message block, reused: 16 little-endian words. */
const block = new Int32Array(16);

function swap(word: number): number {
  return (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0;
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
