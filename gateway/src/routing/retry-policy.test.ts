import { describe, expect, it } from 'vitest';
import { createOutlierDetector } from './outlier-detector.ts';
import { isConnectError, NoEndpointError, type RetryOptions, RetryPlan } from './retry-policy.ts';
import { endpoint } from './test-endpoints.ts';
import type { Pick } from './types.ts';

const connectError = () => Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
type Outcome = number | 'connect' | 'reset-mid-stream';

/** How an attempt went: a response status, or an error thrown before any response. */
type Attempted = number | Error;

/**
 * Drives a plan the way the proxy's handler does: send to the pick, report the outcome, send to what the plan
 * returns. Returns the status kept and the attempts started; throws what the plan throws.
 */
function drive(options: RetryOptions, send: (pick: Pick) => Attempted, discarded: string[] = []) {
  const plan = new RetryPlan(options);
  let pick = plan.first();
  for (;;) {
    const outcome = send(pick);
    if (outcome instanceof Error) {
      pick = plan.afterError(pick, outcome);
      continue;
    }
    const next = plan.afterResponse(pick, outcome);
    if (!next) return { status: outcome, attempts: plan.attempts };
    discarded.push(pick.endpoint.id);
    pick = next;
  }
}

/** Endpoints a, b, c answer with the scripted outcome of their first attempt. */
function run(script: Partial<Record<string, Outcome>>, maxAttempts = 3) {
  const eps = ['a', 'b', 'c'].map((id) => endpoint(id));
  const tried: string[] = [];
  const discarded: string[] = [];
  const pick = (exclude: ReadonlySet<string>): Pick | undefined => {
    const e = eps.find((x) => !exclude.has(x.id));
    return e && { endpoint: e, scores: {} };
  };
  const outcome = () =>
    drive(
      { maxAttempts, pick },
      (p) => {
        tried.push(p.endpoint.id);
        const scripted = script[p.endpoint.id] ?? 200;
        if (scripted === 'connect') return connectError();
        if (scripted === 'reset-mid-stream')
          return Object.assign(new Error('other side closed'), { code: 'UND_ERR_ABORTED' });
        return scripted;
      },
      discarded,
    );
  return { outcome, tried, discarded };
}

describe('RetryPlan', () => {
  it.each([
    { name: 'succeeds first time without retrying', script: {}, tried: ['a'], status: 200 },
    {
      name: 'retries a connect error on another endpoint',
      script: { a: 'connect' as const },
      tried: ['a', 'b'],
      status: 200,
    },
    { name: 'retries a 503 on another endpoint', script: { a: 503 }, tried: ['a', 'b'], status: 200 },
    { name: 'does not retry other statuses', script: { a: 500 }, tried: ['a'], status: 500 },
    { name: 'does not retry 429', script: { a: 429 }, tried: ['a'], status: 429 },
    {
      name: 'returns the last 503 when attempts run out',
      script: { a: 503, b: 503, c: 503 },
      tried: ['a', 'b', 'c'],
      status: 503,
    },
  ])('$name', ({ script, tried, status }) => {
    const r = run(script);
    expect(r.outcome().status).toBe(status);
    expect(r.tried).toEqual(tried);
  });

  it('counts the attempts it started', () => {
    expect(run({ a: 503, b: 'connect' }).outcome().attempts).toBe(3);
  });

  it('hands back the 503 it retries, for the caller to discard', () => {
    const r = run({ a: 503 });
    r.outcome();
    expect(r.discarded).toEqual(['a']);
  });

  it('never retries an error that is not a connect error (bytes may have reached the engine)', () => {
    const r = run({ a: 'reset-mid-stream' });
    expect(() => r.outcome()).toThrow('other side closed');
    expect(r.tried).toEqual(['a']);
  });

  it('throws the connect error when every endpoint refused', () => {
    const r = run({ a: 'connect', b: 'connect', c: 'connect' }, 5);
    expect(() => r.outcome()).toThrow('fetch failed');
    expect(r.tried).toEqual(['a', 'b', 'c']);
  });

  it('stops at maxAttempts even with endpoints left', () => {
    const r = run({ a: 'connect', b: 'connect' }, 2);
    expect(() => r.outcome()).toThrow('fetch failed');
    expect(r.tried).toEqual(['a', 'b']);
  });

  it('throws NoEndpointError when nothing can be picked', () => {
    expect(() => drive({ maxAttempts: 3, pick: () => undefined }, () => 200)).toThrow(NoEndpointError);
  });

  it('feeds failures and successes to the outlier detector', () => {
    const outliers = createOutlierDetector({
      consecutiveFailures: 1,
      baseEjectionMs: 60_000,
      maxEjectionMs: 60_000,
    });
    const eps = [endpoint('a'), endpoint('b')];
    drive(
      {
        maxAttempts: 2,
        pick: (exclude) => {
          const e = outliers.apply(eps).find((x) => x.ready && !exclude.has(x.id));
          return e && { endpoint: e, scores: {} };
        },
        outliers,
      },
      (p) => (p.endpoint.id === 'a' ? connectError() : 200),
    );
    expect(outliers.state('a')).toBe('ejected');
    expect(outliers.state('b')).toBe('healthy');
  });
});

describe('isConnectError', () => {
  it.each([
    { name: 'undici fetch failed with a refused cause', error: connectError(), want: true },
    { name: 'a connect timeout', error: { code: 'UND_ERR_CONNECT_TIMEOUT' }, want: true },
    { name: 'a body timeout', error: { code: 'UND_ERR_BODY_TIMEOUT' }, want: false },
    { name: 'an abort', error: new DOMException('aborted', 'AbortError'), want: false },
  ])('$name → $want', ({ error, want }) => {
    expect(isConnectError(error)).toBe(want);
  });
});
