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

/** Options of {@link RetryPlan}. */
export interface RetryOptions {
  maxAttempts: number;
  /** Chooses an endpoint, excluding those already tried. */
  pick(exclude: ReadonlySet<string>): Pick | undefined;
  outliers?: OutlierDetector;
}

/** Thrown when no endpoint can take the request (none left to try). */
export class NoEndpointError extends Error {
  override readonly name = 'NoEndpointError';
}

/**
 * The retry rule for one request, a step at a time: the caller sends to what `first` returns, then reports
 * each outcome (`afterError` before any response, `afterResponse` at the response headers) and sends to what
 * comes back, if anything. Each step records the outcome with the outlier detector. Steps, not a loop that
 * awaits, so that the proxy's handler can drive it from its callbacks.
 */
export class RetryPlan {
  readonly #maxAttempts: number;
  readonly #pick: (exclude: ReadonlySet<string>) => Pick | undefined;
  readonly #outliers: OutlierDetector | undefined;
  readonly #tried = new Set<string>();
  #attempt = 0;

  constructor(options: RetryOptions) {
    this.#maxAttempts = options.maxAttempts;
    this.#pick = options.pick;
    this.#outliers = options.outliers;
  }

  /** Attempts started so far. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The endpoint of the first attempt; throws {@link NoEndpointError} when there is none. */
  first(): Pick {
    const pick = this.#maxAttempts > 0 ? this.#pick(this.#tried) : undefined;
    if (!pick) throw new NoEndpointError('no ready endpoint');
    return this.#start(pick);
  }

  /**
   * The attempt on `failed` threw `error` before any response. Returns the endpoint to try next, or throws
   * `error` when it may not be retried (not a connect error) or no attempt or endpoint is left.
   */
  afterError(failed: Pick, error: unknown): Pick {
    if (!isConnectError(error)) throw error;
    this.#outliers?.recordFailure(failed.endpoint.id);
    const next = this.#attempt < this.#maxAttempts ? this.#pick(this.#tried) : undefined;
    if (!next) throw error;
    return this.#start(next);
  }

  /**
   * The attempt on `answered` got a response with `status`. Returns the endpoint to retry on (the caller
   * discards this response), or `undefined` to keep the response (including a final 503).
   */
  afterResponse(answered: Pick, status: number): Pick | undefined {
    if (status >= 500) this.#outliers?.recordFailure(answered.endpoint.id);
    else this.#outliers?.recordSuccess(answered.endpoint.id);
    if (!isRetryableStatus(status) || this.#attempt >= this.#maxAttempts) return undefined;
    const next = this.#pick(this.#tried);
    if (!next) return undefined;
    return this.#start(next);
  }

  #start(pick: Pick): Pick {
    this.#attempt++;
    this.#tried.add(pick.endpoint.id);
    this.#outliers?.recordAttempt(pick.endpoint.id);
    return pick;
  }
}
