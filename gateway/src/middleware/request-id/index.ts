/** Request ids: keeps a caller's `x-request-id` when sane, otherwise makes one; echoes it on the response. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

const SANE_ID = /^[\w.:-]{1,128}$/;

/** The caller's `x-request-id` when sane, otherwise a fresh UUID. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}

/**
 * Middleware factory: sets `requestId` and echoes it on Hono-rendered responses. The API app inlines
 * `requestIdOf` instead: its proxied responses are written to Node directly and set the header themselves,
 * and `c.header` would allocate a web `Headers` per request for nothing.
 */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  return (c, next) => {
    const id = requestIdOf(c.env.incoming.headers);
    c.set('requestId', id);
    c.header('x-request-id', id);
    return next();
  };
}
