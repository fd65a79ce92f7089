import { describe, expect, it } from 'vitest';
import type { RequestResult } from '../client/stream-request.ts';
import { RunCollector } from '../run/collector.ts';
import type { LoadRun } from '../run/run-load.ts';
import { resolveScenario } from '../run/scenarios.ts';
import { buildLoadReport } from './load-report.ts';
import { renderMarkdown } from './markdown.ts';

function result(over: Partial<RequestResult>): RequestResult {
  return {
    kind: 'short',
    startMs: 0,
    status: 200,
    ok: true,
    cancelled: false,
    ttftMs: 100,
    tpotMs: 10,
    e2eMs: 1000,
    promptTokens: 50,
    completionTokens: 91,
    ...over,
  };
}

function run(results: RequestResult[]): LoadRun {
  const collector = new RunCollector(1000);
  results.forEach((r, i) => {
    collector.add(r, 1000 + i * 10);
  });
  return {
    scenario: resolveScenario('baseline', { durationSeconds: 10 }),
    model: 'm',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    endedAt: new Date('2026-01-01T00:00:10Z'),
    elapsedMs: 10_000,
    interrupted: false,
    started: results.length,
    skipped: 0,
    collector,
  };
}

describe('load report', () => {
  const healthy = Array.from({ length: 100 }, (_, i) => result({ ttftMs: i + 1 }));

  it('reports counts, percentiles, tokens and throughput', () => {
    const report = buildLoadReport(run(healthy), 'http://x/v1');
    expect(report.requests).toMatchObject({
      completed: 100,
      ok: 100,
      errors: 0,
      cancelled: 0,
      errorRatePercent: 0,
    });
    expect(report.ttftMs.p50).toBeCloseTo(50, 0);
    expect(report.ttftMs.p95).toBeCloseTo(95, 0);
    expect(report.tokens).toEqual({ prompt: 5000, completion: 9100 });
    // Throughput over the start → last completion (1,990 ms).
    expect(report.throughput.tokensPerSecond).toBeCloseTo(9100 / 1.99, 0);
    expect(report.throughput.requestsPerSecond).toBeCloseTo(100 / 1.99, 1);
    expect(report.passed).toBe(true);
  });

  it('counts errors in the error rate and cancelled requests nowhere', () => {
    const report = buildLoadReport(
      run([
        ...healthy,
        result({ ok: false, status: 503, error: 'no_ready_endpoints' }),
        result({ cancelled: true, ok: false }),
      ]),
      'http://x/v1',
    );
    expect(report.requests).toMatchObject({ completed: 101, errors: 1, cancelled: 1 });
    expect(report.requests.errorRatePercent).toBeCloseTo(100 / 101, 3);
    expect(report.requests.errorReasons).toEqual({ '503 no_ready_endpoints': 1 });
    expect(report.passed).toBe(false);
  });

  it('renders the template table with ✅, ❌ and — for rows without a target', () => {
    const slow = healthy.map((r) => ({ ...r, ttftMs: 800 }));
    const md = renderMarkdown(buildLoadReport(run(slow), 'http://x/v1'));
    expect(md).toContain('| Metric | Value | Target | Status |');
    expect(md).toMatch(/\| TTFT P95 \| 80\d ms \| < 500 ms \| ❌ \|/);
    expect(md).toMatch(/\| TPOT P95 \| 10 ms \| < 100 ms \| ✅ \|/);
    expect(md).toMatch(/\| TTFT P50 \| 80\d ms \| — \| — \|/);
    expect(md).toContain('| Error rate | 0.00 % | < 0.10 % | ✅ |');
    expect(md).toContain('❌ some targets missed');
  });

  it('keeps a timeline with the TTFT p95 of each interval', () => {
    const report = buildLoadReport(run(healthy), 'http://x/v1');
    expect(report.timeline.length).toBeGreaterThan(0);
    expect(report.timeline.some((p) => p.ttftP95Ms !== undefined)).toBe(true);
  });
});
