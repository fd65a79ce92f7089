/** Request ids: keeps a caller's `x-request-id` when sane, otherwise makes one; echoes it on the response. */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

const SANE_ID = /^[\w.:-]{1,128}$/;

/** Middleware factory: sets `requestId`. */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const given = c.env.incoming.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    c.header('x-request-id', id);
    await next();
  };
}
