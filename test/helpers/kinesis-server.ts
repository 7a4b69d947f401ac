import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  SplitShardCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';
import { decodeAggregatedRecord, hashKeyOf } from './kinesis-agg-decoder.js';

/** What the fault hook makes the server do with one PutRecords request. */
export type Fault =
  /** Hand it to kinesalite unchanged. */
  | { kind: 'pass' }
  /** Per-record failures in a 200 response; the other records are stored. Default: every record, ProvisionedThroughputExceededException. */
  | { kind: 'fail-records'; indices?: readonly number[]; errorCode?: string; errorMessage?: string }
  /** A whole-request error such as 400 ProvisionedThroughputExceededException or 500 InternalFailure; nothing stored. */
  | { kind: 'error'; status: number; type: string; message?: string; echoAuthorization?: boolean }
  /** Destroy the connection without answering; nothing stored. */
  | { kind: 'drop' }
  /** Answer after `ms` (forwarding to kinesalite first unless forward is false). */
  | { kind: 'delay'; ms: number; forward?: boolean }
  /** Never answer (until the client gives up or the server closes); nothing stored. */
  | { kind: 'stall' };

export interface PutRecordsBody {
  StreamName: string;
  Records: { Data: string; PartitionKey: string; ExplicitHashKey?: string }[];
}

export type FaultHook = (call: { index: number; body: PutRecordsBody }) => Fault | undefined;

export interface StoredRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  data: Buffer;
}

export interface UserRecordRead {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber: number | undefined;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Buffer;
}

export interface KclReadResult {
  /** Records a KCL consumer would hand to its processor, in shard then sequence order. */
  records: UserRecordRead[];
  /** Aggregated records the KCL would drop because a sub-record lies outside the shard's hash range. */
  dropped: StoredRecord[];
  /** Raw Kinesis records read. */
  raw: StoredRecord[];
}

interface InnerResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface KinesisTestServer {
  endpoint: string;
  /** A client for the tests' own calls (and for producers given `client`); destroyed on close(). */
  client(): KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  listShards(name: string): Promise<Shard[]>;
  /** Splits a shard at the middle of its hash range (or at newStartingHashKey) and waits until the stream is ACTIVE. */
  splitShard(name: string, shardId: string, newStartingHashKey?: string): Promise<void>;
  /** Every Kinesis record in every shard (open or closed), from TRIM_HORIZON. */
  readAll(name: string): Promise<StoredRecord[]>;
  /** readAll, deaggregated the way the KCL does it. */
  readUserRecords(name: string): Promise<KclReadResult>;
  /** Intercepts PutRecords; undefined restores pass-through. */
  setFault(hook: FaultHook | undefined): void;
  /** PutRecords requests received (including faulted ones). */
  readonly putRecordsRequests: number;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

/** Starts kinesalite in memory on 127.0.0.1:0 behind a proxy that can inject faults into PutRecords. */
export async function startKinesisServer(): Promise<KinesisTestServer> {
  const inner = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  const handler = inner.listeners('request')[0] as (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const clients: KinesisClient[] = [];
  let hook: FaultHook | undefined;
  let putRecordsRequests = 0;

  /** Calls kinesalite's request listener with a synthetic request, so the proxy can change bodies. */
  const callInner = (method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<InnerResponse> =>
    new Promise((resolve) => {
      const req = Object.assign(new EventEmitter(), { method, url, headers });
      const responseHeaders: Record<string, string> = {};
      const res = {
        statusCode: 200,
        contentType: undefined as string | undefined,
        setHeader(name: string, value: string | number) {
          responseHeaders[name.toLowerCase()] = String(value);
        },
        end(chunk?: string | Buffer) {
          resolve({ status: res.statusCode, headers: responseHeaders, body: chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk) });
        },
      };
      handler(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse);
      req.emit('data', body);
      req.emit('end');
    });

  const send = (res: http.ServerResponse, response: InnerResponse): void => {
    if (res.destroyed) return;
    const headers = { ...response.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(response.body.length);
    res.writeHead(response.status, headers);
    res.end(response.body);
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const sendJson = (res: http.ServerResponse, status: number, value: unknown): void =>
    send(res, { status, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(value)) });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const forward = (): Promise<InnerResponse> => callInner(req.method ?? 'POST', req.url ?? '/', req.headers, body);
      if (!target.endsWith('.PutRecords')) {
        void forward().then((response) => send(res, response));
        return;
      }
      const index = putRecordsRequests++;
      let parsed: PutRecordsBody | undefined;
      try {
        parsed = JSON.parse(body.toString('utf8')) as PutRecordsBody;
      } catch {
        parsed = undefined;
      }
      const fault: Fault = (parsed && hook?.({ index, body: parsed })) || { kind: 'pass' };
      switch (fault.kind) {
        case 'pass':
          void forward().then((response) => send(res, response));
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'stall':
          return;
        case 'error':
          // echoAuthorization imitates a service that quotes the signed request back (as signature errors do).
          sendJson(res, fault.status, {
            __type: fault.type,
            message: `${fault.message ?? `Injected ${fault.type}`}${fault.echoAuthorization ? ` Authorization: ${String(req.headers.authorization)}` : ''}`,
          });
          return;
        case 'delay':
          if (fault.forward === false) later(fault.ms, () => sendJson(res, 500, { __type: 'InternalFailure', message: 'Injected slow failure' }));
          else void forward().then((response) => later(fault.ms, () => send(res, response)));
          return;
        case 'fail-records': {
          const records = parsed!.Records;
          const failing = new Set(fault.indices ?? records.map((_, i) => i));
          const passing = records.filter((_, i) => !failing.has(i));
          const failure = {
            ErrorCode: fault.errorCode ?? 'ProvisionedThroughputExceededException',
            ErrorMessage: fault.errorMessage ?? `Rate exceeded for shard shardId-000000000000 in stream ${parsed!.StreamName} under account 000000000000.`,
          };
          const stored: Promise<{ Records: Record<string, unknown>[] }> =
            passing.length === 0
              ? Promise.resolve({ Records: [] })
              : callInner('POST', '/', req.headers, Buffer.from(JSON.stringify({ ...parsed, Records: passing }))).then(
                  (response) => JSON.parse(response.body.toString('utf8')) as { Records: Record<string, unknown>[] },
                );
          void stored.then((result) => {
            let next = 0;
            const merged = records.map((_, i) => (failing.has(i) ? failure : result.Records[next++]));
            sendJson(res, 200, { FailedRecordCount: failing.size, Records: merged });
          });
          return;
        }
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  const makeClient = (): KinesisClient => {
    const client = new KinesisClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const admin = makeClient();

  const waitActive = async (name: string): Promise<void> => {
    // Remote state: asking the server is the only way to observe it.
    for (let i = 0; i < 500; i++) {
      const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`stream ${name} did not become ACTIVE`);
  };

  const listShards = async (name: string): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const page = await admin.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: name }));
      shards.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token);
    return shards;
  };

