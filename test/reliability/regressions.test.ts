import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Linter, type ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { ShardMap } from '../../src/producer/shard-map.js';

/** Bugs the fuzzer and the soak found, each reduced to its smallest form. */
describe('no-sleep-polling suggestions', () => {
  it('keep an `if … else` around a replaced loop intact (dangling else)', () => {
    const code = `import { once } from 'node:events';
let listening = false, flag = true;
const server = makeServer();
server.on('listening', () => { listening = true; });
export async function start() {
  if (flag) while (!listening) await new Promise((r) => setTimeout(r, 25));
  else other();
}
`;
    const linter = new Linter({ configType: 'flat' });
    const [message] = linter.verify(code, [{ plugins: { sleepless: plugin as unknown as ESLint.Plugin }, rules: { 'sleepless/no-sleep-polling': 'error' } }], { filename: 'x.js' });
    const fix = message!.suggestions![0]!.fix;
    const output = code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
    expect(output).toContain("  if (flag) { if (!listening) await once(server, 'listening'); }\n  else other();");
  });
});

describe('shard map', () => {
  it('schedules the next ListShards after a failure on the monotonic clock, not the wall clock', async () => {
    let calls = 0;
    const client = {
      send: async () => {
        calls++;
        throw Object.assign(new Error('refused'), { name: 'AccessDeniedException' });
      },
    } as unknown as KinesisClient;
    let changed = 0;
    const map = new ShardMap('s', client, { minDelay: 10, maxDelay: 100, requestTimeout: 1000 }, () => changed++, performance.now());
    map.refreshIfDue(performance.now());
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toBe(1);
    expect(changed).toBe(1);
    // Was Date.now() + delay: ~56 years ahead on performance.now()'s clock, so the map never refreshed again.
    expect(map.dueAt).toBeGreaterThan(performance.now());
    expect(map.dueAt! - performance.now()).toBeLessThanOrEqual(10);
  });
});
