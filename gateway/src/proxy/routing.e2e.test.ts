/**
 * Routing through the whole gateway: the routing span carries the chosen endpoint and its scores; retries
 * go to another endpoint on connect errors and 503s but never once a byte reached the client; a failing
 * endpoint is ejected and comes back through a half-open probe.
 */
import { freePort, waitUntil } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config.ts';
import { type FakeEngine, startFakeEngine } from '../testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from '../testing/harness.ts';

const MODEL = 'test-model';
let bad: FakeEngine;
let good: FakeEngine;
let deadUrl: string;

beforeAll(async () => {
  [bad, good] = await Promise.all([startFakeEngine(MODEL), startFakeEngine(MODEL)]);
  // Nothing listens here, and testkit keeps it reserved (no other test process or listen(0) takes it).
  deadUrl = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await Promise.all([bad?.close(), good?.close()]);
});
afterEach(() => {
  for (const e of [bad, good]) {
    e.behavior = { tokens: 5, chunkDelayMs: 0, headerDelayMs: 0 };
    e.received.length = 0;
  }
});

/** Inference requests an engine received (the gateway also scrapes its `/metrics`). */
const inference = (e: FakeEngine) => e.received.filter((r) => r.path.startsWith('/v1/')).length;

const EJECTION_MS = 3000;

const roundRobin = { profiles: [{ name: 'default', picker: 'round-robin' as const }] };

async function withGateway(config: Partial<GatewayConfigInput>, fn: (g: TestGateway) => Promise<void>) {
  const gateway = await startTestGateway({ logging: { accessLog: false }, ...config });
  try {
    await fn(gateway);
  } finally {
    await gateway.shutdown(500);
  }
}

const post = (gateway: { url: string }, extra: Record<string, unknown> = {}) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 5,
      ...extra,
    }),
  });

const routeSpans = (gateway: TestGateway) =>
  gateway.spans.getFinishedSpans().filter((s) => s.name === 'gateway.route');

describe('routing at the gateway', () => {
  it('puts the chosen endpoint and its scores into the routing span', async () => {
    await withGateway({ endpoints: [{ id: 'good', url: good.url, model: MODEL }] }, async (gateway) => {
      await (await post(gateway)).text();
      const [span] = routeSpans(gateway);
      expect(span?.attributes['switchyard.endpoint']).toBe('good');
      expect(JSON.parse(String(span?.attributes['switchyard.endpoint_scores']))).toMatchObject({
        total: expect.any(Number),
        outstanding: 1,
        'queue-depth': expect.any(Number),
        'kv-cache': expect.any(Number),
        'prefix-affinity': expect.any(Number),
      });
      expect(span?.attributes['switchyard.picker']).toBe('default');
    });
  });

  it('retries a connect error on a different endpoint', async () => {
    await withGateway(
      {
        routing: roundRobin,
        endpoints: [
          { id: 'dead', url: deadUrl, model: MODEL },
          { id: 'good', url: good.url, model: MODEL },
        ],
      },
      async (gateway) => {
        const response = await post(gateway);
        expect(response.status).toBe(200);
        await response.text();
        expect(routeSpans(gateway).map((s) => s.attributes['switchyard.endpoint'])).toEqual(['dead', 'good']);
        expect(inference(good)).toBe(1);
      },
    );
  });

  it('retries a 503 on a different endpoint and never on the same one', async () => {
    bad.behavior.failStatus = 503;
    await withGateway(
      {
        routing: roundRobin,
        endpoints: [
          { id: 'bad', url: bad.url, model: MODEL },
          { id: 'good', url: good.url, model: MODEL },
        ],
      },
      async (gateway) => {
        const response = await post(gateway);
        expect(response.status).toBe(200);
        await response.text();
        expect([inference(bad), inference(good)]).toEqual([1, 1]);
      },
    );
  });

  it('never retries once the first byte reached the client: a stream cut mid-way ends with an error event', async () => {
    bad.behavior.resetAfterChunks = 2;
    bad.behavior.chunkDelayMs = 10; // let the first chunks reach the client before the cut
    await withGateway(
      {
        routing: roundRobin,
        endpoints: [
          { id: 'bad', url: bad.url, model: MODEL },
          { id: 'good', url: good.url, model: MODEL },
        ],
      },
      async (gateway) => {
        const response = await post(gateway, { stream: true });
        expect(response.status).toBe(200);
        const text = await response.text();
        expect(text).toContain('t0 ');
        expect(text).toMatch(/"error"/);
        expect(inference(bad)).toBe(1);
        expect(inference(good)).toBe(0);
      },
    );
  });

  it('ejects an endpoint after consecutive failures and brings it back through a half-open probe', async () => {
    bad.behavior.failStatus = 503;
    await withGateway(
      {
        // Long enough that the ejected-phase checks below finish well inside it on a loaded machine.
        routing: { ...roundRobin, outlier: { consecutiveFailures: 2, baseEjectionMs: EJECTION_MS } },
        endpoints: [
          { id: 'bad', url: bad.url, model: MODEL },
          { id: 'good', url: good.url, model: MODEL },
        ],
      },
      async (gateway) => {
        const beforeEjection = Date.now();
        for (let i = 0; i < 4; i++) expect((await post(gateway)).status).toBe(200);
        expect(gateway.control.outliers.state('bad')).toBe('ejected');
        const triedWhileHealthy = inference(bad);
        for (let i = 0; i < 4; i++) await (await post(gateway)).text();
        expect(inference(bad)).toBe(triedWhileHealthy); // ejected: no traffic at all
        expect(gateway.control.outliers.state('bad')).toBe('ejected');

        bad.behavior.failStatus = undefined;
        // The detector reads half-open off the clock; it must come once the ejection time is up, not before.
        await waitUntil(async () => gateway.control.outliers.state('bad') === 'half-open', {
          what: 'the ejected endpoint turns half-open',
          timeoutMs: EJECTION_MS + 10_000,
          intervalMs: 20,
        });
        expect(Date.now() - beforeEjection).toBeGreaterThanOrEqual(EJECTION_MS);
        for (let i = 0; i < 2; i++) await (await post(gateway)).text();
        expect(gateway.control.outliers.state('bad')).toBe('healthy');
        expect(gateway.logLines.some((l) => l.includes('endpoint recovered'))).toBe(true);
      },
    );
  }, 30_000);
});
