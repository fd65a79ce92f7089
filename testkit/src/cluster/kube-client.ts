// testkit: a small Kubernetes REST client over node:https (client certs or tokens), with server-side apply.
// Enough for the cluster setup, the pod runner and tests; the operator uses @kubernetes/client-node.

import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { parse, parseAllDocuments } from 'yaml';
import { TestkitError } from '../core/errors.ts';

/** How to reach and authenticate to an API server. */
export interface KubeCredentials {
  server: string;
  /** CA certificate PEM. */
  ca: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  token?: string;
}

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A response: status code and parsed JSON body (or text when not JSON). */
export interface KubeResponse<T> {
  status: number;
  body: T;
}

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** A minimal REST client for one API server. */
export class KubeClient {
  readonly server: string;
  #agent: Agent;
  #token: string | undefined;
  #discovery = new Map<string, Resource[]>();

  constructor(credentials: KubeCredentials) {
    this.server = credentials.server;
    this.#token = credentials.token;
    this.#agent = new Agent({
      ca: credentials.ca,
      ...(credentials.cert ? { cert: credentials.cert } : {}),
      ...(credentials.key ? { key: credentials.key } : {}),
      keepAlive: true,
    });
  }

  /** Sends one request; the body is JSON-encoded unless it is a string. */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const url = new URL(path, this.server);
    return new Promise((resolveResponse, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          agent: this.#agent,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType } : {}),
            ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolveResponse({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** GET that must succeed (2xx); throws with the server's message otherwise. */
  async get<T = unknown>(path: string): Promise<T> {
    const response = await this.request<T>('GET', path);
    if (response.status >= 300) throw kubeError('GET', path, response);
    return response.body;
  }

  /** DELETE; a missing object is not an error. */
  async delete(path: string): Promise<void> {
    const response = await this.request('DELETE', path);
    if (response.status >= 300 && response.status !== 404) throw kubeError('DELETE', path, response);
  }

  /** The REST path of an object (collection path when `name` is omitted). */
  async pathFor(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const resource = await this.#resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = resource.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return `${base}${ns}/${resource.name}${name ? `/${name}` : ''}`;
  }

  /** Server-side applies objects (or a multi-document YAML string) in order; returns what the server stored. */
  async apply(objects: KubeObject | KubeObject[] | string, fieldManager = 'testkit'): Promise<KubeObject[]> {
    const list =
      typeof objects === 'string'
        ? parseAllDocuments(objects)
            .map((doc) => doc.toJSON() as KubeObject | null)
            .filter((o): o is KubeObject => !!o)
        : Array.isArray(objects)
          ? objects
          : [objects];
    const applied: KubeObject[] = [];
    for (const object of list) {
      const path = await this.pathFor(
        object.apiVersion,
        object.kind,
        object.metadata.namespace,
        object.metadata.name,
      );
      const response = await this.request<KubeObject>(
        'PATCH',
        `${path}?fieldManager=${fieldManager}&force=true`,
        object,
        'application/apply-patch+yaml',
      );
      if (response.status >= 300)
        throw kubeError('apply', `${object.kind}/${object.metadata.name}`, response);
      applied.push(response.body);
    }
    return applied;
  }

  async #resource(apiVersion: string, kind: string): Promise<Resource> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let resources = this.#discovery.get(apiVersion);
      if (!resources || attempt > 0) {
        const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        const response = await this.request<{ resources?: Resource[] }>('GET', path);
        resources = response.status === 200 ? (response.body.resources ?? []) : [];
        this.#discovery.set(apiVersion, resources);
      }
      const found = resources.find((r) => r.kind === kind && !r.name.includes('/'));
      if (found) return found;
    }
    throw new TestkitError('kube-client', 'discovery', `no resource of kind ${kind} in ${apiVersion}`);
  }

  /** Closes pooled connections. */
  close(): void {
    this.#agent.destroy();
  }
}

function kubeError(method: string, path: string, response: KubeResponse<unknown>): TestkitError {
  const message =
    (response.body as { message?: string } | undefined)?.message ?? JSON.stringify(response.body);
  return new TestkitError('kube-client', `${method} ${path}`, `${response.status}: ${message}`);
}

/** A client from a kubeconfig file written by testkit (embedded certificate data or a token). */
export function kubeClientFromKubeconfig(path: string): KubeClient {
  const config = parse(readFileSync(path, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  const user = config.users[0]!.user;
  const decode = (data?: string) => (data ? Buffer.from(data, 'base64') : undefined);
  const cert = decode(user['client-certificate-data']);
  const key = decode(user['client-key-data']);
  return new KubeClient({
    server: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(user.token ? { token: user.token } : {}),
  });
}
