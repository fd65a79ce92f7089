/**
 * Processes and load for the benchmark and the e2e tests: stub engine pods that say who they are, the
 * gateway and the operator as child processes (the operator never imports the gateway; they meet through
 * the API server, as in a cluster), steady load through the gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@switchyard/testkit';

/** A stub engine answering chat completions with its own name as the completion id. */
export async function startStubPod(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/v1/chat/completions')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: name,
            object: 'chat.completion',
            created: 0,
            model: 'bench',
            choices: [{ index: 0, message: { role: 'assistant', content: name }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(req.url === '/health' ? '' : '# stub\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const repo = new URL('../../../', import.meta.url).pathname;

/** Starts `node gateway/src/main.ts` with Kubernetes discovery against `kubeconfig` (plus `extra` config). */
export async function startGatewayProcess(
  kubeconfig: string,
  extra: Record<string, unknown> = {},
): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const adminPort = await freePort();
  const config = join(tmpdir(), `gateway-${process.pid}-${port}.yaml`);
  writeFileSync(
    config,
    JSON.stringify({
      server: { host: '127.0.0.1', port, adminPort },
      auth: { mode: 'disabled' },
      logging: { level: 'warn', accessLog: false },
      discovery: { kubernetes: { enabled: true, kubeconfig } },
      ...extra,
    }),
  );
  const child: ChildProcess = spawn(process.execPath, [join(repo, 'gateway/src/main.ts')], {
    env: { ...process.env, GATEWAY_CONFIG: config },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`${url}/v1/models`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => child.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('gateway did not start');
}

/** Which stub pod answered a request through the gateway (undefined on failure). */
export async function whoAnswers(gatewayUrl: string, model: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return ((await response.json()) as { id?: string }).id;
  } catch {
    return undefined;
  }
}

/** Leader-election settings short enough for tests that kill the leader; and no registry. */
export const FAST_LEASE_ARGS = [
  '--versions',
  'none',
  '--lease-duration-seconds',
  '4',
  '--renew-deadline-ms',
  '3000',
  '--retry-period-ms',
  '300',
];

/** An operator child process (`node operator/src/main.ts`). */
export interface OperatorProcess {
  identity: string;
  logs: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts an operator replica; its JSON log lines are collected. */
export function startOperatorProcess(
  kubeconfig: string,
  identity: string,
  args: string[] = [],
): OperatorProcess {
  const child = spawn(
    process.execPath,
    [join(repo, 'operator/src/main.ts'), '--kubeconfig', kubeconfig, '--identity', identity, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { identity, logs, exited, kill: (signal = 'SIGKILL') => child.kill(signal) };
}

/** Steady load through the gateway: `workers` loops of small requests until stopped. */
export function startLoad(gatewayUrl: string, model: string, workers = 4) {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model,
            messages: [{ role: 'user', content: 'hello there' }],
            max_tokens: 8,
          }),
        });
        const text = await response.text();
        if (response.ok) ok++;
        else failures.push(`${response.status} ${text.slice(0, 200)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failures };
    },
  };
}
