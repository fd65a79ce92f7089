/**
 * An in-memory Kubernetes API server over real HTTP, for unit tests and the benchmark: CRUD, merge
 * patches, the status subresource, finalizers, label selectors and watches with resourceVersions. It
 * records every request, so tests compare what the operator sent with what they expect. Not a
 * conformance-grade apiserver: only the behaviour the operator and the gateway rely on.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchesSelector, mergePatch } from './fake-apiserver-util.ts';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & { name: string };
  [k: string]: unknown;
};

/** One request the fake received. */
export interface RecordedCall {
  method: string;
  path: string;
  query: string;
  body?: unknown;
}

interface Stored {
  collection: string;
  namespace: string;
  object: Obj;
}

interface Event {
  rv: number;
  collection: string;
  namespace: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

/** Options of {@link startFakeApiServer}. */
export interface FakeApiServerOptions {
  /** Mark every Deployment ready at its desired replicas whenever it is written (default false). */
  autoReadyDeployments?: boolean;
  /** Delay before such a Deployment shows ready (default 0). */
  readyDelayMs?: number;
  /**
   * With autoReadyDeployments: also keep Ready pods for each such Deployment (a stand-in for the
   * ReplicaSet controller and kubelet), addressed as this function says.
   */
  podAddress?: (deployment: string, index: number) => { ip: string; port: number };
}

/** A running fake. */
export interface FakeApiServer {
  url: string;
  /** A kubeconfig file pointing at the fake. */
  kubeconfig: string;
  calls: RecordedCall[];
  /** The stored object at a REST path, or undefined (typed as the caller expects). */
  get<T = Obj>(path: string): T | undefined;
  /** Changes a stored object as a controller would (emits MODIFIED). */
  update(path: string, change: (object: Obj) => void): void;
  /** Stored objects under a collection path, e.g. `/apis/apps/v1/namespaces/ns/deployments`. */
  list<T = Obj>(collectionPath: string): T[];
  close(): Promise<void>;
}

const PATH =
  /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(status))?$/;

