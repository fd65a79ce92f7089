/**
 * A gateway of two worker processes (`server.workers: 2`), started as `main.ts` is in production, in front
 * of a fake engine: both workers serve, their metrics merge, a dead worker is replaced, the KEDA scaler
 * counts every worker's queue, and SIGTERM drains a stream in flight before the process exits.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePorts } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from '../testing/fake-engine.ts';
import { type GatewayProcess, spawnGateway, writeGatewayConfig } from '../testing/gateway-process.ts';
import { call, scaledObjectRef, scalerClient } from '../testing/scaler-client.ts';
import { listenBacklog, somaxconn } from '../testing/sockets.ts';

const MODEL = 'test-model';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids.sort();
}

/** One sample's value from Prometheus text (summed over every series of the name matching `labels`). */
function sample(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      if (labels && !line.includes(labels)) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A chat completion on a connection of its own (`connection: close`), so round-robin spreads them. */
async function chatOnNewConnection(url: string, model = MODEL, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    ...(signal ? { signal } : {}),
  });
}

describe('a gateway of two worker processes', () => {
  let engine: FakeEngine;
  let gateway: GatewayProcess;
  let child: ChildProcess;
  let url: string;
  let adminUrl: string;
  let scalerPort: number;
  const metrics = async () => (await fetch(`${adminUrl}/metrics`)).text();

  beforeAll(async () => {
    engine = await startFakeEngine(MODEL, { tokens: 5 });
    const [port, adminPort, scaler] = await freePorts(3);
    scalerPort = scaler!;
    url = `http://127.0.0.1:${port}`;
    adminUrl = `http://127.0.0.1:${adminPort}`;
    const configPath = writeGatewayConfig(
      {
        auth: { mode: 'disabled' },
        server: { port, adminPort, workers: 2, drainTimeoutMs: 20_000 },
        logging: { level: 'info', accessLog: true },
        endpoints: [{ id: 'e0', url: engine.url, model: MODEL }],
        // `cold` has no endpoints: its requests are held as for a model scaled to zero.
        admission: { models: { cold: {} } },
        scaler: { enabled: true, port: scalerPort },
      },
      'switchyard-cluster-',
    );
    gateway = await spawnGateway(configPath, { adminPort: adminPort! });
    child = gateway.child;
  }, 90_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await engine?.close();
  });

  it('serves the OpenAI SDK from both workers and merges their metrics on the admin port', async () => {
    // The primary holds the listening socket for the workers; the configured backlog reaches it.
    expect(listenBacklog(Number(new URL(url).port))).toBe(Math.min(4096, somaxconn()));
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused' });
    const reply = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(reply.choices[0]?.message.content).toBeTruthy();
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    })) {
      streamed += chunk.choices[0]?.delta.content ?? '';
    }
    expect(streamed.length).toBeGreaterThan(0);
    const before = sample(await metrics(), 'llm_requests_total');
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async () => (await chatOnNewConnection(url)).status),
    );
    expect(statuses).toEqual(Array(12).fill(200));

    const text = await metrics();
    expect(sample(text, 'llm_gateway_workers')).toBe(2);
    expect(sample(text, 'llm_requests_total') - before).toBe(12);
    // The access-log lines come over the workers' stdout pipe, not the HTTP connection: await them.
    const servedBy = () => {
      const workers = new Set(gateway.logLines.filter((l) => l.msg === 'request').map((l) => l.worker));
      workers.delete(undefined);
      return workers.size;
    };
    await expect.poll(servedBy, { timeout: 10_000 }).toBe(2);
  }, 30_000); // real processes on a loaded machine: vitest's 5 s default is too short

  it('replaces a worker that dies and keeps serving', async () => {
    const workers = childrenOf(child.pid!);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    await until('a replacement worker', async () => {
      const text = await metrics();
      return sample(text, 'llm_gateway_worker_restarts_total') === 1 &&
        sample(text, 'llm_gateway_workers') === 2
        ? true
        : undefined;
    });
    const now = childrenOf(child.pid!);
    expect(now).toHaveLength(2);
    expect(now).not.toContain(workers[0]);
    expect(now).toContain(workers[1]);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => (await chatOnNewConnection(url)).status),
    );
    expect(statuses).toEqual(Array(6).fill(200));
  }, 40_000);

  it('tells KEDA about the requests every worker holds for a model scaled to zero', async () => {
    const scaler = scalerClient(scalerPort);
    const ref = scaledObjectRef({ model: 'cold' }, 'cold');
    const depth = async () =>
      (
        await call<{ metricValues: { metricValue: number }[] }>((cb) =>
          scaler.GetMetrics({ scaledObjectRef: ref, metricName: 'q' }, cb),
        )
      ).metricValues[0]?.metricValue;
    try {
      expect(await call<{ result: boolean }>((cb) => scaler.IsActive(ref, cb))).toEqual({ result: false });
      const abort = new AbortController();
      const held = Array.from({ length: 6 }, () =>
        chatOnNewConnection(url, 'cold', abort.signal).catch(() => undefined),
      );
      // Six connections, round-robin over two workers: both hold some, and the scaler sees the sum.
      await until('six held requests at the scaler', async () => ((await depth()) === 6 ? true : undefined));
      expect(await call<{ result: boolean }>((cb) => scaler.IsActive(ref, cb))).toEqual({ result: true });
      abort.abort();
      await Promise.all(held);
      await until('the queue to empty', async () => ((await depth()) === 0 ? true : undefined));
    } finally {
      scaler.close();
    }
  }, 60_000); // two `until`s of up to 30 s each, not vitest's 5 s default

  it('drains both workers on SIGTERM: a stream in flight finishes, then the process exits 0', async () => {
    engine.behavior.tokens = 20;
    engine.behavior.chunkDelayMs = 100; // a two-second stream
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    child.kill('SIGTERM');
    await until('/readyz to turn 503', async () =>
      (await fetch(`${adminUrl}/readyz`)).status === 503 ? true : undefined,
    );
    let body = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      body += new TextDecoder().decode(value);
    }
    expect(body).toContain('data: [DONE]');
    expect(body.match(/"content":"[^"]/g)?.length).toBe(20); // every token, none cut off
    expect(await gateway.exited).toBe(0);
  }, 30_000);
});
