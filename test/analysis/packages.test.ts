import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOT_POLLING_PACKAGES, POLLING_PACKAGES } from '../../src/analysis/dependence/packages.js';
import { POLLISH_NAME } from '../../src/analysis/shapes/helper-call.js';

describe('POLLING_PACKAGES', () => {
  it.each([...POLLING_PACKAGES])('%s: every call can be read (predicate, interval, exports)', (_name, pkg) => {
    expect(pkg.exports.size).toBeGreaterThan(0);
    expect(Number.isInteger(pkg.predicateIndex) && pkg.predicateIndex >= 0).toBe(true);
    // The interval is somewhere: an option, a position, or the default.
    expect(pkg.intervalKeys.length > 0 || pkg.positional !== undefined).toBe(true);
    if (pkg.positional !== undefined) expect(pkg.positional).not.toBe(pkg.predicateIndex);
    expect(Number.isFinite(pkg.defaultMs) && pkg.defaultMs >= 0).toBe(true);
    // A default of 0 would mean "spins"; only a required interval argument (first, before the predicate) has it.
    if (pkg.defaultMs === 0) expect(pkg.positional).toBeLessThan(pkg.predicateIndex);
    if (pkg.member !== undefined) expect(pkg.exports.has('default')).toBe(false);
  });

  it('every export is `default` or named for polling (method calls with any other name are ruled out before the candidates)', () => {
    for (const pkg of POLLING_PACKAGES.values()) {
      for (const name of pkg.exports) expect(name === 'default' || POLLISH_NAME.test(name)).toBe(true);
    }
  });

  it('no package is both in the table and left out', () => {
    for (const name of NOT_POLLING_PACKAGES.keys()) expect(POLLING_PACKAGES.has(name)).toBe(false);
  });
});

describe('vitest: the entry matches the installed implementation', () => {
  const entry = POLLING_PACKAGES.get('vitest')!;
  afterEach(() => {
    vi.useRealTimers();
  });

  // With fake timers, vi.waitFor/vi.waitUntil advance the clock by their interval before each check:
  // the steps the predicate sees are the default interval.
  it.each(['waitUntil', 'waitFor'] as const)('vi.%s checks once per default interval', async (method) => {
    expect(entry.exports.has(method)).toBe(true);
    vi.useFakeTimers({ now: 0 });
    const seen: number[] = [];
    await vi[method](() => {
      seen.push(Date.now());
      if (seen.length < 3) {
        if (method === 'waitFor') throw new Error('not yet');
        return false;
      }
      return true;
    });
    const steps = seen.slice(1).map((t, i) => t - seen[i]!);
    expect(steps).toEqual([entry.defaultMs, entry.defaultMs]);
    expect(entry.defaultMs).toBe(50);
  });

  it('an interval option is the key the table names', async () => {
    vi.useFakeTimers({ now: 0 });
    const seen: number[] = [];
    await vi.waitUntil(() => seen.push(Date.now()) >= 2, { [entry.intervalKeys[0]!]: 7 });
    expect(seen).toEqual([7, 14]);
  });

  it('a promise the predicate returns is awaited (awaitsPredicate)', async () => {
    expect(entry.awaitsPredicate).toBe(true);
    await expect(vi.waitUntil(() => Promise.resolve('done'))).resolves.toBe('done');
  });
});
