import { createHash } from 'node:crypto';

/**
 * The KPL aggregated record format (amazon-kinesis-producer aggregation-format.md):
 *   [F3 89 9A C2] [protobuf AggregatedRecord] [MD5 of the protobuf bytes]
 * with, in proto2:
 *   message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2; required bytes data = 3; }
 * Three message types of varints and length-delimited fields do not need a protobuf library.
 */
export const AGGREGATION_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const MD5_LENGTH = 16;
/** Magic + MD5 trailer: the bytes an aggregated record has besides its protobuf message. */
export const AGGREGATION_OVERHEAD = AGGREGATION_MAGIC.length + MD5_LENGTH;
/** The partition key KPL gives aggregated records; routing uses the explicit hash key. */
export const AGGREGATED_PARTITION_KEY = 'a';

// Field tags: (field number << 3) | wire type; wire type 0 = varint, 2 = length-delimited.
const TAG_PARTITION_KEY_TABLE = (1 << 3) | 2;
const TAG_EXPLICIT_HASH_KEY_TABLE = (2 << 3) | 2;
const TAG_RECORDS = (3 << 3) | 2;
const TAG_PARTITION_KEY_INDEX = (1 << 3) | 0;
const TAG_EXPLICIT_HASH_KEY_INDEX = (2 << 3) | 0;
const TAG_DATA = (3 << 3) | 2;

export function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

export interface AggregatableRecord {
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Uint8Array;
}

/**
 * Builds one aggregated record incrementally, knowing its exact encoded size before each addition,
 * so callers can stop at AggregationMaxSize.
 */
export class AggregateBuilder {
  private readonly partitionKeys = new Map<string, number>();
  private readonly hashKeys = new Map<string, number>();
  private readonly records: { pk: number; ehk: number | undefined; data: Uint8Array }[] = [];
  private protobufSize = 0;

  get count(): number {
    return this.records.length;
  }

  /** Encoded size of the aggregated record (magic + protobuf + MD5) as it stands. */
  get size(): number {
    return AGGREGATION_OVERHEAD + this.protobufSize;
  }

  /** Encoded size of the aggregated record if `record` were added. */
  sizeWith(record: AggregatableRecord): number {
    return AGGREGATION_OVERHEAD + this.protobufSize + this.growth(record);
  }

  add(record: AggregatableRecord): void {
    this.protobufSize += this.growth(record);
    let pk = this.partitionKeys.get(record.partitionKey);
    if (pk === undefined) {
      pk = this.partitionKeys.size;
      this.partitionKeys.set(record.partitionKey, pk);
    }
    let ehk: number | undefined;
    if (record.explicitHashKey !== undefined) {
      ehk = this.hashKeys.get(record.explicitHashKey);
      if (ehk === undefined) {
        ehk = this.hashKeys.size;
        this.hashKeys.set(record.explicitHashKey, ehk);
      }
    }
    this.records.push({ pk, ehk, data: record.data });
  }

  private growth(record: AggregatableRecord): number {
    let growth = 0;
    let pk = this.partitionKeys.get(record.partitionKey);
    if (pk === undefined) {
      pk = this.partitionKeys.size;
      growth += stringFieldLength(record.partitionKey);
    }
    let ehk: number | undefined;
    if (record.explicitHashKey !== undefined) {
      ehk = this.hashKeys.get(record.explicitHashKey);
      if (ehk === undefined) {
        ehk = this.hashKeys.size;
        growth += stringFieldLength(record.explicitHashKey);
      }
    }
    const inner = innerRecordLength(pk, ehk, record.data.byteLength);
    return growth + 1 + varintLength(inner) + inner;
  }

  /** Serializes the aggregated record. */
  encode(): Buffer {
    const total = this.size;
    const out = Buffer.allocUnsafe(total);
    out.set(AGGREGATION_MAGIC, 0);
    const writer = new Writer(out, AGGREGATION_MAGIC.length);
    for (const key of this.partitionKeys.keys()) writer.stringField(TAG_PARTITION_KEY_TABLE, key);
    for (const key of this.hashKeys.keys()) writer.stringField(TAG_EXPLICIT_HASH_KEY_TABLE, key);
    for (const record of this.records) {
      writer.varint(TAG_RECORDS);
      writer.varint(innerRecordLength(record.pk, record.ehk, record.data.byteLength));
      writer.varint(TAG_PARTITION_KEY_INDEX);
      writer.varint(record.pk);
      if (record.ehk !== undefined) {
        writer.varint(TAG_EXPLICIT_HASH_KEY_INDEX);
        writer.varint(record.ehk);
      }
      writer.bytesField(TAG_DATA, record.data);
    }
    const protobufEnd = writer.offset;
    if (protobufEnd !== total - MD5_LENGTH) throw new Error(`aggregated record size mismatch: ${protobufEnd} vs ${total - MD5_LENGTH}`);
    createHash('md5').update(out.subarray(AGGREGATION_MAGIC.length, protobufEnd)).digest().copy(out, protobufEnd);
    return out;
  }
}

/** Encodes records as one KPL aggregated record (no size limit applied). */
export function encodeAggregatedRecord(records: readonly AggregatableRecord[]): Buffer {
  const builder = new AggregateBuilder();
  for (const record of records) builder.add(record);
  return builder.encode();
}

function stringFieldLength(value: string): number {
  const length = Buffer.byteLength(value, 'utf8');
  return 1 + varintLength(length) + length;
}

function innerRecordLength(pk: number, ehk: number | undefined, dataLength: number): number {
  return 1 + varintLength(pk) + (ehk === undefined ? 0 : 1 + varintLength(ehk)) + 1 + varintLength(dataLength) + dataLength;
}

class Writer {
  constructor(private readonly buffer: Buffer, public offset: number) {}

  varint(value: number): void {
    while (value >= 0x80) {
      this.buffer[this.offset++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.offset++] = value;
  }

  stringField(tag: number, value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(tag);
    this.varint(length);
    this.offset += this.buffer.write(value, this.offset, length, 'utf8');
  }

  bytesField(tag: number, value: Uint8Array): void {
    this.varint(tag);
    this.varint(value.byteLength);
    this.buffer.set(value, this.offset);
    this.offset += value.byteLength;
  }
}
