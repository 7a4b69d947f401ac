import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer } from '../../src/producer/index.js';
import { FAST_RETRY, observe, settleAll, type Observed } from '../helpers/kinesis-producer-fixtures.js';
import { kinesisLocalFiles, startKinesisMock } from '../helpers/kinesis-mock-server.js';
import { listAllShards, readStream } from '../helpers/kinesis-read.js';
import { startKinesisServer } from '../helpers/kinesis-server.js';

/**
 * The delivery test on two independent emulators: kinesalite (in process) and kinesis-mock (npm kinesis-local, a
 * child process), both on loopback. Records of varied sizes and keys go out with aggregation off and on while the
 * stream is resharded in the middle of the run: on kinesis-mock an UpdateShardCount (2 → 4, UNIFORM_SCALING) and
 * then a SplitShard, each started while records are buffered and in flight; on kinesalite, which has no
 * UpdateShardCount, two SplitShards. Then every shard is read back with GetRecords from TRIM_HORIZON and
 * deaggregated as the KCL does, and each record is checked: present with its bytes, on a shard whose hash range
 * holds its hash key, at the shard and sequence number its promise reported; duplicates are counted.
 */

interface Emulator {
  client(): KinesisClient;
  createStream(name: string, shards: number): Promise<void>;
  /** The first and the second resharding, each started mid-run; `settle` waits until the stream is ACTIVE. */
  reshard(name: string, step: 1 | 2): Promise<void>;
  settle(name: string): Promise<void>;
  close(): Promise<void>;
}

async function openShardWithWidestRange(client: KinesisClient, stream: string): Promise<string> {
  const open = (await listAllShards(client, stream)).filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
  const width = (s: (typeof open)[number]): bigint => BigInt(s.HashKeyRange!.EndingHashKey!) - BigInt(s.HashKeyRange!.StartingHashKey!);
  open.sort((a, b) => (width(b) > width(a) ? 1 : width(b) < width(a) ? -1 : 0));
  return open[0]!.ShardId!;
}

const emulators: Record<string, () => Promise<Emulator>> = {
  'kinesis-mock': async () => {
    const server = await startKinesisMock({ shardLimit: 1000, operationMs: 200 });
    const admin = server.client();
    return {
      client: server.client,
      createStream: server.createStream,
      async reshard(name, step) {
        if (step === 1) await server.updateShardCount(name, 4);
        else await server.splitShard(name, await openShardWithWidestRange(admin, name));
      },
      settle: server.waitActive,
      close: server.close,
    };
  },
  kinesalite: async () => {
    const server = await startKinesisServer();
    const admin = server.client();
    return {
      client: server.client,
      createStream: server.createStream,
      async reshard(name) {
        // kinesalite has no UpdateShardCount (UnknownOperationException): split instead, both times.
        await server.splitShard(name, await openShardWithWidestRange(admin, name));
      },
      async settle() {
        // updateStreamMs: 0, and splitShard() already waited for ACTIVE.
      },
      close: server.close,
    };
  },
};

const ROUNDS = 8;
const PER_ROUND = 250;

