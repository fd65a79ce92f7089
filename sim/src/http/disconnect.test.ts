/**
 * Cancellation: a client that goes away frees its engine slot and KV blocks within one step.
 * Steps are slowed to 100 ms, and "within one step" is counted in engine steps, not wall time, so
 * a loaded machine cannot make the test flaky.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../simulator.ts';
import { startSimulator } from '../simulator.ts';

const STEP_MS = 100;
let sim: RunningSimulator;
afterEach(() => sim.close());

async function waitFor(predicate: () => boolean, limitMs: number): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function request(stream: boolean, signal: AbortSignal) {
  return fetch(`${sim.url}/v1/chat/completions`, {
    method: 'POST',
    signal,
    body: JSON.stringify({
      model: 'm',
      messages: [{ role: 'user', content: 'word '.repeat(2000) }],
      max_tokens: 10_000,
      stream,
    }),
  });
}

describe('client disconnect', () => {
  it('aborts a stream: running count and KV usage drop within one step', async () => {
    sim = await startSimulator({
      servedModelName: 'm',
      engineOverrides: { decodeCurve: [[1, STEP_MS]], frontendOverheadMs: 0 },
    });
    const controller = new AbortController();
    const res = await request(true, controller.signal);
    const reader = res.body!.getReader();
    await reader.read(); // role chunk
    await reader.read(); // first token: prefill done, blocks held
    const before = sim.engineStats();
    expect(before.running).toBe(1);
    const stepsAtAbort = before.steps;
    expect(before.usedBlocks).toBeGreaterThan(100);
    controller.abort();
    await waitFor(() => sim.engineStats().running === 0, 5_000);
    const after = sim.engineStats();
    expect(after.usedBlocks).toBe(0);
    expect(after.kvUsage).toBe(0);
    expect(after.finished.abort).toBe(1);
    expect(after.steps - stepsAtAbort).toBeLessThanOrEqual(1);
    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    expect(metrics).toContain('vllm:num_requests_running{model_name="m",engine="0"} 0');
    expect(metrics).toContain('vllm:kv_cache_usage_perc{model_name="m",engine="0"} 0');
  });

  it('aborts a non-streamed request the same way', async () => {
    sim = await startSimulator({
      servedModelName: 'm',
      engineOverrides: { decodeCurve: [[1, STEP_MS]], frontendOverheadMs: 0 },
    });
    const controller = new AbortController();
    const pending = request(false, controller.signal).catch(() => 'aborted');
    await waitFor(() => sim.engineStats().generationTokens > 0, 5_000);
    const stepsAtAbort = sim.engineStats().steps;
    controller.abort();
    expect(await pending).toBe('aborted');
    await waitFor(() => sim.engineStats().running === 0, 5_000);
    expect(sim.engineStats().steps - stepsAtAbort).toBeLessThanOrEqual(1);
    expect(sim.engineStats().usedBlocks).toBe(0);
  });
});
