/**
 * The gateway's Hono apps: the API app (OpenAI endpoints behind request id and auth) and the admin app
 * (`/metrics`, `/healthz`, `/readyz`). Errors are rendered in one place, `renderError`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { GatewayEnv, Principal } from './env.ts';
import { GatewayError, toGatewayError } from './errors.ts';
import { type ApiKeyAuthOptions, createAuthenticator } from './middleware/auth/index.ts';
import { requestIdOf } from './middleware/request-id/index.ts';
import { type ProxyDeps, type ProxyRoute, proxyHandler, proxyRoute } from './proxy/handler.ts';
import { modelsHandler } from './proxy/models.ts';
import { OPERATIONS, type OperationName } from './proxy/operations.ts';

/** What the API app needs. */
export interface ApiAppDeps extends ProxyDeps {
  auth: ApiKeyAuthOptions;
  /** True once a graceful shutdown began: new requests are refused with 503. */
  isDraining: () => boolean;
}

/** Renders any error as an OpenAI error body with its status and headers. */
export function renderError(error: unknown, c: Context<GatewayEnv>): Response {
  const failure = toGatewayError(error);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...failure.headers };
  const id = c.get('requestId');
  if (id) headers['x-request-id'] = id;
  return new Response(JSON.stringify(failure.toBody()), { status: failure.status, headers });
}

const shuttingDown = () =>
  new GatewayError(503, 'The gateway is shutting down; retry on another replica.', {
    type: 'service_unavailable',
    code: 'shutting_down',
    headers: { 'retry-after': '1', connection: 'close' },
  });

/** Writes an error straight to Node's response, as `renderError` does through Hono. */
function writeError(outgoing: ServerResponse, error: unknown, requestId: string): void {
  if (outgoing.headersSent) {
    outgoing.destroy(); // unreachable by design: the relays end their own responses after the first byte
    return;
  }
  const failure = toGatewayError(error);
  const payload = JSON.stringify(failure.toBody());
  outgoing.writeHead(failure.status, {
    'content-type': 'application/json',
    ...failure.headers,
    'x-request-id': requestId,
    'content-length': Buffer.byteLength(payload),
  });
  outgoing.end(payload);
}

/**
 * The API listener: the three proxied POST routes are served straight from Node's request event (request
 * id, drain check, auth, route, error body: the same steps and bodies as the Hono app, without its Request
 * wrapper, context, middleware chain and response conversion per request); everything else goes to Hono.
 */
export function createApiListener(
  deps: ApiAppDeps,
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  const fallback = getRequestListener(createApiApp(deps).fetch);
  const authenticate = createAuthenticator(deps.auth);
  const routes = new Map<string, ProxyRoute>();
  for (const name of Object.keys(OPERATIONS) as OperationName[]) {
    routes.set(OPERATIONS[name].path, proxyRoute(name, deps));
  }
  return (incoming, outgoing) => {
    const route = incoming.method === 'POST' ? routes.get(incoming.url ?? '') : undefined;
    if (!route) {
      void fallback(incoming, outgoing);
      return;
    }
    const requestId = requestIdOf(incoming.headers);
    let principal: Principal;
    try {
      if (deps.isDraining()) throw shuttingDown();
      principal = authenticate(incoming.headers);
    } catch (error) {
      writeError(outgoing, error, requestId);
      return;
    }
    try {
      route(incoming, outgoing, principal, requestId, (failure) => {
        if (failure !== undefined) writeError(outgoing, failure, requestId);
      });
    } catch (error) {
      writeError(outgoing, error, requestId); // a bug in a step, not the client's doing: still an OpenAI body
    }
  };
}

/** Creates the API app. */
export function createApiApp(deps: ApiAppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError(renderError);
  app.notFound((c) =>
    renderError(
      new GatewayError(404, `Unknown request URL: ${c.req.method} ${c.req.path}.`, { code: 'unknown_url' }),
      c,
    ),
  );
  const authenticate = createAuthenticator(deps.auth);
  // Request id, drain check and auth in one synchronous layer: each Hono layer is an async frame per
  // request, and `c.header` would allocate a web Headers the directly-written proxy responses never use
  // (they, `renderError` and the models list set x-request-id themselves).
  app.use('*', (c, next) => {
    const { headers } = c.env.incoming;
    c.set('requestId', requestIdOf(headers));
    if (deps.isDraining()) throw shuttingDown();
    const url = c.env.incoming.url ?? '';
    if (url.startsWith('/v1/') || url === '/v1') c.set('principal', authenticate(headers));
    return next();
  });
  app.post('/v1/chat/completions', proxyHandler('chat', deps));
  app.post('/v1/completions', proxyHandler('completions', deps));
  app.post('/v1/embeddings', proxyHandler('embeddings', deps));
  app.get('/v1/models', modelsHandler(deps.endpoints));
  return app;
}

/** What the admin app needs. */
export interface AdminAppDeps {
  /** What `/metrics` renders: one gateway's registry, or a cluster primary's merged view. */
  metrics: { registry: { metrics(): Promise<string>; contentType: string } };
  isReady: () => boolean;
}

/** Creates the admin app: Prometheus metrics and the probes. */
export function createAdminApp(deps: AdminAppDeps): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) =>
    deps.isReady() ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503),
  );
  return app;
}
