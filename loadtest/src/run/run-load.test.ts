/** runLoad against a real simulator in this process (10x time scale): bounded, abortable, measured. */
import { type RunningSimulator, startSimulator } from '@switchyard/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../client/stream-request.ts';
import { runLoad } from './run-load.ts';
import { resolveScenario } from './scenarios.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ servedModelName: 'm', port: 0, timeScale: 10 });
});
afterAll(async () => {
  await sim.close();
});

describe('runLoad', () => {
  it('measures TTFT, TPOT and tokens of every streamed request of a short closed loop', async () => {
    const run = await runLoad({
      client: createClient({ baseURL: `${sim.url}/v1` }),
      model: 'm',
      scenario: resolveScenario('baseline', { durationSeconds: 1.5, users: 3, spawnRate: 10 }),
    });
    const c = run.collector;
    expect(c.ok).toBeGreaterThan(3);
    expect(c.errors).toBe(0);
    expect(c.ttft.count).toBe(c.ok);
    expect(c.completionTokens).toBeGreaterThan(c.ok);
    expect(c.tpot.summary().p50).toBeGreaterThan(0);
    expect(run.interrupted).toBe(false);
  });

  it('ends at once when aborted (Ctrl-C), cancelling in-flight requests and keeping the finished ones', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 700);
    const began = performance.now();
    const run = await runLoad({
      client: createClient({ baseURL: `${sim.url}/v1` }),
      model: 'm',
      scenario: resolveScenario('stress', { durationSeconds: 60, users: 8, spawnRate: 50 }),
      signal: abort.signal,
    });
    // "At once" against the scenario's 60 s: generous for a loaded machine (this process runs the simulator
    // and the load), and still far from what a run that ignored the abort would take.
    expect(performance.now() - began).toBeLessThan(10_000);
    expect(run.interrupted).toBe(true);
    expect(run.collector.cancelled).toBeGreaterThan(0);
    expect(run.collector.errors).toBe(0);
  }, 30_000);

  it('counts refused connections as errors with a network status, pausing between them', async () => {
    const run = await runLoad({
      client: createClient({ baseURL: 'http://127.0.0.1:9/v1' }),
      model: 'm',
      scenario: resolveScenario('baseline', { durationSeconds: 2, users: 1 }),
      maxRequests: 5,
    });
    expect(run.collector.errors).toBe(5);
    expect(run.elapsedMs).toBeGreaterThanOrEqual(400); // 100 ms after each refusal
    expect(Object.fromEntries(run.collector.byStatus)).toEqual({ network: 5 });
  });
});
