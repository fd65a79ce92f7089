/**
 * Analysis of a candidate revision before it gets traffic: every smoke prompt must be answered by every
 * pod; then a few more requests per pod measure the error rate; TTFT p95 and TPOT p95 come from the
 * candidate's own vLLM histograms (`vllm:time_to_first_token_seconds`, `vllm:inter_token_latency_seconds`),
 * counted only over the analysis window (scrape before, scrape after). Each check has its threshold in
 * the spec; the result lands in `status.lastAnalysis`.
 */
import {
  type AnalysisCheck,
  type AnalysisResult,
  type ModelDeploymentSpec,
  VllmMetric,
} from '@switchyard/api';
import { fetch } from 'undici';
import {
  addBuckets,
  type Buckets,
  bucketCount,
  diffBuckets,
  histogramQuantile,
  parseHistogram,
} from './histogram.ts';

/** What one analysis needs. */
export interface AnalysisInput {
  revision: string;
  /** Base URLs of the candidate's ready pods, e.g. `http://10.0.0.7:8000`. */
  endpoints: string[];
  spec: ModelDeploymentSpec;
}

/** Runs the analysis of a candidate. */
export type Analyzer = (input: AnalysisInput) => Promise<AnalysisResult>;

interface Scrape {
  ttft: Buckets;
  tpot: Buckets;
}

async function scrape(endpoints: string[], model: string, timeoutMs: number): Promise<Scrape> {
  let ttft: Buckets = new Map();
  let tpot: Buckets = new Map();
  for (const url of endpoints) {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    ttft = addBuckets(ttft, parseHistogram(text, VllmMetric.timeToFirstTokenSeconds, { model_name: model }));
    tpot = addBuckets(tpot, parseHistogram(text, VllmMetric.interTokenLatencySeconds, { model_name: model }));
  }
  return { ttft, tpot };
}

async function ask(
  url: string,
  model: string,
  prompt: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: prompt }],
        max_tokens: 16,
        temperature: 0,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return `HTTP ${response.status}`;
    }
    const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
    return body.choices?.[0]?.message?.content ? undefined : 'empty answer';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Waits until `url/health` answers 200; false after `timeoutMs`. */
async function healthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      async (r) => {
        await r.body?.cancel();
        return r.ok;
      },
      () => false,
    );
    if (ok || Date.now() > deadline) return ok;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Options of {@link httpAnalyzer}; every default is written here. */
export interface HttpAnalyzerOptions {
  now?: () => Date;
  /**
   * How long to wait for each pod's /health before the checks (default 30 s). Pods listed as ready can
   * lag their engine (an endpoint list that is a moment ahead, or a simulated node that marks pods Ready
   * at once); the readiness probe says the same in a real cluster, so this costs nothing there.
   */
  healthWaitMs?: number;
}

/** The analyzer that talks to the candidate's pods over HTTP. */
export function httpAnalyzer(options: HttpAnalyzerOptions = {}): Analyzer {
  const now = options.now ?? (() => new Date());
  const healthWaitMs = options.healthWaitMs ?? 30_000;
  return async ({ revision, endpoints, spec }) => {
    const startedAt = now().toISOString();
    const a = spec.rollout.analysis;
    const timeoutMs = a.requestTimeoutSeconds * 1000;
    const checks: AnalysisCheck[] = [];
    const finish = (): AnalysisResult => {
      const failed = checks.filter((c) => !c.passed);
      return {
        revision,
        phase: failed.length ? 'Failed' : 'Passed',
        startedAt,
        finishedAt: now().toISOString(),
        checks,
        message: failed.length ? failed.map((c) => c.message).join('; ') : 'all checks passed',
      };
    };
    if (endpoints.length === 0) {
      checks.push({ name: 'smoke', passed: false, message: 'no ready pod to analyse' });
      return finish();
    }
    const unhealthy = (
      await Promise.all(endpoints.map(async (url) => ((await healthy(url, healthWaitMs)) ? [] : [url])))
    ).flat();
    if (unhealthy.length) {
      checks.push({
        name: 'smoke',
        passed: false,
        message: `not healthy within ${healthWaitMs} ms: ${unhealthy.join(', ')}`,
      });
      return finish();
    }
    const before = await scrape(endpoints, spec.model, timeoutMs).catch(() => undefined);
    const smokeFailures: string[] = [];
    let sent = 0;
    let failed = 0;
    await Promise.all(
      endpoints.map(async (url) => {
        for (let i = 0; i < Math.max(a.requestsPerPod, a.smokePrompts.length); i++) {
          const prompt = a.smokePrompts[i % a.smokePrompts.length]!;
          const problem = await ask(url, spec.model, prompt, timeoutMs);
          sent++;
          if (problem) failed++;
          if (problem && i < a.smokePrompts.length)
            smokeFailures.push(`${url} "${prompt.slice(0, 40)}": ${problem}`);
        }
      }),
    );
    checks.push({
      name: 'smoke',
      passed: smokeFailures.length === 0,
      message: smokeFailures.length
        ? `smoke prompts failed: ${smokeFailures.slice(0, 3).join(', ')}`
        : `${a.smokePrompts.length} smoke prompt(s) answered by ${endpoints.length} pod(s)`,
    });
    const errorRate = sent ? failed / sent : 1;
    checks.push({
      name: 'errorRate',
      passed: errorRate <= a.maxErrorRate,
      value: errorRate,
      threshold: a.maxErrorRate,
      message: `error rate ${errorRate.toFixed(3)} ${errorRate <= a.maxErrorRate ? '<=' : '>'} ${a.maxErrorRate} (${failed}/${sent})`,
    });
    const after = await scrape(endpoints, spec.model, timeoutMs).catch(() => undefined);
    for (const [name, key, threshold] of [
      ['ttftP95', 'ttft', a.maxTtftP95Seconds],
      ['tpotP95', 'tpot', a.maxTpotP95Seconds],
    ] as const) {
      const window = before && after ? diffBuckets(after[key], before[key]) : undefined;
      const p95 = window && bucketCount(window) > 0 ? histogramQuantile(0.95, window) : undefined;
      checks.push(
        p95 === undefined
          ? { name, passed: false, threshold, message: `${name}: no observations in the candidate's metrics` }
          : {
              name,
              passed: p95 <= threshold,
              value: p95,
              threshold,
              message: `${name} ${p95.toFixed(3)}s ${p95 <= threshold ? '<=' : '>'} ${threshold}s`,
            },
      );
    }
    return finish();
  };
}
