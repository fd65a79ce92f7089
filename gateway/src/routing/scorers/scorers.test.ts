import { describe, expect, it } from 'vitest';
import { endpoint, NOW_MS } from '../test-endpoints.ts';
import type { EndpointState } from '../types.ts';
import { kvCacheScorer } from './kv-cache.ts';
import { outstandingScorer } from './outstanding.ts';
import { prefixAffinityScorer } from './prefix-affinity.ts';
import { queueDepthScorer } from './queue-depth.ts';

const ctx = { nowMs: NOW_MS };
const req = { model: 'm' };

describe('outstanding scorer', () => {
  it.each([
    { name: 'fewest in flight scores 1, most scores 0', out: [0, 5, 10], want: [1, 0.5, 0] },
    { name: 'equal loads all score 1', out: [3, 3], want: [1, 1] },
    { name: 'a single endpoint scores 1', out: [7], want: [1] },
  ])('$name', ({ out, want }) => {
    const eps = out.map((o, i) => endpoint(`e${i}`, o));
    expect(outstandingScorer().score(req, eps, ctx)).toEqual(want);
  });
});

describe('queue-depth scorer', () => {
  const scorer = queueDepthScorer({ type: 'queue-depth', staleAfterMs: 2000 });
  it.each([
    {
      name: 'shortest engine queue scores highest',
      eps: [
        endpoint('a', 0, { waiting: 0 }),
        endpoint('b', 0, { waiting: 4 }),
        endpoint('c', 0, { waiting: 8 }),
      ],
      want: [1, 0.5, 0],
    },
    {
      name: 'running requests break ties between empty queues',
      eps: [endpoint('a', 0, { running: 2 }), endpoint('b', 0, { running: 1 })],
      want: [0, 1],
    },
    {
      name: 'stale samples score neutral',
      eps: [
        endpoint('a', 0, { waiting: 9, ageMs: 5000 }),
        endpoint('b', 0, { waiting: 1 }),
        endpoint('c', 0, { waiting: 3 }),
      ],
      want: [0.5, 1, 0],
    },
    { name: 'no samples at all score neutral', eps: [endpoint('a'), endpoint('b')], want: [0.5, 0.5] },
  ])('$name', ({ eps, want }) => {
    expect(scorer.score(req, eps, ctx)).toEqual(want);
  });
});

describe('kv-cache scorer', () => {
  const scorer = kvCacheScorer({ type: 'kv-cache', staleAfterMs: 2000 });
  it.each([
    { name: 'free cache is the score', eps: [endpoint('a', 0, { kvCacheUsage: 0.2 })], want: [0.8] },
    { name: 'a full cache scores 0', eps: [endpoint('a', 0, { kvCacheUsage: 1 })], want: [0] },
    {
      name: 'stale samples score neutral',
      eps: [endpoint('a', 0, { kvCacheUsage: 0.9, ageMs: 3000 })],
      want: [0.5],
    },
    { name: 'missing samples score neutral', eps: [endpoint('a')], want: [0.5] },
  ])('$name', ({ eps, want }) => {
    expect(scorer.score(req, eps, ctx)).toEqual(want);
  });
});

describe('prefix-affinity scorer', () => {
  // Ring behaviour on its own: every prefix counts as shared (gating has its own table below).
  const scorer = prefixAffinityScorer({
    type: 'prefix-affinity',
    blockChars: 16,
    blocks: 1,
    loadFactor: 1.25,
    recentMs: 0,
  });
  const fleet = (loads: number[]): EndpointState[] => loads.map((o, i) => endpoint(`pod-${i}`, o));
  const chosen = (prefixText: string, eps: EndpointState[]) => {
    const scores = scorer.score({ model: 'm', prefixText }, eps, ctx);
    return eps.filter((_, i) => scores[i] === 1).map((e) => e.id);
  };

  it.each([{ name: 'no full block: neutral everywhere', text: 'short', want: [0.5, 0.5, 0.5, 0.5] }])(
    '$name',
    ({ text, want }) => {
      expect(scorer.score({ model: 'm', prefixText: text }, fleet([0, 0, 0, 0]), ctx)).toEqual(want);
    },
  );

  it('sends prompts with the same leading block to the same endpoint', () => {
    const eps = fleet([0, 0, 0, 0]);
    const a = chosen('You are a helpful assistant. Question one', eps);
    const b = chosen('You are a helpful assistant. Another question', eps);
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
  });

  it('spreads different prefixes over the fleet', () => {
    const eps = fleet([0, 0, 0, 0]);
    const ids = new Set(
      Array.from({ length: 64 }, (_, i) => chosen(`${i} system prompt number .........`, eps)[0]),
    );
    expect(ids.size).toBe(4);
  });

  it('moves only the keys of a removed endpoint (consistent hashing)', () => {
    const full = fleet([0, 0, 0, 0]);
    const without = full.filter((e) => e.id !== 'pod-3');
    for (let i = 0; i < 64; i++) {
      const text = `${i} tenant shared system prompt ......`;
      const before = chosen(text, full)[0];
      if (before !== 'pod-3') expect(chosen(text, without)[0]).toBe(before);
    }
  });

  it('spills to the next endpoint on the ring when the home endpoint is over the load bound', () => {
    const text = 'You are a helpful assistant. Question';
    const home = chosen(text, fleet([0, 0, 0, 0]))[0]!;
    const loaded = fleet([0, 0, 0, 0]).map((e) => (e.id === home ? { ...e, outstanding: 10 } : e));
    const spill = chosen(text, loaded);
    expect(spill).toHaveLength(1);
    expect(spill[0]).not.toBe(home);
  });
});

