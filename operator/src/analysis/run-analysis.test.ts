// The analysis against real simulated vLLM pods: a healthy candidate passes every check; one that
// answers errors, or one slower than the thresholds, fails with the check that says why.
import { parseModelDeploymentSpec } from '@switchyard/api';
import { startSimulator } from '@switchyard/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { httpAnalyzer } from './run-analysis.ts';

const sims: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

async function pod(faults: Record<string, number> = {}) {
  const sim = await startSimulator({
    servedModelName: 'llama',
    host: '127.0.0.1',
    port: 0,
    timeScale: 20,
    faults,
  });
  sims.push(sim);
  return sim.url;
}

const spec = (analysis: Record<string, unknown> = {}) =>
  parseModelDeploymentSpec({
    model: 'llama',
    registry: { version: 'v1' },
    rollout: { analysis: { requestsPerPod: 6, ...analysis } },
  });

describe('httpAnalyzer', () => {
  it('passes a healthy candidate with measured TTFT and TPOT p95', async () => {
    const result = await httpAnalyzer()({
      revision: 'green',
      endpoints: [await pod(), await pod()],
      spec: spec(),
    });
    expect(result.phase, result.message).toBe('Passed');
    expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
      ['smoke', true],
      ['errorRate', true],
      ['ttftP95', true],
      ['tpotP95', true],
    ]);
    expect(result.checks.find((c) => c.name === 'ttftP95')?.value).toBeGreaterThan(0);
  });

  it('fails a candidate that answers errors, naming the error rate', async () => {
    const result = await httpAnalyzer()({
      revision: 'green',
      endpoints: [await pod({ errorRate: 1 })],
      spec: spec(),
    });
    expect(result.phase).toBe('Failed');
    expect(result.checks.find((c) => c.name === 'errorRate')).toMatchObject({ passed: false, value: 1 });
    expect(result.message).toMatch(/smoke prompts failed/);
  });

  it('fails a candidate slower than the TTFT threshold', async () => {
    const result = await httpAnalyzer()({
      revision: 'green',
      endpoints: [await pod()],
      spec: spec({ maxTtftP95Seconds: 0.000001 }),
    });
    expect(result.phase).toBe('Failed');
    expect(result.checks.find((c) => c.name === 'ttftP95')?.passed).toBe(false);
  });

  it('fails a pod that never becomes healthy, naming it', async () => {
    const result = await httpAnalyzer({ healthWaitMs: 300 })({
      revision: 'green',
      endpoints: ['http://127.0.0.1:9'],
      spec: spec(),
    });
    expect(result).toMatchObject({
      phase: 'Failed',
      message: 'not healthy within 300 ms: http://127.0.0.1:9',
    });
  });

  it('fails when no pod is ready', async () => {
    const result = await httpAnalyzer()({ revision: 'green', endpoints: [], spec: spec() });
    expect(result).toMatchObject({ phase: 'Failed', message: 'no ready pod to analyse' });
  });
});
