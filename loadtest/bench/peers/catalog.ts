/**
 * The paths `bench:peers` compares, each in front of the same simulated vLLM: direct (no proxy), this
 * gateway, nginx (the reverse-proxy baseline), the Portkey gateway (npm), the LiteLLM proxy (PyPI) and
 * vLLM's router (PyPI). Each `start` launches one process on a free loopback port and resolves when it
 * answers; what a path needs in each request (Portkey's provider headers) comes back with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, nginxProxyConfig } from '@switchyard/testkit';
import type { PeerInstall, PeerPackage } from './install.ts';
import { type Child, spawnLogged, waitForHttp } from './processes.ts';

/** Where a started path takes requests. */
export interface StartedPath {
  /** Full chat-completions URL. */
  url: string;
  headers: Record<string, string>;
  child?: Child;
}

/** What `start` gets. */
export interface StartContext {
  /** The simulator's base URL, without `/v1`. */
  upstream: string;
  model: string;
  /** A scratch folder for configs and logs. */
  work: string;
  /** The installed peer, for those installed from a registry. */
  install?: Extract<PeerInstall, { status: 'installed' }>;
}

/** One path under test. */
export interface PathDefinition {
  name: string;
  /** Registry package, for peers. */
  package?: PeerPackage;
  start(ctx: StartContext, tag: string): Promise<StartedPath>;
}

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

async function startGateway(ctx: StartContext, tag: string): Promise<StartedPath> {
  const port = await freePort();
  const adminPort = await freePort();
  const config = join(ctx.work, `gateway-${tag}.yaml`);
  writeFileSync(
    config,
    [
      'auth: { mode: disabled }',
      'logging: { level: warn, accessLog: false }',
      `server: { port: ${port}, adminPort: ${adminPort} }`,
      'endpoints:',
      `  - { id: sim, url: "${ctx.upstream}", model: ${ctx.model} }`,
    ].join('\n'),
  );
  const child = spawnLogged(
    process.execPath,
    [join(ROOT, 'gateway/src/main.ts')],
    join(ctx.work, `gateway-${tag}.log`),
    {
      env: { ...process.env, GATEWAY_CONFIG: config },
    },
  );
  await waitForHttp(`http://127.0.0.1:${adminPort}/healthz`, child);
  return { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, child };
}

async function startNginx(ctx: StartContext, tag: string): Promise<StartedPath> {
  const port = await freePort();
  const dir = join(ctx.work, `nginx-${tag}`);
  const upstream = new URL(ctx.upstream).host;
  const conf = join(ctx.work, `nginx-${tag}.conf`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(conf, nginxProxyConfig({ dir, upstream, port }));
  const child = spawnLogged('nginx', ['-p', ctx.work, '-c', conf, '-g', 'daemon off;'], `${dir}.log`, {
    signal: 'SIGQUIT',
  });
  await waitForHttp(`http://127.0.0.1:${port}/v1/models`, child, 15_000);
  return { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, child };
}

async function startPortkey(ctx: StartContext, tag: string): Promise<StartedPath> {
  const port = await freePort();
  const script = join(ctx.install!.dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const child = spawnLogged(
    process.execPath,
    [script, `--port=${port}`, '--headless'],
    join(ctx.work, `portkey-${tag}.log`),
    {
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  await waitForHttp(`http://127.0.0.1:${port}/`, child, 30_000);
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    // Portkey's way to reach a self-hosted OpenAI-compatible server.
    headers: {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${ctx.upstream}/v1`,
      authorization: 'Bearer none',
    },
    child,
  };
}

async function startLitellm(ctx: StartContext, tag: string): Promise<StartedPath> {
  const port = await freePort();
  const config = join(ctx.work, `litellm-${tag}.yaml`);
  writeFileSync(
    config,
    [
      'model_list:',
      `  - model_name: ${ctx.model}`,
      '    litellm_params:',
      `      model: hosted_vllm/${ctx.model}`,
      `      api_base: ${ctx.upstream}/v1`,
      '      api_key: none',
      'litellm_settings:',
      '  drop_params: true',
      '  telemetry: false',
    ].join('\n'),
  );
  const bin = join(ctx.install!.dir, 'venv/bin/litellm');
  const child = spawnLogged(
    bin,
    ['--config', config, '--host', '127.0.0.1', '--port', String(port), '--num_workers', '1'],
    join(ctx.work, `litellm-${tag}.log`),
    {
      // The packaged model-cost map: no lookup beyond this machine.
      env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True', LITELLM_LOG: 'ERROR', NO_DOCS: 'True' },
    },
  );
  await waitForHttp(`http://127.0.0.1:${port}/health/liveliness`, child, 120_000);
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { authorization: 'Bearer none' },
    child,
  };
}

async function startVllmRouter(ctx: StartContext, tag: string): Promise<StartedPath> {
  const port = await freePort();
  const bin = join(ctx.install!.dir, 'venv/bin/vllm-router');
  const child = spawnLogged(
    bin,
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--worker-urls',
      ctx.upstream,
      '--policy',
      'round_robin',
      '--log-level',
      'warning',
    ],
    join(ctx.work, `vllm-router-${tag}.log`),
  );
  await waitForHttp(`http://127.0.0.1:${port}/v1/models`, child, 60_000);
  return { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, child };
}

/** Every path, in table order. */
export const PATHS: readonly PathDefinition[] = [
  { name: 'direct', start: async (ctx) => ({ url: `${ctx.upstream}/v1/chat/completions`, headers: {} }) },
  { name: 'gateway', start: startGateway },
  { name: 'nginx', start: startNginx },
  {
    name: 'portkey',
    package: { name: 'portkey', registry: 'npm', package: '@portkey-ai/gateway', versions: ['1.15.2'] },
    start: startPortkey,
  },
  {
    name: 'litellm',
    // 1.106-1.109 require certifi>=2026.10.19, newer than the registry serves here; 1.100.5 resolves.
    package: {
      name: 'litellm',
      registry: 'pypi',
      package: 'litellm[proxy]',
      versions: ['1.100.5', '1.109.1'],
    },
    start: startLitellm,
  },
  {
    name: 'vllm-router',
    package: { name: 'vllm-router', registry: 'pypi', package: 'vllm-router', versions: ['0.1.17'] },
    start: startVllmRouter,
  },
];
