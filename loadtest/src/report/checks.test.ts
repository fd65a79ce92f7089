import { describe, expect, it } from 'vitest';
import { allPassed, type CheckInputs, DEFAULT_TARGETS, evaluateChecks } from './checks.ts';

const healthy: CheckInputs = {
  ttft: { p50: 40, p95: 120, p99: 300 },
  tpot: { mean: 8, p95: 12 },
  tokensPerSecond: 1500,
  requestsPerSecond: 6,
  errorRatePercent: 0,
};

const verdict = (inputs: CheckInputs, metric: string) =>
  evaluateChecks(inputs).find((c) => c.metric === metric)?.pass;

describe('evaluateChecks', () => {
  it('lists the template rows in order', () => {
    expect(evaluateChecks(healthy).map((c) => c.metric)).toEqual([
      'TTFT P50',
      'TTFT P95',
      'TTFT P99',
      'TPOT average',
      'TPOT P95',
      'Throughput (output tokens)',
      'Throughput (requests)',
      'Error rate',
    ]);
  });

  it.each([
    ['TTFT P95', { ...healthy, ttft: { ...healthy.ttft, p95: 499.9 } }, true],
    ['TTFT P95', { ...healthy, ttft: { ...healthy.ttft, p95: 500 } }, false],
    ['TPOT P95', { ...healthy, tpot: { mean: 50, p95: 99 } }, true],
    ['TPOT P95', { ...healthy, tpot: { mean: 50, p95: 140 } }, false],
    ['Error rate', { ...healthy, errorRatePercent: 0.09 }, true],
    ['Error rate', { ...healthy, errorRatePercent: 0.1 }, false],
  ])('judges %s against its target (%#)', (metric, inputs, pass) => {
    expect(verdict(inputs, metric)).toBe(pass);
  });

  it('gives rows without a target no verdict', () => {
    for (const metric of ['TTFT P50', 'TTFT P99', 'TPOT average', 'Throughput (output tokens)'])
      expect(evaluateChecks(healthy).find((c) => c.metric === metric)).not.toHaveProperty('pass');
  });

  it('applies the request-rate target only when the load offers at least that rate', () => {
    expect(verdict(healthy, 'Throughput (requests)')).toBeUndefined();
    expect(verdict({ ...healthy, offeredRequestsPerSecond: 20 }, 'Throughput (requests)')).toBeUndefined();
    expect(
      verdict({ ...healthy, offeredRequestsPerSecond: 150, requestsPerSecond: 90 }, 'Throughput (requests)'),
    ).toBe(false);
    expect(
      verdict({ ...healthy, offeredRequestsPerSecond: 150, requestsPerSecond: 140 }, 'Throughput (requests)'),
    ).toBe(true);
  });

  it('takes other targets', () => {
    const strict = { ...DEFAULT_TARGETS, ttftP95Ms: 100 };
    expect(evaluateChecks(healthy, strict).find((c) => c.metric === 'TTFT P95')?.pass).toBe(false);
  });

  it('passes a run only when every judged row passes', () => {
    expect(allPassed(evaluateChecks(healthy))).toBe(true);
    expect(allPassed(evaluateChecks({ ...healthy, errorRatePercent: 5 }))).toBe(false);
  });
});
