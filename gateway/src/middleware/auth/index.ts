/**
 * API-key authentication. Keys are configured only as SHA-256 digests; the presented key is hashed and
 * looked up by digest, then confirmed with a constant-time comparison. Looking up by digest leaks nothing
 * useful: a caller cannot steer the digest's bytes toward a stored one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv, Principal } from '../../env.ts';
import { GatewayError } from '../../errors.ts';

/** One configured key. */
export interface ApiKeyEntry {
  id: string;
  sha256: string;
  tenant: string;
  models?: string[] | undefined;
}

/** Options of `apiKeyAuth`. */
export interface ApiKeyAuthOptions {
  mode: 'required' | 'disabled';
  keys: readonly ApiKeyEntry[];
}

/** The principal used when authentication is disabled (local runs). */
export const ANONYMOUS: Principal = { keyId: 'anonymous', tenant: 'default', models: undefined };

/** SHA-256 of an API key, hex: what the configuration stores. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const invalidKey = () =>
  new GatewayError(401, 'Incorrect API key provided.', {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  });

/** Builds a key table from configuration; rejects duplicates so a key cannot belong to two tenants. */
function buildTable(keys: readonly ApiKeyEntry[]): Map<string, { digest: Buffer; principal: Principal }> {
  const table = new Map<string, { digest: Buffer; principal: Principal }>();
  for (const [i, key] of keys.entries()) {
    if (!/^[0-9a-f]{64}$/.test(key.sha256))
      throw new TypeError(`auth.keys[${i}].sha256: not a hex SHA-256 digest`);
    if (table.has(key.sha256))
      throw new TypeError(`auth.keys[${i}].sha256: the same key is configured twice`);
    table.set(key.sha256, {
      digest: Buffer.from(key.sha256, 'hex'),
      principal: { keyId: key.id, tenant: key.tenant, models: key.models ? new Set(key.models) : undefined },
    });
  }
  return table;
}

/**
 * Builds the authenticator: returns the caller's principal from the request headers, or throws the 401.
 * A plain function (no middleware layer) so the API app can run it inside its one front middleware.
 */
export function createAuthenticator(options: ApiKeyAuthOptions): (headers: IncomingHttpHeaders) => Principal {
  if (options.mode === 'disabled') return () => ANONYMOUS;
  const table = buildTable(options.keys);
  return (headers) => {
    const header = headers.authorization;
    let presented: string | undefined;
    if (header?.startsWith('Bearer ')) presented = header.slice(7).trim();
    else presented = headers['api-key'] as string | undefined;
    if (!presented) {
      throw new GatewayError(
        401,
        'You didn\'t provide an API key. Provide it as "Authorization: Bearer <key>".',
        {
          type: 'invalid_request_error',
          code: 'missing_api_key',
        },
      );
    }
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    const entry = table.get(digest.toString('hex'));
    if (!entry || !timingSafeEqual(entry.digest, digest)) throw invalidKey();
    return entry.principal;
  };
}

/** Middleware factory: authenticates `Authorization: Bearer <key>` (or `api-key`) and sets `principal`. */
export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler<GatewayEnv> {
  const authenticate = createAuthenticator(options);
  return (c, next) => {
    c.set('principal', authenticate(c.env.incoming.headers));
    return next();
  };
}

/** True when the principal may use `model`. */
export function mayUseModel(principal: Principal, model: string): boolean {
  return principal.models === undefined || principal.models.has(model);
}