/** Starts the fake on a loopback port. */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = new Map<string, Stored>();
  const events: Event[] = [];
  const watchers = new Set<(e: Event) => void>();
  const calls: RecordedCall[] = [];
  let rv = 100;

  const keyOf = (collection: string, namespace: string, name: string) => `${collection}|${namespace}|${name}`;
  const emit = (type: Event['type'], s: Stored) => {
    const event = {
      rv: Number(s.object.metadata.resourceVersion),
      collection: s.collection,
      namespace: s.namespace,
      type,
      object: structuredClone(s.object),
    };
    events.push(event);
    if (events.length > 5000) events.splice(0, 1000);
    for (const w of watchers) w(event);
  };
  const write = (s: Stored, type: 'ADDED' | 'MODIFIED') => {
    s.object.metadata.resourceVersion = String(++rv);
    store.set(keyOf(s.collection, s.namespace, s.object.metadata.name), s);
    emit(type, s);
    if (options.autoReadyDeployments && s.object.kind === 'Deployment') {
      const ready = () => {
        const current = store.get(keyOf(s.collection, s.namespace, s.object.metadata.name));
        if (!current) return;
        const replicas = Number((current.object.spec as { replicas?: number }).replicas ?? 1);
        const status = current.object.status as { readyReplicas?: number; replicas?: number } | undefined;
        if (status?.readyReplicas === replicas && status.replicas === replicas) return;
        if (options.podAddress) syncPods(current, replicas);
        current.object.status = {
          replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          updatedReplicas: replicas,
        };
        write(current, 'MODIFIED');
      };
      if (options.readyDelayMs) setTimeout(ready, options.readyDelayMs).unref();
      else queueMicrotask(ready);
    }
  };
  const syncPods = (deployment: Stored, replicas: number) => {
    const name = deployment.object.metadata.name;
    const template = (
      deployment.object.spec as { template?: { metadata?: { labels?: Record<string, string> } } }
    ).template;
    for (let i = 0; i < Math.max(replicas, 64); i++) {
      const key = keyOf('v1/pods', deployment.namespace, `${name}-${i}`);
      const existing = store.get(key);
      if (i >= replicas) {
        if (existing) remove(existing);
        continue;
      }
      if (existing) continue;
      const address = options.podAddress!(name, i);
      const pod: Obj = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-${i}`,
          namespace: deployment.namespace,
          uid: randomUUID(),
          labels: template?.metadata?.labels ?? {},
        },
        spec: { containers: [{ name: 'engine', ports: [{ containerPort: address.port }] }] },
        status: { phase: 'Running', podIP: address.ip, conditions: [{ type: 'Ready', status: 'True' }] },
      };
      write({ collection: 'v1/pods', namespace: deployment.namespace, object: pod }, 'ADDED');
    }
  };
  const remove = (s: Stored) => {
    store.delete(keyOf(s.collection, s.namespace, s.object.metadata.name));
    s.object.metadata.resourceVersion = String(++rv);
    emit('DELETED', s);
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, reason: string, message: string) =>
    send(res, status, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code: status });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Obj) : undefined;
    calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      ...(body !== undefined ? { body } : {}),
    });
    const m = PATH.exec(url.pathname);
    if (!m) return fail(res, 404, 'NotFound', `no route ${url.pathname}`);
    const [, coreVersion, group, groupVersion, namespace = '', plural, name, sub] = m;
    const collection = coreVersion ? `v1/${plural}` : `${group}/${groupVersion}/${plural}`;
    const key = name ? keyOf(collection, namespace, name) : '';
    const existing = name ? store.get(key) : undefined;
    const labelSelector = url.searchParams.get('labelSelector') ?? '';
    const inScope = (s: { collection: string; namespace: string; object: Obj }) =>
      s.collection === collection &&
      (!namespace || s.namespace === namespace) &&
      matchesSelector((s.object.metadata.labels ?? {}) as Record<string, string>, labelSelector);

    switch (req.method) {
      case 'GET': {
        if (name)
          return existing
            ? send(res, 200, existing.object)
            : fail(res, 404, 'NotFound', `${plural} "${name}" not found`);
        if (url.searchParams.get('watch') === 'true') return streamWatch(req, res, url, inScope);
        const items = [...store.values()].filter(inScope).map((s) => s.object);
        return send(res, 200, { kind: 'List', metadata: { resourceVersion: String(rv) }, items });
      }
      case 'POST': {
        const object = body!;
        const objName = object.metadata.name;
        if (store.has(keyOf(collection, namespace, objName)))
          return fail(res, 409, 'AlreadyExists', `${plural} "${objName}" already exists`);
        object.metadata = {
          ...object.metadata,
          namespace: namespace || undefined,
          uid: randomUUID(),
          generation: 1,
          creationTimestamp: new Date().toISOString(),
        };
        const s = { collection, namespace, object };
        write(s, 'ADDED');
        return send(res, 201, s.object);
      }
      case 'PUT':
      case 'PATCH': {
        if (!existing) return fail(res, 404, 'NotFound', `${plural} "${name}" not found`);
        const current = existing.object;
        const sentRv = (body?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
        if (sentRv && sentRv !== current.metadata.resourceVersion)
          return fail(res, 409, 'Conflict', 'the object has been modified');
        let next: Obj = req.method === 'PUT' ? body! : (mergePatch(current, body) as Obj);
        if (sub === 'status') next = { ...current, status: next.status };
        else if (current.status !== undefined) next = { ...next, status: current.status };
        next.metadata = {
          ...next.metadata,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          generation: current.metadata.generation,
        };
        if (JSON.stringify(next.spec) !== JSON.stringify(current.spec))
          next.metadata.generation = Number(current.metadata.generation ?? 1) + 1;
        existing.object = next;
        if (next.metadata.deletionTimestamp && !(next.metadata.finalizers as string[] | undefined)?.length) {
          remove(existing);
          return send(res, 200, next);
        }
        write(existing, 'MODIFIED');
        return send(res, 200, existing.object);
      }
      case 'DELETE': {
        if (!existing) return fail(res, 404, 'NotFound', `${plural} "${name}" not found`);
        if ((existing.object.metadata.finalizers as string[] | undefined)?.length) {
          existing.object.metadata.deletionTimestamp ??= new Date().toISOString();
          write(existing, 'MODIFIED');
        } else {
          remove(existing);
        }
        return send(res, 200, { kind: 'Status', status: 'Success' });
      }
      default:
        return fail(res, 405, 'MethodNotAllowed', String(req.method));
    }
  }

  function streamWatch(req: IncomingMessage, res: ServerResponse, url: URL, inScope: (s: Event) => boolean) {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const since = Number(url.searchParams.get('resourceVersion') ?? rv);
    const sendEvent = (e: Event) => {
      if (e.rv > since && inScope(e)) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    };
    for (const e of events) sendEvent(e);
    watchers.add(sendEvent);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    const timer = timeout ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    req.on('close', () => {
      watchers.delete(sendEvent);
      if (timer) clearTimeout(timer);
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, 'InternalError', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = join(tmpdir(), `fake-apiserver-${randomUUID()}.kubeconfig`);
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token: 'fake' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
      'current-context': 'fake',
    }),
  );

  const locate = (path: string) => {
    const m = PATH.exec(path);
    if (!m) throw new Error(`bad path ${path}`);
    const [, core, group, version, namespace = '', plural, name = ''] = m;
    return { collection: core ? `v1/${plural}` : `${group}/${version}/${plural}`, namespace, name };
  };
  return {
    url,
    kubeconfig,
    calls,
    get<T = Obj>(path: string) {
      const l = locate(path);
      return store.get(keyOf(l.collection, l.namespace, l.name))?.object as T | undefined;
    },
    update(path, change) {
      const l = locate(path);
      const s = store.get(keyOf(l.collection, l.namespace, l.name));
      if (!s) throw new Error(`no object at ${path}`);
      change(s.object);
      write(s, 'MODIFIED');
    },
    list<T = Obj>(collectionPath: string) {
      const l = locate(collectionPath);
      return [...store.values()]
        .filter((s) => s.collection === l.collection && (!l.namespace || s.namespace === l.namespace))
        .map((s) => s.object as T);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
