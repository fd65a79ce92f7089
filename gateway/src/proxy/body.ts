/** Reading and validating request bodies straight from Node's IncomingMessage (no web-stream detour). */
import type { IncomingMessage } from 'node:http';
import { describeZodError } from '@switchyard/api';
import type { z } from 'zod';
import { badRequest, GatewayError } from '../errors.ts';

const tooLarge = (limit: number) =>
  new GatewayError(413, `Request body is larger than the limit of ${limit} bytes.`, {
    type: 'invalid_request_error',
    code: 'request_too_large',
  });

/** The request's own 'error': its client closed the connection before the body was complete. */
const bodyCutShort = (cause: Error) =>
  new GatewayError(499, 'The client closed the connection before its request body arrived.', {
    type: 'invalid_request_error',
    code: 'client_closed',
    cause,
  });

/** Where {@link readBody} reports, once. */
export interface BodySink {
  bodyRead(raw: Buffer): void;
  bodyFailed(error: Error): void;
}

/**
 * Reads the whole body, refusing more than `limit` bytes (413) before buffering them, and reports to `sink`
 * (no promise: the proxy's hot path is callbacks end to end, ADR 0002 seventh pass).
 */
export function readBody(incoming: IncomingMessage, limit: number, sink: BodySink): void {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    sink.bodyFailed(tooLarge(limit));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      cleanup();
      incoming.resume();
      sink.bodyFailed(tooLarge(limit));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    sink.bodyRead(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onError = (error: Error) => {
    cleanup();
    sink.bodyFailed(bodyCutShort(error));
  };
  const cleanup = () => {
    incoming.off('data', onData);
    incoming.off('end', onEnd);
    incoming.off('error', onError);
  };
  incoming.on('data', onData);
  incoming.on('end', onEnd);
  incoming.on('error', onError);
}

/** Parses a JSON body and validates it; 400 with `param` naming the field on failure. */
export function parseJsonBody<S extends z.ZodType>(raw: Buffer, schema: S): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest(
      'We could not parse the JSON body of your request. Expected a JSON object.',
      null,
      'invalid_json',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const { param, message } = describeZodError(result.error);
    throw badRequest(message, param, 'invalid_value');
  }
  return result.data;
}