describe.each(Object.keys(emulators))('delivery on %s, resharded mid-run', (emulatorName) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await emulators[emulatorName]!();
  }, 90_000);
  afterAll(async () => {
    await emulator?.close();
  });

  it.each([false, true])('aggregation %s: every record read back once or more, on the right shard, where its promise says', async (aggregation) => {
    const stream = `delivery-${emulatorName}-${aggregation ? 'agg' : 'raw'}-${process.pid}`;
    await emulator.createStream(stream, 2);
    const producer = new KinesisProducer({
      streamName: stream,
      client: emulator.client(),
      aggregation: { enabled: aggregation, maxSize: 8192 },
      recordMaxBufferedTime: 30,
      shardMapRefresh: { minDelay: 20, maxDelay: 200 },
      retry: FAST_RETRY,
    });
    const expected = new Map<string, { data: Buffer; explicitHashKey: string | undefined }>();
    const observed = new Map<string, Observed>();
    const putRound = (round: number): void => {
      for (let i = 0; i < PER_ROUND; i++) {
        const id = `r${round}-${i}`;
        const data = Buffer.alloc(10 + ((i * 37) % 300), `${id};`);
        // One record in nine routes by an explicit hash key spread over the whole key space.
        const explicitHashKey = i % 9 === 0 ? ((BigInt(round * PER_ROUND + i) * 0x9e3779b97f4a7c15n * (1n << 64n)) % (1n << 128n)).toString() : undefined;
        expected.set(id, { data, explicitHashKey });
        observed.set(id, observe(producer.put(explicitHashKey ? { partitionKey: id, data, explicitHashKey } : { partitionKey: id, data })));
      }
    };

    for (let round = 0; round < ROUNDS; round++) {
      putRound(round);
      // Resharding starts while this round's records are buffered or in flight; the next round goes out while the
      // stream is UPDATING; flushes only on some rounds, so batches straddle the change.
      if (round === 2) await emulator.reshard(stream, 1);
      else if (round === 3) await emulator.settle(stream);
      else if (round === 5) await emulator.reshard(stream, 2);
      else if (round === 6) await emulator.settle(stream);
      else if (round % 2 === 0) await producer.flush();
    }
    await producer.close();
    await settleAll([...observed.values()]);

    const failures = [...observed].filter(([, o]) => o.error).map(([id, o]) => `${id}: ${o.error!.code} ${o.error!.message}`);
    expect(failures).toEqual([]);
    expect([...observed.values()].every((o) => o.settledCount === 1)).toBe(true);

    const contents = await readStream(emulator.client(), stream, (key) => expected.get(key)?.explicitHashKey);
    const shards = contents.shards;
    // The resharding happened: closed parents, and more open shards than the two we started with.
    const open = shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
    expect(shards.length - open.length).toBeGreaterThanOrEqual(emulatorName === 'kinesis-mock' ? 3 : 2);
    expect(open.length).toBe(emulatorName === 'kinesis-mock' ? 5 : 4);

    // Every record is there, byte for byte, and nothing else is.
    const copies = new Map<string, number>();
    for (const record of contents.kept) {
      const want = expected.get(record.partitionKey);
      expect(want, `unexpected record ${record.partitionKey}`).toBeDefined();
      expect(record.data.equals(want!.data), record.partitionKey).toBe(true);
      if (record.subSequenceNumber !== undefined) expect(record.explicitHashKey).toBe(want!.explicitHashKey);
      copies.set(record.partitionKey, (copies.get(record.partitionKey) ?? 0) + 1);
    }
    const missing = [...expected.keys()].filter((id) => !copies.has(id));
    expect(missing).toEqual([]);
    // Right shard: raw records where Kinesis routed them by hash key; aggregates only where every sub-record belongs.
    expect(contents.misrouted.map((r) => `${r.partitionKey} on ${r.shardId}`)).toEqual([]);
    // Each promise names a copy the consumer keeps: same shard, sequence number and sub-sequence number.
    const keptAt = new Set(contents.kept.map((r) => `${r.partitionKey}|${r.shardId}|${r.sequenceNumber}|${r.subSequenceNumber ?? '-'}`));
    const wrongResult = [...observed].filter(([id, o]) => !keptAt.has(`${id}|${o.result!.shardId}|${o.result!.sequenceNumber}|${o.result!.subSequenceNumber ?? '-'}`));
    expect(wrongResult.map(([id]) => id)).toEqual([]);

    // Duplicates: only a resent aggregate (WrongShard after the map went stale) can make one; no request timed out.
    const duplicates = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
    const resent = [...observed.values()].filter((o) => o.result!.attempts.some((a) => a.errorCode === 'WrongShard')).length;
    const timedOut = [...observed.values()].filter((o) => o.result!.attempts.some((a) => a.errorCode === 'RequestTimeout')).length;
    const aggregated = contents.raw.length - contents.kept.filter((r) => r.subSequenceNumber === undefined).length;
    const inAggregates = contents.kept.filter((r) => r.subSequenceNumber !== undefined).length;
    const metrics = producer.metrics();
    console.log(
      `[${emulatorName}, aggregation ${aggregation}] records ${expected.size}, Kinesis records stored ${contents.raw.length} (${aggregated} aggregated, holding ${inAggregates} records), ` +
        `kept by a KCL consumer ${contents.kept.length}, dropped aggregates ${contents.dropped.length}, duplicates ${duplicates}, ` +
        `records resent after WrongShard ${resent}, timed out ${timedOut}, PutRecords ${metrics.putRecordsCalls}, shard map refreshes ${metrics.shardMapRefreshes}, ` +
        `shards ${shards.length} (${open.length} open)`,
    );
    expect(timedOut).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(resent);
    if (aggregation) {
      expect(aggregated).toBeGreaterThan(0);
      // Records go out unaggregated while the shard map is being refreshed after a reshard.
      expect(inAggregates).toBeGreaterThan(ROUNDS * PER_ROUND * 0.1);
    } else {
      expect(aggregated).toBe(0);
      expect(duplicates).toBe(0);
      expect(contents.dropped).toHaveLength(0);
    }
  }, 120_000);
});

describe('kinesis-local package', () => {
  it('ships kinesis-mock as plain JavaScript with its certificate, and needs no install script', async () => {
    const { main, cert, version } = kinesisLocalFiles();
    expect(version).toBe('0.6.2');
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(main.replace(/main\.js$/, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; dependencies?: Record<string, string> };
    expect(manifest.scripts ?? {}).toEqual({});
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(readFileSync(cert, 'utf8').length).toBeGreaterThan(100);
  });
});
