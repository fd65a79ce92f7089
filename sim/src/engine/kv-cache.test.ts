import { describe, expect, it } from 'vitest';
import { KvCache } from './kv-cache.ts';

describe('KvCache', () => {
  it('allocates private blocks until the pool is empty', () => {
    const kv = new KvCache(10, 16);
    const t = kv.newTable();
    expect(kv.allocate(t, 8)).toBe(true);
    expect(kv.allocate(t, 3)).toBe(false);
    expect(kv.usedBlocks).toBe(8);
    kv.free(t);
    expect(kv.usedBlocks).toBe(0);
  });

  it('lets a later request claim the published prefix blocks of an earlier one', () => {
    const kv = new KvCache(10, 16);
    const a = kv.newTable();
    kv.allocate(a, 3);
    for (const h of ['h0', 'h1', 'h2']) kv.publish(a, h);
    kv.free(a);
    expect(kv.usedBlocks).toBe(0);
    expect(kv.cachedBlocks).toBe(3);
    const b = kv.newTable();
    // 48 prompt tokens: the last token is always recomputed, so only two blocks can hit.
    expect(kv.claimPrefix(b, ['h0', 'h1', 'h2'], 48)).toBe(32);
    expect(kv.claimPrefix(kv.newTable(), ['h0', 'h1', 'h2'], 49)).toBe(48);
    expect(kv.stats).toEqual({ queriedTokens: 97, hitTokens: 80 });
  });

  it('shares a cached block between holders and counts it once', () => {
    const kv = new KvCache(10, 16);
    const a = kv.newTable();
    kv.allocate(a, 1);
    kv.publish(a, 'h0');
    const b = kv.newTable();
    kv.claimPrefix(b, ['h0'], 40);
    expect(kv.usedBlocks).toBe(1);
    kv.free(a);
    expect(kv.usedBlocks).toBe(1);
    kv.free(b);
    expect(kv.usedBlocks).toBe(0);
  });

  it('evicts the least recently freed cached blocks first, never-used blocks before any', () => {
    const kv = new KvCache(4, 16);
    const a = kv.newTable();
    kv.allocate(a, 2);
    kv.publish(a, 'a0');
    kv.publish(a, 'a1');
    kv.free(a);
    const b = kv.newTable();
    kv.allocate(b, 1);
    kv.publish(b, 'b0');
    kv.free(b);
    const c = kv.newTable();
    kv.allocate(c, 1); // the one never-used block
    expect(kv.cachedBlocks).toBe(3);
    kv.allocate(c, 1); // evicts a1 (freed before a0: tails go first), then a0, then b0
    expect(kv.claimPrefix(kv.newTable(), ['a0', 'a1'], 64)).toBe(16);
  });
});
