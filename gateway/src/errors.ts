/**
 * The gateway's one error type. Every failure on the data path becomes a GatewayError and is rendered once,
 * as an OpenAI error body with the right status (see `renderError`).
 */
import { type OpenAIErrorBody, openAIError } from '@switchyard/api';

/** OpenAI error types the gateway uses. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_exceeded'
  | 'server_error'
  | 'service_unavailable'
  | 'timeout';

/** Options of a GatewayError beyond status and message. */
export interface GatewayErrorOptions {
  type?: OpenAIErrorType;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error with an HTTP status that renders as an OpenAI error body. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.type = options.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI error body. */
  toBody(): OpenAIErrorBody {
    return openAIError(this.message, this.type, this.param, this.code);
  }
}

/** 400 with the offending field as `param`. */
export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(400, message, { type: 'invalid_request_error', param, code });

/** 404 for a model that does not exist or that the key may not use (OpenAI does not tell the two apart). */
export const modelNotFound = (model: string) =>
  new GatewayError(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });

/** Maps anything thrown on the data path to a GatewayError (unknown errors become an opaque 500). */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(500, 'The gateway failed to process the request.', {
    type: 'server_error',
    code: 'internal_error',
    cause: error,
  });
}
