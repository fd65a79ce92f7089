/**
 * sim/http — the one error type of the simulator's HTTP boundary and the helpers that write
 * responses. Errors render once, as vLLM renders them: `{"error": {message, type, param, code}}`
 * with the HTTP status as a number in `code`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  405: 'MethodNotAllowed',
  413: 'BadRequestError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

/** An error that becomes an HTTP response with vLLM's error body. */
export class SimHttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  /** Routing errors come from FastAPI itself in vLLM, as `{"detail": ...}`. */
  readonly routing: boolean;

  constructor(status: number, message: string, param: string | null = null, routing = false) {
    super(message);
    this.status = status;
    this.type = ERROR_TYPES[status] ?? 'InternalServerError';
    this.param = param;
    this.routing = routing;
  }
}

/** Writes a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes any thrown value as vLLM's error body (unknown errors become 500). */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof SimHttpError ? err : new SimHttpError(500, (err as Error)?.message ?? String(err));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e.routing) sendJson(res, e.status, { detail: e.message });
  else
    sendJson(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.status } });
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads and parses a JSON request body; malformed JSON is a 400 as in vLLM. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SimHttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new SimHttpError(400, 'JSON decode error: the request body is not valid JSON');
  }
}
