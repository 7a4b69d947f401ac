import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * kinesis-mock (etspaceman/kinesis-mock), the emulator LocalStack uses, from the npm package `kinesis-local`: a
 * Scala.js build shipped as one `main.js` (no dependencies, no install script, no download), run here as a child
 * `node` process on loopback. It implements what kinesalite lacks (UpdateShardCount, ShardFilter, StreamARN) and was
 * written independently of it, so a test that passes on both does not lean on one emulator's reading of the API.
 *
 * Its quirks, handled here: it has no host option (test/helpers/loopback-listen.mjs binds it to 127.0.0.1 on
 * free ports); started outside its package folder it needs KINESIS_MOCK_CERT_PATH pointing at the package's
 * server.json (else it crashes at start); SHARD_LIMIT defaults to 50 open shards per account; stream operations
 * take the *_DURATION it is given before the stream is ACTIVE again. It speaks HTTP/1.1 on its plain port, so the
 * SDK client needs a NodeHttpHandler, as with kinesalite.
 */

export interface KinesisMockOptions {
  /** Open shards allowed (kinesis-mock SHARD_LIMIT). Default 1000. */
  shardLimit?: number;
  /** How long CreateStream / UpdateShardCount / SplitShard leave the stream CREATING or UPDATING. Default 200 ms. */
  operationMs?: number;
}

export interface KinesisMockServer {
  endpoint: string;
  /** A client for tests and for producers given `client`; destroyed on close(). */
  client(): KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  /** Every shard, open and closed. */
  listShards(name: string): Promise<Shard[]>;
  /** Starts UpdateShardCount (UNIFORM_SCALING); the stream is UPDATING until waitActive says otherwise. */
  updateShardCount(name: string, target: number): Promise<void>;
  /** Starts SplitShard at the middle of the shard's hash range; the stream is UPDATING until waitActive. */
  splitShard(name: string, shardId: string): Promise<void>;
  waitActive(name: string): Promise<void>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Where `kinesis-local` is installed: its main.js and the self-signed certificate beside it. */
export function kinesisLocalFiles(): { main: string; cert: string; version: string } {
  const packageJson = require.resolve('kinesis-local/package.json');
  const folder = dirname(packageJson);
  return { main: join(folder, 'main.js'), cert: join(folder, 'server.json'), version: (require(packageJson) as { version: string }).version };
}

/** Starts kinesis-mock on 127.0.0.1 and resolves once both of its listeners are up. */
export async function startKinesisMock(options: KinesisMockOptions = {}): Promise<KinesisMockServer> {
  const { main, cert } = kinesisLocalFiles();
  const operation = `${options.operationMs ?? 200}ms`;
  const child: ChildProcess = spawn(process.execPath, ['--import', join(import.meta.dirname, 'loopback-listen.mjs'), main], {
    // Outside its package folder on purpose, as a user's test would start it.
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH,
      // Marker ports loopback-listen.mjs replaces with free loopback ports (nothing ever listens on 1 or 2).
      LOOPBACK_LISTEN: '1=plain,2=tls',
      KINESIS_MOCK_PLAIN_PORT: '1',
      KINESIS_MOCK_TLS_PORT: '2',
      KINESIS_MOCK_CERT_PATH: cert,
      SHARD_LIMIT: String(options.shardLimit ?? 1000),
      CREATE_STREAM_DURATION: operation,
      UPDATE_SHARD_COUNT_DURATION: operation,
      SPLIT_SHARD_DURATION: operation,
      MERGE_SHARDS_DURATION: operation,
      DELETE_STREAM_DURATION: operation,
      SHOULD_PERSIST_DATA: 'false',
      LOG_LEVEL: 'ERROR',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const ports = new Map<string, number>();
    const timer = setTimeout(() => fail(new Error(`kinesis-mock did not start within 60 s; stderr: ${stderr}`)), 60_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onEarlyExit = (code: number | null, signal: string | null): void => fail(new Error(`kinesis-mock exited before listening (code ${code}, signal ${signal}); stderr: ${stderr}`));
    child.once('exit', onEarlyExit);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const match of stdout.matchAll(/LOOPBACK_LISTENING (plain|tls) (\d+)/g)) ports.set(match[1]!, Number(match[2]));
      if (ports.has('plain') && ports.has('tls')) {
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        resolve(ports.get('plain')!);
      }
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: KinesisClient[] = [];
  const makeClient = (): KinesisClient => {
    const client = new KinesisClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'kinesis-mock', secretAccessKey: 'kinesis-mock' },
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const admin = makeClient();

  const waitActive = async (name: string): Promise<void> => {
    // Remote state (another process): asking it is the only way to observe it.
    for (let i = 0; i < 600; i++) {
      const summary = await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`stream ${name} did not become ACTIVE on kinesis-mock`);
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

  return {
    endpoint,
    client: makeClient,
    async createStream(name, shards) {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      await waitActive(name);
    },
    listShards,
    async updateShardCount(name, target) {
      await admin.send(new UpdateShardCountCommand({ StreamName: name, TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' }));
    },
    async splitShard(name, shardId) {
      const shard = (await listShards(name)).find((s) => s.ShardId === shardId);
      if (!shard) throw new Error(`no shard ${shardId}`);
      const start = BigInt(shard.HashKeyRange!.StartingHashKey!);
      const end = BigInt(shard.HashKeyRange!.EndingHashKey!);
      await admin.send(new SplitShardCommand({ StreamName: name, ShardToSplit: shardId, NewStartingHashKey: ((start + end) / 2n + 1n).toString() }));
    },
    waitActive,
    async close() {
      for (const client of clients) client.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // It shuts down gracefully on SIGTERM; a hung shutdown must not hang the test run.
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
