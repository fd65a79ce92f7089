// Quantiles from vLLM histograms the way PromQL computes them, over the analysis window only.
import { describe, expect, it } from 'vitest';
import { addBuckets, diffBuckets, histogramQuantile, parseHistogram } from './histogram.ts';

const scrape = (counts: [string, number][], model = 'm') =>
  counts
    .map(
      ([le, n]) =>
        `vllm:time_to_first_token_seconds_bucket{engine="0",le="${le}",model_name="${model}"} ${n}`,
    )
    .join('\n');

describe('histograms', () => {
  it('interpolates the p95 inside its bucket', () => {
    const buckets = parseHistogram(
      scrape([
        ['0.1', 50],
        ['0.2', 90],
        ['0.4', 100],
        ['+Inf', 100],
      ]),
      'vllm:time_to_first_token_seconds',
    );
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.3, 6);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1, 6);
  });

  it('reads only the series of the model asked for, summing pods', () => {
    const text = `${scrape([
      ['0.1', 2],
      ['+Inf', 2],
    ])}\n${scrape(
      [
        ['0.1', 7],
        ['+Inf', 9],
      ],
      'other',
    )}`;
    const one = parseHistogram(text, 'vllm:time_to_first_token_seconds', { model_name: 'm' });
    expect(addBuckets(one, one).get(Number.POSITIVE_INFINITY)).toBe(4);
  });

  it('counts only what happened between two scrapes', () => {
    const before = parseHistogram(
      scrape([
        ['0.1', 100],
        ['1', 100],
        ['+Inf', 100],
      ]),
      'vllm:time_to_first_token_seconds',
    );
    const after = parseHistogram(
      scrape([
        ['0.1', 100],
        ['1', 110],
        ['+Inf', 110],
      ]),
      'vllm:time_to_first_token_seconds',
    );
    expect(histogramQuantile(0.95, diffBuckets(after, before))).toBeGreaterThan(0.1);
    expect(histogramQuantile(0.95, before)).toBeLessThanOrEqual(0.1);
  });

  it('has no quantile without observations', () => {
    expect(histogramQuantile(0.95, new Map())).toBeUndefined();
  });
});
