import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashKeyHex, hashKeyWords } from '../../src/producer/record.js';

// The producer routes a record by the MD5 of its partition key, computed in JavaScript for short ASCII keys (one MD5
// block) and through OpenSSL otherwise. Both must equal Node's own MD5, byte for byte, or records land on the wrong
// shard (and aggregated records are rejected by the consumer's check).

function expected(partitionKey: string): number[] {
  const digest = createHash('md5').update(partitionKey, 'utf8').digest();
  return [0, 4, 8, 12].map((at) => digest.readUInt32BE(at));
}

function words(partitionKey: string, explicitHashKey?: string): number[] {
  const out = new Uint32Array(4);
  hashKeyWords(partitionKey, explicitHashKey, out);
  return [...out];
}

describe('hashKeyWords', () => {
  it('equals MD5 for ASCII keys of every length up to one block and beyond (0–70 characters)', () => {
    for (let length = 0; length <= 70; length++) {
      for (const fill of ['a', 'Z', '~', '0', ' ', '\u007f']) {
        const key = fill.repeat(length);
        expect(words(key), `length ${length}, '${fill}'`).toEqual(expected(key));
      }
    }
  });

  it('equals MD5 for random ASCII keys', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const length = 1 + (next() % 60);
      let key = '';
      for (let j = 0; j < length; j++) key += String.fromCharCode(32 + (next() % 95));
      expect(words(key)).toEqual(expected(key));
    }
  });

  it('equals MD5 of the UTF-8 bytes for keys with non-ASCII characters', () => {
    for (const key of ['é', 'clé-42', '日本語のキー', '🙂 emoji', `${'x'.repeat(50)}ü`]) expect(words(key)).toEqual(expected(key));
  });

  it('takes an explicit hash key as the 128-bit number it names', () => {
    expect(words('ignored', '0')).toEqual([0, 0, 0, 0]);
    expect(words('ignored', (2n ** 128n - 1n).toString())).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect(words('ignored', (2n ** 96n + 5n).toString())).toEqual([1, 0, 0, 5]);
  });

  it('agrees with hashKeyHex', () => {
    for (const key of ['a', 'user-1', 'x'.repeat(55), 'x'.repeat(56)]) {
      expect(words(key).map((w) => w.toString(16).padStart(8, '0')).join('')).toBe(hashKeyHex(key, undefined));
    }
  });
});
