import { describe, expect, it } from 'vitest';
import type { BucketSpec } from './token-bucket.ts';
import { msUntilFull, refillBucket, reserveTokens, settleUsage } from './token-bucket.ts';

const perMinute = (n: number, burst = n): BucketSpec => ({ capacity: burst, refillPerSecond: n / 60 });

describe('refillBucket', () => {
  it.each([
    { name: 'a missing bucket is full', state: undefined, elapsedMs: 0, want: 60 },
    {
      name: 'refills at the per-second rate',
      state: { tokens: 0, updatedAtMs: 0 },
      elapsedMs: 10_000,
      want: 10,
    },
    { name: 'never exceeds capacity', state: { tokens: 50, updatedAtMs: 0 }, elapsedMs: 60_000, want: 60 },
    {
      name: 'pays debt back before refilling',
      state: { tokens: -30, updatedAtMs: 0 },
      elapsedMs: 30_000,
      want: 0,
    },
    {
      name: 'ignores a clock that went backwards',
      state: { tokens: 5, updatedAtMs: 1000 },
      elapsedMs: 0,
      want: 5,
    },
  ])('$name', ({ state, elapsedMs, want }) => {
    expect(refillBucket(state, perMinute(60), elapsedMs).tokens).toBeCloseTo(want);
  });
});

describe('reserveTokens', () => {
  it.each([
    {
      name: 'takes from every bucket when all can pay',
      tokens: [10, 10],
      costs: [1, 5],
      allowed: true,
      retry: 0,
    },
    {
      name: 'takes nothing when one bucket is short',
      tokens: [10, 2],
      costs: [1, 5],
      allowed: false,
      retry: 3000,
    },
    { name: 'waits for the slowest bucket', tokens: [0, 0], costs: [2, 5], allowed: false, retry: 5000 },
    {
      name: 'a cost above capacity never fits',
      tokens: [60, 60],
      costs: [1, 61],
      allowed: false,
      retry: Infinity,
    },
  ])('$name', ({ tokens, costs, allowed, retry }) => {
    const charges = tokens.map((t, i) => ({
      spec: perMinute(60),
      state: { tokens: t, updatedAtMs: 0 },
      cost: costs[i]!,
    }));
    const result = reserveTokens(charges, 0);
    expect(result.allowed).toBe(allowed);
    expect(result.retryAfterMs).toBe(retry);
    const after = result.states.map((s) => s.tokens);
    expect(after).toEqual(allowed ? tokens.map((t, i) => t - costs[i]!) : tokens);
  });
});

describe('settleUsage', () => {
  it.each([
    { name: 'refunds the unused part', tokens: 10, refund: 20, want: 30 },
    { name: 'never refunds above capacity', tokens: 50, refund: 20, want: 60 },
    { name: 'charges usage above the reservation', tokens: 10, refund: -25, want: -15 },
    { name: 'bounds debt to one capacity', tokens: 0, refund: -500, want: -60 },
  ])('$name', ({ tokens, refund, want }) => {
    expect(settleUsage({ tokens, updatedAtMs: 0 }, perMinute(60), refund, 0).tokens).toBe(want);
  });
});

describe('msUntilFull', () => {
  it('is the time to refill the missing tokens', () => {
    expect(msUntilFull(0, perMinute(60))).toBe(60_000);
    expect(msUntilFull(60, perMinute(60))).toBe(0);
  });
});
