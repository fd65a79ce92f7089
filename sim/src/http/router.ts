/**
 * sim/http — routes a request to its handler and renders every failure once. Fault checks that act
 * per request (still loading, injected 500s) sit here, in front of the handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleChatCompletion } from './chat.ts';
import { handleCompletion } from './completions.ts';
import type { SimContext } from './context.ts';
import { handleEmbeddings } from './embeddings.ts';
import { handleHealth, handleMetrics, handleModels, handleTokenize, handleVersion } from './info.ts';
import { readJson, SimHttpError, sendError } from './respond.ts';

type BodyHandler = (ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: unknown) => void;

const GENERATION: Record<string, BodyHandler> = {
  '/v1/chat/completions': handleChatCompletion,
  '/v1/completions': handleCompletion,
  '/v1/embeddings': handleEmbeddings,
};

const GETS: Record<
  string,
  { handle: (ctx: SimContext, res: ServerResponse) => void | Promise<void>; whileLoading?: false }
> = {
  '/health': { handle: handleHealth },
  '/ping': { handle: handleHealth },
  '/metrics': { handle: handleMetrics },
  '/version': { handle: (_ctx, res) => handleVersion(res) },
  '/v1/models': { handle: handleModels, whileLoading: false },
};

/** Handles one HTTP request. */
export async function route(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const q = req.url?.indexOf('?') ?? -1;
    const path = q >= 0 ? req.url!.slice(0, q) : (req.url ?? '/');
    const method = req.method ?? 'GET';
    const get = GETS[path];
    if (get && !(get.whileLoading === false && ctx.faults.isLoading(ctx.clock.now()))) {
      expectMethod(method, 'GET');
      return await get.handle(ctx, res);
    }
    if (ctx.faults.isLoading(ctx.clock.now())) throw new SimHttpError(503, 'The model is still loading.');
    if (path === '/tokenize') {
      expectMethod(method, 'POST');
      return handleTokenize(ctx, res, await readJson(req));
    }
    const handler = GENERATION[path];
    if (!handler) throw new SimHttpError(404, 'Not Found', null, true);
    expectMethod(method, 'POST');
    const body = await readJson(req);
    if (ctx.faults.shouldFail())
      throw new SimHttpError(500, 'Injected fault: the engine failed this request.');
    handler(ctx, req, res, body);
  } catch (err) {
    sendError(res, err);
  }
}

function expectMethod(method: string, expected: string): void {
  if (method !== expected) throw new SimHttpError(405, 'Method Not Allowed', null, true);
}
