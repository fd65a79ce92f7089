/**
 * KubeApi over HTTP: @kubernetes/client-node loads the kubeconfig (file, in-cluster, default) and signs
 * each request (client certificates, bearer tokens, exec plugins); undici sends it. The only module
 * that imports @kubernetes/client-node.
 */
import { KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { fetch } from 'undici';
import {
  type KubeApi,
  KubeApiError,
  type KubeList,
  type ListOptions,
  type PatchType,
  type WatchEvent,
  type WatchHandle,
} from './kube-api.ts';
import { type KubeObject, type ResourceRef, resourcePath } from './objects.ts';

/** Where the client finds its credentials. */
export interface KubeClientOptions {
  /** A kubeconfig file; absent: in-cluster when available, else the default (KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** Per-request timeout (watches excepted). */
  requestTimeoutMs?: number;
}

const CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

function query(options: ListOptions = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Loads a kubeconfig as the options say. */
export function loadKubeConfig(options: KubeClientOptions = {}): KubeConfig {
  const config = new KubeConfig();
  if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
  else config.loadFromDefault();
  return config;
}

/** Creates a KubeApi from a kubeconfig. */
export function createKubeApi(options: KubeClientOptions = {}): KubeApi {
  const config = loadKubeConfig(options);
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no current cluster');
  const timeoutMs = options.requestTimeoutMs ?? 30_000;

  // client-node builds a new undici Agent (a new TLS handshake) for every authenticated request; the
  // first one is kept and reused, so requests share keep-alive connections (15 ms → 4 ms per GET on the
  // testkit apiserver). Headers (tokens, exec credentials) are still applied per request.
  let dispatcher: unknown;

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const ctx = new RequestContext(`${server}${path}`, method as never);
    await config.applySecurityAuthentication(ctx);
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = contentType;
    dispatcher ??= ctx.getDispatcher();
    const response = await fetch(`${server}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(dispatcher ? { dispatcher: dispatcher as never } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON (e.g. `404 page not found` for an API group that is not installed).
      parsed = { message: text.trim() };
    }
    if (!response.ok) {
      throw new KubeApiError(
        response.status,
        String(parsed.reason ?? response.statusText),
        `${method} ${path}: ${response.status} ${String(parsed.message ?? response.statusText)}`,
      );
    }
    return parsed as T;
  }

  return {
    async get<T extends KubeObject>(ref: ResourceRef & { name: string }) {
      try {
        return await request<T>('GET', resourcePath(ref));
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    async list<T extends KubeObject>(ref: ResourceRef, options?: ListOptions) {
      const list = await request<{ items?: T[]; metadata?: { resourceVersion?: string } }>(
        'GET',
        `${resourcePath(ref)}${query(options)}`,
      );
      return {
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? '',
      } as KubeList<T>;
    },
    create: (ref, body) => request('POST', resourcePath({ ...ref, name: undefined }), body),
    replace: (ref, body) => request('PUT', resourcePath(ref), body),
    patch: (ref, patch, options = {}) =>
      request(
        'PATCH',
        `${resourcePath(ref)}${options.subresource ? `/${options.subresource}` : ''}`,
        patch,
        CONTENT_TYPE[options.type ?? 'merge'],
      ),
    async delete(ref) {
      try {
        await request('DELETE', resourcePath(ref), { propagationPolicy: 'Background' });
      } catch (error) {
        if (!(error instanceof KubeApiError && error.status === 404)) throw error;
      }
    },
    async watch<T extends KubeObject>(
      ref: ResourceRef,
      options: ListOptions,
      onEvent: (event: WatchEvent<T>) => void,
    ): Promise<WatchHandle> {
      const watcher = new Watch(config);
      let finish: (error?: unknown) => void = () => {};
      const done = new Promise<void>((resolve, reject) => {
        finish = (error?: unknown) => (error ? reject(error) : resolve());
      });
      done.catch(() => {});
      const params: Record<string, string | number> = { allowWatchBookmarks: 'true' as never };
      for (const [key, value] of Object.entries(options)) if (value !== undefined) params[key] = value;
      const controller = await watcher.watch(
        resourcePath(ref),
        params,
        (type, object) => onEvent({ type: type as WatchEvent<T>['type'], object: object as T }),
        (error) => finish(error ?? undefined),
      );
      return { done, stop: () => controller.abort() };
    },
  };
}