describe('prefix-affinity scorer: only recently seen prefixes are pinned', () => {
  const SHARED = 'You are a helpful assistant. Question';
  const OTHER = 'A different system prompt entirely';
  const eps = [endpoint('pod-0'), endpoint('pod-1'), endpoint('pod-2'), endpoint('pod-3')];
  const neutral = [0.5, 0.5, 0.5, 0.5];
  const pinned = (scores: number[]) => scores.filter((s) => s === 1).length === 1 && !scores.includes(0.5);
  it.each([
    {
      name: 'a first sighting scores neutral (nothing cached anywhere yet)',
      history: [],
      text: SHARED,
      atMs: NOW_MS,
      want: 'neutral',
    },
    {
      name: 'a prefix seen before is pinned to one endpoint',
      history: [{ text: SHARED, atMs: NOW_MS - 1000 }],
      text: SHARED,
      atMs: NOW_MS,
      want: 'pinned',
    },
    {
      name: 'a prefix last seen longer ago than recentMs scores neutral again',
      history: [{ text: SHARED, atMs: NOW_MS - 20_000 }],
      text: SHARED,
      atMs: NOW_MS,
      want: 'neutral',
    },
    {
      name: 'another prefix does not count as a sighting',
      history: [{ text: OTHER, atMs: NOW_MS - 1000 }],
      text: SHARED,
      atMs: NOW_MS,
      want: 'neutral',
    },
    {
      name: 'a prefix pushed out by maxTrackedPrefixes newer ones is forgotten',
      history: [
        { text: SHARED, atMs: NOW_MS - 3000 },
        { text: `1 ${OTHER}`, atMs: NOW_MS - 2000 },
        { text: `2 ${OTHER}`, atMs: NOW_MS - 1000 },
      ],
      text: SHARED,
      atMs: NOW_MS,
      want: 'neutral',
    },
    {
      name: 'a sighting refreshes a prefix, so a steady stream stays pinned',
      history: [
        { text: SHARED, atMs: NOW_MS - 3000 },
        { text: `1 ${OTHER}`, atMs: NOW_MS - 2500 },
        { text: SHARED, atMs: NOW_MS - 2000 },
        { text: `2 ${OTHER}`, atMs: NOW_MS - 1000 },
      ],
      text: SHARED,
      atMs: NOW_MS,
      want: 'pinned',
    },
  ])('$name', ({ history, text, atMs, want }) => {
    const scorer = prefixAffinityScorer({
      type: 'prefix-affinity',
      blockChars: 16,
      recentMs: 10_000,
      maxTrackedPrefixes: 2,
    });
    for (const h of history) scorer.score({ model: 'm', prefixText: h.text }, eps, { nowMs: h.atMs });
    const scores = scorer.score({ model: 'm', prefixText: text }, eps, { nowMs: atMs });
    if (want === 'neutral') expect(scores).toEqual(neutral);
    else expect(pinned(scores)).toBe(true);
  });

  it('pins a repeated prefix to the same endpoint every time', () => {
    const scorer = prefixAffinityScorer({ type: 'prefix-affinity', blockChars: 16 });
    scorer.score({ model: 'm', prefixText: SHARED }, eps, ctx);
    const first = scorer.score({ model: 'm', prefixText: SHARED }, eps, ctx);
    const second = scorer.score({ model: 'm', prefixText: `${SHARED} two` }, eps, ctx);
    expect(second).toEqual(first);
  });
});
