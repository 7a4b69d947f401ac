import { ListShardsCommand, type KinesisClient, type ListShardsCommandOutput } from '@aws-sdk/client-kinesis';

export interface ShardRange {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
  /** The same bounds as four unsigned 32-bit words, most significant first, for hashKeyWords(). */
  startingWords: Uint32Array;
  endingWords: Uint32Array;
}

export interface ShardMapOptions {
  minDelay: number;
  maxDelay: number;
  requestTimeout: number;
}

/**
 * Open shards of one stream and their hash-key ranges, from ListShards.
 * Closed shards (those with an EndingSequenceNumber) are dropped here, since kinesalite ignores ShardFilter.
 * The map never sets a timer: it reports when its next refresh is due (`dueAt`) and the producer's single timer
 * calls `refreshIfDue`. Refreshes back off from minDelay, ×1.5 per failure, to maxDelay (KPL: 1 s → 30 s).
 */
export class ShardMap {
  private shards: ShardRange[] = [];
  private loading = false;
  private delay: number;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  /** When the next refresh should start; undefined when none is wanted. */
  dueAt: number | undefined;
  /** Bumped on every successful refresh and on invalidation. */
  version = 0;
  refreshes = 0;
  lastError: string | undefined;

  constructor(
    private readonly streamName: string,
    private readonly client: KinesisClient,
    private readonly options: ShardMapOptions,
    private readonly onChange: () => void,
    now: number,
  ) {
    this.delay = options.minDelay;
    this.dueAt = now;
  }

  get ready(): boolean {
    return this.shards.length > 0;
  }

  get openShards(): readonly ShardRange[] {
    return this.shards;
  }

  /** Waiting for a first answer (or for one after an invalidation), with no failure yet: worth waiting for. */
  get pending(): boolean {
    return this.shards.length === 0 && this.lastError === undefined;
  }

  /** The open shard whose range holds the hash key `words` (see record.ts hashKeyWords), or undefined. */
  predictWords(words: Uint32Array): string | undefined {
    let low = 0;
    let high = this.shards.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const shard = this.shards[middle]!;
      if (compareWords(words, shard.startingWords) < 0) high = middle - 1;
      else if (compareWords(words, shard.endingWords) > 0) low = middle + 1;
      else return shard.shardId;
    }
    return undefined;
  }

  /** A record landed on a shard the map did not predict: forget the map and refresh it (rate-limited). */
  invalidate(now: number): void {
    if (!this.ready && this.dueAt !== undefined) return;
    this.shards = [];
    this.version++;
    if (!this.loading) this.dueAt = Math.max(now, this.lastStartedAt + this.delay);
    this.onChange();
  }

  refreshIfDue(now: number): void {
    if (this.loading || this.dueAt === undefined || this.dueAt > now) return;
    this.loading = true;
    this.dueAt = undefined;
    this.lastStartedAt = now;
    this.load().then(
      (shards) => {
        this.loading = false;
        this.shards = shards;
        this.version++;
        this.refreshes++;
        this.delay = this.options.minDelay;
        this.lastError = undefined;
        this.onChange();
      },
      (error: unknown) => {
        this.loading = false;
        this.lastError = error instanceof Error ? error.name : 'Error';
        this.dueAt = performance.now() + this.delay;
        this.delay = Math.min(this.options.maxDelay, Math.max(1, this.delay) * 1.5);
        this.onChange();
      },
    );
  }

  private async load(): Promise<ShardRange[]> {
    const shards: ShardRange[] = [];
    let nextToken: string | undefined;
    do {
      const output: ListShardsCommandOutput = await this.client.send(
        new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: this.streamName, ShardFilter: { Type: 'AT_LATEST' } }),
        { abortSignal: AbortSignal.timeout(this.options.requestTimeout) },
      );
      for (const shard of output.Shards ?? []) {
        if (shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
        const range = shard.HashKeyRange;
        if (!shard.ShardId || !range?.StartingHashKey || !range.EndingHashKey) continue;
        const startingHashKey = BigInt(range.StartingHashKey);
        const endingHashKey = BigInt(range.EndingHashKey);
        shards.push({ shardId: shard.ShardId, startingHashKey, endingHashKey, startingWords: words(startingHashKey), endingWords: words(endingHashKey) });
      }
      nextToken = output.NextToken;
    } while (nextToken);
    shards.sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : a.startingHashKey > b.startingHashKey ? 1 : 0));
    if (shards.length === 0) throw new Error('ListShards returned no open shard');
    return shards;
  }
}

function words(value: bigint): Uint32Array {
  const out = new Uint32Array(4);
  for (let word = 3; word >= 0; word--) {
    out[word] = Number(value & 0xffffffffn);
    value >>= 32n;
  }
  return out;
}

/** Compares two 128-bit numbers given as four unsigned 32-bit words, most significant first. */
function compareWords(a: Uint32Array, b: Uint32Array): number {
  for (let word = 0; word < 4; word++) {
    const difference = a[word]! - b[word]!;
    if (difference !== 0) return difference;
  }
  return 0;
}
