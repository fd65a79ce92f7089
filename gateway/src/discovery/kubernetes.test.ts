// Kubernetes discovery: which pods serve a model, and how fast the endpoint set follows an
// activeRevision flip. The API server is faked at the HTTP level (list + streaming watch).
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointTable } from './endpoint-table.ts';
import { activeEndpoints, startKubernetesDiscovery } from './kubernetes.ts';

const md = (active?: string, model = 'llama') => ({
  metadata: { name: 'llama', namespace: 'ml', resourceVersion: '1' },
  spec: { model },
  status: active ? { activeRevision: active } : {},
});
const pod = (name: string, revision: string, ip: string, ready = true) => ({
  metadata: {
    name,
    namespace: 'ml',
    resourceVersion: '1',
    labels: { 'serving.switchyard.dev/revision': revision },
  },
  spec: { containers: [{ ports: [{ containerPort: 8000 }] }] },
  status: { podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('activeEndpoints', () => {
  it.each([
    {
      name: 'only ready pods of the active revision',
      mds: [md('blue')],
      pods: [
        pod('b-0', 'blue', '10.0.0.1'),
        pod('b-1', 'blue', '10.0.0.2', false),
        pod('g-0', 'green', '10.0.0.3'),
      ],
      want: [{ id: 'ml/b-0', url: 'http://10.0.0.1:8000', model: 'llama', ready: true }],
    },
    {
      name: 'a not-ready placeholder keeps a model at zero known, so requests are held',
      mds: [md('blue')],
      pods: [],
      want: [{ id: 'ml/llama#waiting', url: 'http://llama.ml.svc:8000', model: 'llama', ready: false }],
    },
    {
      name: 'nothing before a revision is active',
      mds: [md(undefined)],
      pods: [pod('g-0', 'green', '10.0.0.3')],
      want: [],
    },
  ])('$name', ({ mds, pods, want }) => {
    expect(activeEndpoints(mds, pods)).toEqual(want);
  });
});

/** A fake API server: fixed lists, and watch streams the test writes events into. */
async function fakeApi(initial: { mds: unknown[]; pods: unknown[] }) {
  const streams: Record<string, ServerResponse[]> = { modeldeployments: [], pods: [] };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const kind = url.pathname.endsWith('/modeldeployments') ? 'modeldeployments' : 'pods';
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      streams[kind]!.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        metadata: { resourceVersion: '1' },
        items: kind === 'pods' ? initial.pods : initial.mds,
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = join(tmpdir(), `discovery-${process.pid}-${Date.now()}.kubeconfig`);
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'f', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'f', user: { token: 't' } }],
      contexts: [{ name: 'f', context: { cluster: 'f', user: 'f' } }],
      'current-context': 'f',
    }),
  );
  return {
    kubeconfig,
    send(kind: 'modeldeployments' | 'pods', type: string, object: unknown) {
      for (const res of streams[kind]!) res.write(`${JSON.stringify({ type, object })}\n`);
    },
    watching: () => streams.modeldeployments!.length > 0 && streams.pods!.length > 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('startKubernetesDiscovery', () => {
  it('switches the endpoint set within one second of activeRevision changing', async () => {
    const api = await fakeApi({
      mds: [md('blue')],
      pods: [pod('b-0', 'blue', '10.0.0.1'), pod('g-0', 'green', '10.0.0.2')],
    });
    cleanups.push(api.close);
    const table = new EndpointTable([{ id: 'static', url: 'http://127.0.0.1:1', model: 'other' }]);
    const discovery = startKubernetesDiscovery({
      table,
      kubeconfig: api.kubeconfig,
      staticEndpoints: [{ id: 'static', url: 'http://127.0.0.1:1', model: 'other' }],
      healthCheck: async () => true,
    });
    cleanups.push(discovery.stop);
    await discovery.synced;
    expect(table.forModel('llama').map((e) => e.id)).toEqual(['ml/b-0']);
    expect(table.models()).toEqual(['llama', 'other']);
    while (!api.watching()) await new Promise((r) => setTimeout(r, 5));

    const flipped = performance.now();
    const switched = new Promise<number>((resolve) =>
      table.onChange(() => {
        if (table.forModel('llama')[0]?.id === 'ml/g-0') resolve(performance.now() - flipped);
      }),
    );
    api.send('modeldeployments', 'MODIFIED', {
      ...md('green'),
      metadata: { ...md().metadata, resourceVersion: '2' },
    });
    expect(await switched).toBeLessThan(1000);
    expect(table.forModel('llama').map((e) => e.url)).toEqual(['http://10.0.0.2:8000']);
  });

  it('adds a pod of the active revision as soon as it turns ready and drops it when deleted', async () => {
    const api = await fakeApi({ mds: [md('blue')], pods: [pod('b-0', 'blue', '10.0.0.1', false)] });
    cleanups.push(api.close);
    const table = new EndpointTable();
    const discovery = startKubernetesDiscovery({
      table,
      kubeconfig: api.kubeconfig,
      healthCheck: async () => true,
    });
    cleanups.push(discovery.stop);
    await discovery.synced;
    expect(table.forModel('llama').map((e) => e.ready)).toEqual([false]);
    while (!api.watching()) await new Promise((r) => setTimeout(r, 5));
    const ready = new Promise<void>((resolve) =>
      table.onChange(() => table.forModel('llama')[0]?.ready && resolve()),
    );
    api.send('pods', 'MODIFIED', pod('b-0', 'blue', '10.0.0.1', true));
    await ready;
    expect(table.forModel('llama').map((e) => e.id)).toEqual(['ml/b-0']);
    const gone = new Promise<void>((resolve) =>
      table.onChange(() => !table.forModel('llama')[0]?.ready && resolve()),
    );
    api.send('pods', 'DELETED', pod('b-0', 'blue', '10.0.0.1', true));
    await gone;
    expect(table.forModel('llama').map((e) => e.id)).toEqual(['ml/llama#waiting']);
  });

  it('routes to a Ready pod only once it answers /health from the gateway', async () => {
    const api = await fakeApi({ mds: [md('blue')], pods: [pod('b-0', 'blue', '10.0.0.1')] });
    cleanups.push(api.close);
    let up = false;
    const table = new EndpointTable();
    const discovery = startKubernetesDiscovery({
      table,
      kubeconfig: api.kubeconfig,
      healthCheck: async () => up,
      healthRetryMs: 20,
    });
    cleanups.push(discovery.stop);
    await discovery.synced;
    expect(table.forModel('llama').map((e) => [e.id, e.ready])).toEqual([['ml/b-0', false]]);
    const healthy = new Promise<void>((resolve) =>
      table.onChange(() => table.forModel('llama')[0]?.ready && resolve()),
    );
    up = true;
    await healthy;
    expect(table.forModel('llama').map((e) => e.url)).toEqual(['http://10.0.0.1:8000']);
  });
});
