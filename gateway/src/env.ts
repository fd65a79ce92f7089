/** The Hono environment of the gateway app: Node bindings and the per-request variables middleware sets. */
import type { HttpBindings } from '@hono/node-server';

/** Who is calling: the API key's id, its tenant and the models it may use (undefined: all). */
export interface Principal {
  keyId: string;
  tenant: string;
  models: ReadonlySet<string> | undefined;
}

/** Hono env type for the gateway app. */
export interface GatewayEnv {
  Bindings: HttpBindings;
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
