/**
 * Runs one scenario against an OpenAI-compatible base URL: paces requests (closed or open loop), sends
 * each through the SDK, collects results, samples the system, reports progress. The run stops on its own
 * at its duration (plus a grace for in-flight requests) or its request budget, or early when `signal`
 * aborts (Ctrl-C); either way it resolves with what was measured.
 */

import type OpenAI from 'openai';
import { sendStreamingRequest } from '../client/stream-request.ts';
import { type Clock, realClock } from '../pacing/clock.ts';
import { runClosedLoop } from '../pacing/closed-loop.ts';
import { runOpenLoop } from '../pacing/open-loop.ts';
import { seededRandom } from '../pacing/random.ts';
import { runStagedLoop } from '../pacing/staged-loop.ts';
import { promptMixWorkload, sharedPrefixWorkload, type WorkItem } from '../workload/workload.ts';
import { RunCollector } from './collector.ts';
import type { Sampler } from './sampler.ts';
import type { Scenario } from './scenarios.ts';

/** Pause after a network error before the same user sends again. */
const NETWORK_ERROR_PAUSE_MS = 100;

/** Live figures for the progress line. */
export interface Progress {
  elapsedMs: number;
  durationMs: number;
  started: number;
  completed: number;
  errors: number;
  inFlight: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
  completionTokens: number;
}

/** Options of {@link runLoad}. */
export interface RunLoadOptions {
  client: OpenAI;
  model: string;
  scenario: Scenario;
  /** Hard bound on requests started. Default 100,000. */
  maxRequests?: number;
  /** After the duration, in-flight requests get this long to finish before they are cancelled. Default 30 s. */
  graceMs?: number;
  /** Timeline interval. Default 1 s. */
  intervalMs?: number;
  seed?: number;
  sampler?: Sampler;
  onProgress?: (p: Progress) => void;
  /** Aborting ends the run now (in-flight requests are cancelled); the result is still returned. */
  signal?: AbortSignal;
  clock?: Clock;
}

/** What a run measured. */
export interface LoadRun {
  scenario: Scenario;
  model: string;
  startedAt: Date;
  endedAt: Date;
  elapsedMs: number;
  interrupted: boolean;
  started: number;
  skipped: number;
  collector: RunCollector;
}

/** Runs `scenario`; see the module comment. */
export async function runLoad(options: RunLoadOptions): Promise<LoadRun> {
  const { scenario, client, model } = options;
  const clock = options.clock ?? realClock;
  const collector = new RunCollector(options.intervalMs ?? 1000);
  const random = seededRandom(options.seed ?? 1);
  const nextItem: () => WorkItem =
    scenario.workload === 'shared-prefix' ? sharedPrefixWorkload(random) : promptMixWorkload(random);
  const stop = new AbortController(); // stops pacing
  const cancel = new AbortController(); // cancels in-flight requests
  const onAbort = () => {
    stop.abort();
    cancel.abort();
  };
  // The state before the first request (a scale-from-zero run starts at zero replicas).
  if (options.sampler) collector.sample(0, await options.sampler().catch(() => ({})));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const startedAt = new Date();
  const start = clock.now();
  const elapsed = () => clock.now() - start;
  let inFlight = 0;
  let started = 0;

  const send = async () => {
    inFlight++;
    started++;
    const result = await sendStreamingRequest(client, model, nextItem(), {
      signal: cancel.signal,
      runStart: start,
      now: () => clock.now(),
    });
    inFlight--;
    collector.add(result, elapsed());
    // A refused connection fails in microseconds: without a pause a closed-loop user would spin on it.
    if (result.status === 0 && !result.cancelled) await clock.sleep(NETWORK_ERROR_PAUSE_MS, stop.signal);
  };

  const graceMs = options.graceMs ?? 30_000;
  const hardStop = setTimeout(onAbort, scenario.durationMs + graceMs);
  const ticker = setInterval(() => {
    const t = elapsed();
    const recent = collector.recentTtft(t);
    options.onProgress?.({
      elapsedMs: t,
      durationMs: scenario.durationMs,
      started,
      completed: collector.completed,
      errors: collector.errors,
      inFlight,
      ttftP50Ms: recent.p50,
      ttftP95Ms: recent.p95,
      completionTokens: collector.completionTokens,
    });
    collector.sample(t, { inFlight });
    options.sampler?.().then(
      (s) => collector.sample(t, s),
      () => {}, // a missed sample is a gap in the chart
    );
  }, collector.intervalMs);

  const common = {
    durationMs: scenario.durationMs,
    maxRequests: options.maxRequests ?? 100_000,
    clock,
    signal: stop.signal,
  };
  let skipped = 0;
  try {
    const p = scenario.pattern;
    if (p.type === 'closed') {
      await runClosedLoop({ ...common, users: p.users, spawnRatePerSecond: p.spawnRatePerSecond }, send);
    } else if (p.type === 'staged') {
      await runStagedLoop({ ...common, stages: p.stages, spawnRatePerSecond: p.spawnRatePerSecond }, send);
    } else {
      const stats = await runOpenLoop(
        { ...common, ratePerSecond: p.ratePerSecond, maxInFlight: p.maxInFlight, random },
        send,
      );
      skipped = stats.skipped;
    }
  } finally {
    clearTimeout(hardStop);
    clearInterval(ticker);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return {
    scenario,
    model,
    startedAt,
    endedAt: new Date(),
    elapsedMs: elapsed(),
    interrupted: options.signal?.aborted === true,
    started,
    skipped,
    collector,
  };
}
