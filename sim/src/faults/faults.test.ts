/** Fault injection: each fault off by default, and each doing what reliability tests expect of it. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../engine/clock.ts';
import { Engine } from '../engine/engine.ts';
import { resolveEngineConfig } from '../profiles.ts';
import { startSimulator } from '../simulator.ts';
import { FaultController } from './faults.ts';

const chatBody = (stream = false, maxTokens = 5) =>
  JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: maxTokens, stream });

describe('FaultController', () => {
  it('injects nothing by default', () => {
    const f = new FaultController();
    expect(f.isLoading(0)).toBe(false);
    expect(f.shouldFail()).toBe(false);
    expect(f.extraStepMs()).toBe(0);
    expect(f.countRequestAndCheckCrash()).toBe(false);
    expect(f.hangAfterTokens).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects out-of-range options naming the option', () => {
    expect(() => new FaultController({ errorRate: 2 })).toThrow('faults.errorRate');
  });

  it('draws the error rate reproducibly from the seed', () => {
    const draws = (seed: number) => {
      const f = new FaultController({ errorRate: 0.3 }, seed);
      return Array.from({ length: 1000 }, () => f.shouldFail());
    };
    expect(draws(1)).toEqual(draws(1));
    const rate = draws(1).filter(Boolean).length / 1000;
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeLessThan(0.35);
  });

  it('latency spikes stretch engine steps', () => {
    const clock = new VirtualClock();
    const faults = new FaultController({ latencySpikeRate: 1, latencySpikeMs: 200 });
    const engine = new Engine(resolveEngineConfig('mistral-7b-h100', { frontendOverheadMs: 0 }), clock, {
      extraStepMs: () => faults.extraStepMs(),
    });
    let first = Number.NaN;
    engine.submit(
      { id: 'a', promptTokens: 10, blockHashes: [], maxTokens: 1, reasonAtMax: 'length' },
      {
        onToken: (s) => {
          first = s.times.firstTokenMs;
          return false;
        },
        onFinish: () => {},
      },
    );
    clock.runWhile(() => Number.isNaN(first));
    expect(first).toBeGreaterThan(200);
  });
});

describe('faults through HTTP', () => {
  it('answers /health 503 while the model loads, then 200', async () => {
    const started = performance.now();
    const sim = await startSimulator({ servedModelName: 'm', faults: { loadDelayMs: 1000 } });
    try {
      expect((await fetch(`${sim.url}/health`)).status).toBe(503);
      const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: chatBody() });
      expect(res.status).toBe(503);
      while ((await fetch(`${sim.url}/health`)).status !== 200) await new Promise((r) => setTimeout(r, 50));
      expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await sim.close();
    }
  });

  it('fails requests with a 500 at the error rate', async () => {
    const sim = await startSimulator({ servedModelName: 'm', timeScale: 50, faults: { errorRate: 1 } });
    try {
      const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: chatBody() });
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ error: { type: 'InternalServerError', code: 500 } });
      await sim.setFaults({ errorRate: 0 });
      expect(
        (await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: chatBody() })).status,
      ).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('hangs a stream after N tokens: the connection stays open, silent, and the slot is freed', async () => {
    const sim = await startSimulator({ servedModelName: 'm', timeScale: 20, faults: { hangAfterTokens: 3 } });
    try {
      const controller = new AbortController();
      const res = await fetch(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        body: chatBody(true, 50),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let text = '';
      const tokens = () => text.match(/"content":"[^"]/g)?.length ?? 0;
      // Read the three tokens however long a loaded machine takes to send them...
      while (tokens() < 3 && !text.includes('[DONE]')) {
        const next = await reader.read();
        if (next.done) break;
        text += new TextDecoder().decode(next.value);
      }
      // ...and the slot is freed when the fourth would have been generated...
      await expect.poll(() => sim.engineStats().running, { timeout: 5_000 }).toBe(0);
      // ...then the stream stays open and silent (the timer starts only now, after the tokens came).
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 300));
      for (;;) {
        const next = await Promise.race([reader.read(), timeout]);
        if (next === 'timeout' || next.done) {
          expect(next).toBe('timeout');
          break;
        }
        text += new TextDecoder().decode(next.value);
      }
      expect(text.match(/"content":"[^"]/g)).toHaveLength(3);
      expect(text).not.toContain('[DONE]');
      expect(sim.engineStats().running).toBe(0);
      controller.abort();
    } finally {
      await sim.close();
    }
  });

  it('crashes after N requests: sockets drop and the listener closes', async () => {
    const reasons: string[] = [];
    const sim = await startSimulator({
      servedModelName: 'm',
      timeScale: 50,
      faults: { crashAfterRequests: 1 },
      onCrash: (r) => reasons.push(r),
    });
    try {
      expect(
        (await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: chatBody() })).status,
      ).toBe(200);
      await expect(
        fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: chatBody() }),
      ).rejects.toThrow();
      expect(sim.crashed).toBe(true);
      expect(reasons).toEqual(['crash after requests']);
      await expect(fetch(`${sim.url}/health`)).rejects.toThrow();
    } finally {
      await sim.close();
    }
  });

  it('crashes at a given time', async () => {
    const sim = await startSimulator({ servedModelName: 'm', faults: { crashAtMs: 50 } });
    try {
      // The 50 ms timer may fire late on a loaded machine: wait for the crash rather than sleeping a fixed 120 ms.
      await expect.poll(() => sim.crashed, { timeout: 3_000, interval: 10 }).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('refuses connections, and accepts again when the fault is lifted', async () => {
    const sim = await startSimulator({ servedModelName: 'm', faults: { refuseConnections: true } });
    try {
      const err = await fetch(`${sim.url}/health`).catch((e: Error) => e);
      expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
      await sim.setFaults({ refuseConnections: false });
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
