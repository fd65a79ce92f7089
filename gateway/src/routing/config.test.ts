import { describe, expect, it } from 'vitest';
import { loadRoutingConfig } from './config.ts';

describe('loadRoutingConfig', () => {
  it('defaults to a load- and cache-aware profile', () => {
    const config = loadRoutingConfig(undefined);
    expect(config.defaultProfile).toBe('default');
    expect(config.profiles[0]?.scorers.map((s) => s.type)).toEqual([
      'outstanding',
      'queue-depth',
      'kv-cache',
      'prefix-affinity',
    ]);
    expect(config.scrape).toEqual({ intervalMs: 1000, timeoutMs: 500 });
    expect(config.retries.maxAttempts).toBe(3);
  });

  it('fills plugin defaults', () => {
    const config = loadRoutingConfig({ profiles: [{ name: 'default', scorers: [{ type: 'kv-cache' }] }] });
    expect(config.profiles[0]?.scorers[0]).toEqual({ type: 'kv-cache', weight: 1, staleAfterMs: 3000 });
  });

  it.each([
    {
      name: 'a negative weight',
      raw: {
        profiles: [{ name: 'default', scorers: [{ type: 'outstanding' }, { type: 'kv-cache', weight: -1 }] }],
      },
      path: 'routing.profiles[0].scorers[1].weight',
    },
    {
      name: 'an unknown scorer type',
      raw: { profiles: [{ name: 'default', scorers: [{ type: 'vibes' }] }] },
      path: 'routing.profiles[0].scorers[0].type',
    },
    {
      name: 'a model mapped to a missing profile',
      raw: { models: { llama: 'fast' } },
      path: 'routing.models.llama',
    },
    { name: 'a missing default profile', raw: { defaultProfile: 'nope' }, path: 'routing.defaultProfile' },
    {
      name: 'a duplicate profile name',
      raw: { profiles: [{ name: 'default' }, { name: 'default' }] },
      path: 'routing.profiles[1].name',
    },
    {
      name: 'a bad filter option',
      raw: { profiles: [{ name: 'default', filters: [{ type: 'under-capacity', maxConcurrency: 0 }] }] },
      path: 'routing.profiles[0].filters[0].maxConcurrency',
    },
  ])('names the path of $name', ({ raw, path }) => {
    expect(() => loadRoutingConfig(raw)).toThrow(path);
  });
});
