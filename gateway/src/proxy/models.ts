/** `GET /v1/models`: the models the gateway can serve, from its endpoint snapshot, as the key may see them. */
import type { ModelCard } from '@switchyard/api';
import type { Handler } from 'hono';
import type { EndpointTable } from '../discovery/endpoint-table.ts';
import type { GatewayEnv } from '../env.ts';
import { mayUseModel } from '../middleware/auth/index.ts';

const started = Math.floor(Date.now() / 1000);

/** Creates the models-list handler. */
export function modelsHandler(endpoints: EndpointTable): Handler<GatewayEnv> {
  return (c) => {
    const principal = c.get('principal');
    const data: ModelCard[] = endpoints
      .models()
      .filter((model) => mayUseModel(principal, model))
      .map((id) => ({ id, object: 'model', created: started, owned_by: 'switchyard' }));
    return c.json({ object: 'list', data }, 200, { 'x-request-id': c.get('requestId') });
  };
}
