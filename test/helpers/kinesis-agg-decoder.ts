import { createHash } from 'node:crypto';

/**
 * A test-only mirror of the KCL's AggregatorUtil (amazon-kinesis-client): magic check, MD5 check, protobuf parse,
 * and the rule that an aggregated record with any sub-record outside its shard's hash range is dropped whole.
 * Written independently of src/producer/aggregation.ts so the encoder is checked against a second reading of the format.
 */
const MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

export interface DecodedSubRecord {
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Buffer;
}

/** Returns the sub-records, or undefined when the bytes are not a valid aggregated record (KCL: pass through raw). */
export function decodeAggregatedRecord(bytes: Uint8Array): DecodedSubRecord[] | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length <= MAGIC.length + 16 || !buffer.subarray(0, 4).equals(MAGIC)) return undefined;
  const message = buffer.subarray(4, buffer.length - 16);
  const digest = createHash('md5').update(message).digest();
  if (!digest.equals(buffer.subarray(buffer.length - 16))) return undefined;
  try {
    return parseAggregatedRecord(message);
  } catch {
    return undefined;
  }
}

class Reader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}
  get done(): boolean {
    return this.offset >= this.buffer.length;
  }
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      if (this.offset >= this.buffer.length) throw new Error('truncated varint');
      const byte = this.buffer[this.offset++]!;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
      if (multiplier > 2 ** 63) throw new Error('varint too long');
    }
  }
  bytes(): Buffer {
    const length = this.varint();
    if (this.offset + length > this.buffer.length) throw new Error('truncated field');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 5) this.offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function parseAggregatedRecord(message: Buffer): DecodedSubRecord[] {
  const reader = new Reader(message);
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const raw: { pk: number | undefined; ehk: number | undefined; data: Buffer | undefined }[] = [];
  while (!reader.done) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 1 && wireType === 2) partitionKeys.push(reader.bytes().toString('utf8'));
    else if (field === 2 && wireType === 2) hashKeys.push(reader.bytes().toString('utf8'));
    else if (field === 3 && wireType === 2) {
      const inner = new Reader(reader.bytes());
      const record: { pk: number | undefined; ehk: number | undefined; data: Buffer | undefined } = { pk: undefined, ehk: undefined, data: undefined };
      while (!inner.done) {
        const innerTag = inner.varint();
        const innerField = Math.floor(innerTag / 8);
        const innerWire = innerTag % 8;
        if (innerField === 1 && innerWire === 0) record.pk = inner.varint();
        else if (innerField === 2 && innerWire === 0) record.ehk = inner.varint();
        else if (innerField === 3 && innerWire === 2) record.data = Buffer.from(inner.bytes());
        else inner.skip(innerWire);
      }
      raw.push(record);
    } else reader.skip(wireType);
  }
  return raw.map((record) => {
    if (record.pk === undefined || record.data === undefined) throw new Error('required field missing');
    const partitionKey = partitionKeys[record.pk];
    if (partitionKey === undefined) throw new Error('partition key index out of range');
    let explicitHashKey: string | undefined;
    if (record.ehk !== undefined) {
      explicitHashKey = hashKeys[record.ehk];
      if (explicitHashKey === undefined) throw new Error('explicit hash key index out of range');
    }
    return { partitionKey, explicitHashKey, data: record.data };
  });
}

export function hashKeyOf(partitionKey: string, explicitHashKey: string | undefined): bigint {
  if (explicitHashKey !== undefined) return BigInt(explicitHashKey);
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}
