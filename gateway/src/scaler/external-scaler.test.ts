import { afterEach, describe, expect, it } from 'vitest';
import { createAdmissionQueue } from '../admission/admission-queue.ts';
import type { EndpointState } from '../routing/types.ts';
import { call, scaledObjectRef as ref, type ScalerClient, scalerClient } from '../testing/scaler-client.ts';
import type { ExternalScaler } from './external-scaler.ts';
import { startExternalScaler } from './external-scaler.ts';

describe('KEDA external scaler (real gRPC client from KEDA’s proto)', () => {
  let scaler: ExternalScaler | undefined;
  let client: ScalerClient | undefined;
  afterEach(async () => {
    client?.close();
    await scaler?.close();
  });

  async function setup() {
    let endpoints: EndpointState[] = [];
    const queue = createAdmissionQueue({
      endpoints: () => endpoints,
      policy: () => ({
        maxConcurrency: 1,
        maxWaiting: 8,
        staleAfterMs: 3000,
        maxQueueDepth: 100,
        queueTimeoutMs: 30_000,
        coldStartTimeoutMs: 600_000,
        retryAfterSeconds: 2,
        recheckIntervalMs: 250,
      }),
    });
    scaler = await startExternalScaler({ source: queue });
    client = scalerClient(scaler.port);
    const makeReady = () => {
      endpoints = [{ id: 'pod', url: '', model: 'llama', ready: true, outstanding: 0 }];
      queue.notify('llama');
    };
    return { queue, client, makeReady };
  }

  it('answers IsActive, GetMetricSpec and GetMetrics over the queue', async () => {
    const { queue, client: c } = await setup();
    const meta = { model: 'llama', targetValue: '2' };
    expect(await call<{ result: boolean }>((cb) => c.IsActive(ref(meta), cb))).toEqual({ result: false });
    const held = queue.admit({ model: 'llama' });
    void held.catch(() => {});
    queue.admit({ model: 'llama' }).catch(() => {});
    expect(await call<{ result: boolean }>((cb) => c.IsActive(ref(meta), cb))).toEqual({ result: true });
    const spec = await call<{ metricSpecs: object[] }>((cb) => c.GetMetricSpec(ref(meta), cb));
    expect(spec.metricSpecs).toEqual([
      { metricName: 'switchyard-queue-depth-llama', targetSize: 2, targetSizeFloat: 2 },
    ]);
    const metrics = await call<{ metricValues: object[] }>((cb) =>
      c.GetMetrics({ scaledObjectRef: ref(meta), metricName: 'switchyard-queue-depth-llama' }, cb),
    );
    expect(metrics.metricValues).toEqual([
      { metricName: 'switchyard-queue-depth-llama', metricValue: 2, metricValueFloat: 2 },
    ]);
  });

  it('reports demand (waiting + in flight) when asked', async () => {
    const { queue, client: c, makeReady } = await setup();
    makeReady();
    await queue.admit({ model: 'llama' });
    queue.admit({ model: 'llama' }).catch(() => {});
    const meta = { model: 'llama', metric: 'demand' };
    const metrics = await call<{ metricValues: { metricValue: number }[] }>((cb) =>
      c.GetMetrics({ scaledObjectRef: ref(meta), metricName: '' }, cb),
    );
    expect(metrics.metricValues[0]?.metricValue).toBe(2);
  });

  it('rejects a ScaledObject without a model with INVALID_ARGUMENT', async () => {
    const { client: c } = await setup();
    await expect(call((cb) => c.IsActive(ref({}), cb))).rejects.toMatchObject({ code: 3 });
  });

  it('pushes active on StreamIsActive within a second of a request being held, and inactive when it is done', async () => {
    const { queue, client: c, makeReady } = await setup();
    const stream = c.StreamIsActive(ref({ model: 'llama' }));
    const seen: { result: boolean; at: number }[] = [];
    const next = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (seen.length >= n ? resolve() : setTimeout(check, 2));
        check();
      });
    stream.on('data', (m: { result: boolean }) => seen.push({ ...m, at: performance.now() }));
    stream.on('error', () => {});
    await next(1);
    expect(seen[0]?.result).toBe(false);

    const heldAt = performance.now();
    const held = queue.admit({ model: 'llama' });
    await next(2);
    expect(seen[1]?.result).toBe(true);
    expect(seen[1]!.at - heldAt).toBeLessThan(1000);

    makeReady();
    (await held).release();
    await next(3);
    expect(seen[2]?.result).toBe(false);
    stream.cancel();
  });
});