  const readAll = async (name: string): Promise<StoredRecord[]> => {
    const out: StoredRecord[] = [];
    for (const shard of await listShards(name)) {
      const shardId = shard.ShardId!;
      let iterator = (await admin.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (iterator) {
        const page = await admin.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const record of page.Records ?? []) {
          out.push({ shardId, sequenceNumber: record.SequenceNumber!, partitionKey: record.PartitionKey!, data: Buffer.from(record.Data ?? new Uint8Array()) });
        }
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return out;
  };

  return {
    endpoint,
    client: makeClient,
    async createStream(name, shards) {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      await waitActive(name);
    },
    listShards,
    async splitShard(name, shardId, newStartingHashKey) {
      let key = newStartingHashKey;
      if (key === undefined) {
        const shard = (await listShards(name)).find((s) => s.ShardId === shardId);
        if (!shard) throw new Error(`no shard ${shardId}`);
        const start = BigInt(shard.HashKeyRange!.StartingHashKey!);
        const end = BigInt(shard.HashKeyRange!.EndingHashKey!);
        key = ((start + end) / 2n + 1n).toString();
      }
      await admin.send(new SplitShardCommand({ StreamName: name, ShardToSplit: shardId, NewStartingHashKey: key }));
      await waitActive(name);
    },
    readAll,
    async readUserRecords(name) {
      const ranges = new Map((await listShards(name)).map((s) => [s.ShardId!, { start: BigInt(s.HashKeyRange!.StartingHashKey!), end: BigInt(s.HashKeyRange!.EndingHashKey!) }]));
      const raw = await readAll(name);
      const records: UserRecordRead[] = [];
      const dropped: StoredRecord[] = [];
      for (const record of raw) {
        const subRecords = decodeAggregatedRecord(record.data);
        if (!subRecords) {
          records.push({ ...record, subSequenceNumber: undefined, explicitHashKey: undefined });
          continue;
        }
        const range = ranges.get(record.shardId)!;
        const outside = subRecords.some((sub) => {
          const hash = hashKeyOf(sub.partitionKey, sub.explicitHashKey);
          return hash < range.start || hash > range.end;
        });
        if (outside) {
          dropped.push(record);
          continue;
        }
        subRecords.forEach((sub, index) =>
          records.push({ shardId: record.shardId, sequenceNumber: record.sequenceNumber, subSequenceNumber: index, partitionKey: sub.partitionKey, explicitHashKey: sub.explicitHashKey, data: sub.data }),
        );
      }
      return { records, dropped, raw };
    },
    setFault(next) {
      hook = next;
    },
    get putRecordsRequests() {
      return putRecordsRequests;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const client of clients) client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => inner.close(() => resolve()));
    },
  };
}
