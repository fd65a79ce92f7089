/**
 * Retries that can never duplicate output: an attempt is retried only before its response has been handed
 * to the caller (so before the first byte reaches the client), only on a connect error or a 503, and always
 * on a different endpoint. Each outcome feeds the outlier detector.
 */
import type { OutlierDetector } from './outlier-detector.ts';
import type { Pick } from './types.ts';

const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Whether an error means the request never reached the engine (safe to send elsewhere). */
export function isConnectError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_ERROR_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Whether a status means "try another endpoint". */
export function isRetryableStatus(status: number): boolean {
  return status === 503;
}

/** Options of {@link sendWithRetries}. */
export interface RetryOptions<T> {
  maxAttempts: number;
  /** Chooses an endpoint, excluding those already tried. */
  pick(exclude: ReadonlySet<string>): Pick | undefined;
  /** Sends to the endpoint and resolves at response headers, before anything is written to the client. */
  send(pick: Pick, attempt: number): Promise<T>;
  status(response: T): number;
  /** Drops a response that will be retried (consume or destroy its body). */
  discard(response: T): void;
  outliers?: OutlierDetector;
  /** Told before each retry. */
  onRetry?: (pick: Pick, reason: string, attempt: number) => void;
}

/** The response that will be streamed, and where it came from. */
export interface RetryResult<T> {
  response: T;
  pick: Pick;
  attempts: number;
}

/** Thrown when no endpoint can take the request (none left to try). */
export class NoEndpointError extends Error {
  override readonly name = 'NoEndpointError';
}

/**
 * Sends with retries. Resolves with the first response that is not retried (including a final 503);
 * rejects with the last error when every attempt failed to connect, or {@link NoEndpointError}.
 */
export async function sendWithRetries<T>(options: RetryOptions<T>): Promise<RetryResult<T>> {
  const tried = new Set<string>();
  // Created only when needed: an Error captures a stack, which costs on every request.
  let lastError: unknown;
  let pick = options.pick(tried);
  for (let attempt = 1; pick && attempt <= options.maxAttempts; attempt++) {
    const id = pick.endpoint.id;
    tried.add(id);
    options.outliers?.recordAttempt(id);
    let response: T;
    try {
      response = await options.send(pick, attempt);
    } catch (error) {
      if (!isConnectError(error)) throw error;
      options.outliers?.recordFailure(id);
      lastError = error;
      const failed = pick;
      pick = attempt < options.maxAttempts ? options.pick(tried) : undefined;
      if (pick) options.onRetry?.(failed, 'connect_error', attempt);
      continue;
    }
    const status = options.status(response);
    if (status >= 500) options.outliers?.recordFailure(id);
    else options.outliers?.recordSuccess(id);
    if (!isRetryableStatus(status) || attempt === options.maxAttempts)
      return { response, pick, attempts: attempt };
    const next = options.pick(tried);
    if (!next) return { response, pick, attempts: attempt };
    options.discard(response);
    options.onRetry?.(pick, `status_${status}`, attempt);
    pick = next;
  }
  throw lastError ?? new NoEndpointError('no ready endpoint');
}
