/**
 * The trace analysis on real traces: a short load run through the gateway (a process, OTLP on) in front
 * of two simulated vLLM replicas, all exporting to the testkit's Jaeger, then read back over its query
 * API — by the library and by the `analyze traces` command.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningSimulator, startSimulator } from '@switchyard/sim';
import { freePorts, type JaegerServer, startJaeger, waitUntil } from '@switchyard/testkit';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCommand } from '../cli/analyze-command.ts';
import { createClient } from '../client/stream-request.ts';
import { runLoad } from '../run/run-load.ts';
import { resolveScenario } from '../run/scenarios.ts';
import { analyzeTraces, type TraceAnalysis } from './analyze-traces.ts';
import { fetchTraces, type JaegerTrace } from './jaeger.ts';
import { gatewayRoot } from './phases.ts';

const MODEL = 'mistral-7b-instruct';
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
let jaeger: JaegerServer;
let sims: RunningSimulator[] = [];
let stopGateway: (() => Promise<void>) | undefined;
let traces: JaegerTrace[] = [];
let completed = 0;

async function startGatewayProcess(otlp: string, endpoints: string[]): Promise<string> {
  const [port, adminPort] = (await freePorts(2)) as [number, number];
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-e2e-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    [
      'auth: { mode: disabled }',
      'logging: { level: warn, accessLog: false }',
      `server: { port: ${port}, adminPort: ${adminPort} }`,
      'endpoints:',
      ...endpoints.map((url, i) => `  - { id: sim-${i}, url: "${url}", model: ${MODEL} }`),
    ].join('\n'),
  );
  const child = spawn(process.execPath, [join(ROOT, 'gateway/src/main.ts')], {
    env: { ...process.env, GATEWAY_CONFIG: config, OTEL_EXPORTER_OTLP_ENDPOINT: otlp },
    stdio: 'ignore',
  });
  stopGateway = () =>
    new Promise((r) => {
      if (child.exitCode !== null) return r();
      child.once('exit', () => r());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  // A Node cold start on a loaded 2-core machine can take well over 10 s; and a gateway that never became
  // ready must fail here, not send the load run into connection errors.
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}`);
      return fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { what: 'gateway /readyz', timeoutMs: 60_000, intervalMs: 100 },
  );
  return `http://127.0.0.1:${port}/v1`;
}

/**
 * Polls Jaeger until every request's trace holds both the gateway's root span and the engine span: the two
 * processes export in batches of their own (the gateway's root span ends, so is exported, last of its spans).
 */
async function readTraces(expected: number): Promise<JaegerTrace[]> {
  let last: JaegerTrace[] = [];
  try {
    return await waitUntil(
      async () => {
        last = await fetchTraces({
          queryUrl: jaeger.queryUrl,
          service: 'llm-gateway',
          sinceMs: 600_000,
          limit: 500,
        });
        const complete = last.filter(
          (t) => gatewayRoot(t) && t.spans.some((s) => s.operationName === 'llm_request'),
        );
        return complete.length >= expected ? last : undefined;
      },
      { what: `${expected} complete traces in Jaeger`, timeoutMs: 60_000, intervalMs: 250 },
    );
  } catch {
    return last; // the assertions below then say what is missing
  }
}

beforeAll(async () => {
  jaeger = await startJaeger();
  sims = await Promise.all(
    [0, 1].map(() =>
      startSimulator({
        servedModelName: MODEL,
        port: 0,
        timeScale: 4,
        otlpTracesEndpoint: jaeger.otlpHttpUrl,
      }),
    ),
  );
  const baseURL = await startGatewayProcess(
    jaeger.otlpHttpUrl,
    sims.map((s) => s.url),
  );
  const run = await runLoad({
    client: createClient({ baseURL }),
    model: MODEL,
    scenario: resolveScenario('baseline', { durationSeconds: 2, users: 4, spawnRate: 8 }),
    maxRequests: 40,
    graceMs: 10_000,
  });
  completed = run.collector.ok;
  traces = await readTraces(completed);
}, 240_000);

afterAll(async () => {
  await stopGateway?.();
  await Promise.all(sims.map((s) => s.close()));
  await jaeger?.stop();
}, 60_000); // the gateway's drain and Jaeger's stop may each take their 5 s grace

describe('trace analysis on a real run', () => {
  let analysis: TraceAnalysis;
  beforeAll(() => {
    analysis = analyzeTraces(traces);
  });

  it('finds one gateway request per request the load generator completed', () => {
    expect(completed).toBeGreaterThan(3);
    expect(analysis.requests).toBe(completed);
  });

  it('sees the gateway, routing, upstream and engine operations', () => {
    const ops = analysis.slowestOperations.map((o) => `${o.service} ${o.operation}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        'llm-gateway POST /v1/chat/completions',
        'llm-gateway gateway.route',
        'llm-gateway gateway.upstream',
        'vllm llm_request',
      ]),
    );
  });

  it('spends a streamed request mostly upstream: TTFT then decode, with a small gateway share', () => {
    const phase = (name: string) => analysis.breakdown.find((p) => p.phase === name)!;
    expect(phase('upstreamTtft').p50Ms).toBeGreaterThan(0);
    expect(phase('decode').p50Ms).toBeGreaterThan(phase('routing').p50Ms);
    expect(phase('decode').sharePercent + phase('upstreamTtft').sharePercent).toBeGreaterThan(80);
    expect(analysis.engine?.prefillP50Ms).toBeGreaterThan(0);
  });

  it('classifies an unloaded fleet generating long answers as decode (memory) bound, with evidence', () => {
    expect(analysis.classification?.primary).toBe('memory-bound');
    expect(analysis.classification?.evidence.join('\n')).toMatch(/decode \d+\.\d %/);
  });

  it('prints the same analysis as JSON from `analyze traces`', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => {}, isTTY: false };
    const program = new Command('llmctl').exitOverride().addCommand(analyzeCommand({ io, env: {} }));
    await program.parseAsync(
      [
        'analyze',
        'traces',
        '--jaeger-url',
        jaeger.queryUrl,
        '--since',
        '10m',
        '--limit',
        '200',
        '-o',
        'json',
      ],
      { from: 'user' },
    );
    const printed = JSON.parse(out.join('')) as TraceAnalysis;
    expect(printed.requests).toBe(analysis.requests);
    expect(printed.classification?.primary).toBe(analysis.classification?.primary);
  });
});
