import { describe, expect, it } from 'vitest';
import { seededRandom } from '../pacing/random.ts';
import { promptMixWorkload, sharedPrefixWorkload } from './workload.ts';

describe('prompt mix', () => {
  it('draws short 50 %, medium 35 %, long 15 % (within 2 points over 10,000 requests)', () => {
    const next = promptMixWorkload(seededRandom(11));
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const k = next().kind;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(Math.abs((counts.short ?? 0) / 100 - 50)).toBeLessThan(2);
    expect(Math.abs((counts.medium ?? 0) / 100 - 35)).toBeLessThan(2);
    expect(Math.abs((counts.long ?? 0) / 100 - 15)).toBeLessThan(2);
  });

  it('is reproducible from its seed', () => {
    const a = promptMixWorkload(seededRandom(5));
    const b = promptMixWorkload(seededRandom(5));
    expect(a()).toEqual(b());
  });
});

describe('shared-prefix workload', () => {
  it('gives every request of a tenant the same long system prompt', () => {
    const next = sharedPrefixWorkload(seededRandom(2), { tenants: 3 });
    const byTenant = new Map<string, Set<string>>();
    for (let i = 0; i < 60; i++) {
      const item = next();
      const set = byTenant.get(item.tenant!) ?? new Set();
      set.add(item.messages[0]!.content);
      byTenant.set(item.tenant!, set);
    }
    expect(byTenant.size).toBe(3);
    for (const prompts of byTenant.values()) expect(prompts.size).toBe(1);
    expect([...byTenant.values()][0]!.values().next().value!.split(' ').length).toBeGreaterThan(1500);
  });
});
