import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { workerShare } from './shares.ts';

const base = parseConfig({
  auth: { mode: 'disabled' },
  server: { workers: 3 },
  upstream: { connectionsPerEndpoint: 256 },
  admission: {
    maxConcurrency: 32,
    maxQueueDepth: 1000,
    models: { small: { maxConcurrency: 2, maxQueueDepth: 0 }, other: { queueTimeoutMs: 5000 } },
  },
  scaler: { enabled: true },
  discovery: { kubernetes: { enabled: true } },
});

describe('workerShare', () => {
  it('splits the admission caps so the workers together never exceed them', () => {
    const share = workerShare(base, 3);
    expect(share.admission.maxConcurrency).toBe(10); // 3 x 10 <= 32
    expect(share.admission.maxQueueDepth).toBe(333);
    expect(share.admission.models.small).toMatchObject({ maxConcurrency: 1, maxQueueDepth: 0 });
    expect(share.admission.models.other).toEqual({ queueTimeoutMs: 5000 });
    expect(share.upstream.connectionsPerEndpoint).toBe(86);
  });

  it('keeps at least one slot per worker and leaves settings that are not counts alone', () => {
    const share = workerShare(base, 64);
    expect(share.admission.maxConcurrency).toBe(1);
    expect(share.admission.maxWaiting).toBe(base.admission.maxWaiting);
    expect(share.admission.queueTimeoutMs).toBe(base.admission.queueTimeoutMs);
  });

  it('leaves discovery and the KEDA scaler to the primary', () => {
    const share = workerShare(base, 3);
    expect(share.scaler.enabled).toBe(false);
    expect(share.discovery.kubernetes.enabled).toBe(false);
    expect(share.server.workers).toBe(1);
    expect(base.scaler.enabled).toBe(true); // the primary's own config is untouched
  });
});
