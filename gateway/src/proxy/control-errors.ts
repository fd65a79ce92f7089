/**
 * Rate-limit and admission rejections as GatewayErrors, so the app renders them once like every other
 * failure: 429 with `retry-after`, the `x-ratelimit-*` headers and OpenAI's `rate_limit_exceeded` body
 * (type `requests` or `tokens`); 503 with `retry-after` for a saturated or unavailable model.
 */
import type { OpenAIErrorBody } from '@switchyard/api';
import type { AdmissionError } from '../admission/errors.ts';
import { GatewayError } from '../errors.ts';
import type { RateLimitDecision, RateLimiter } from '../ratelimit/limiter.ts';

/** A GatewayError whose body is given exactly (OpenAI uses error types the generic helper does not). */
class ExactBodyError extends GatewayError {
  override name = 'ExactBodyError';
  readonly #body: OpenAIErrorBody;
  constructor(status: number, body: OpenAIErrorBody, headers: Record<string, string>, code: string) {
    super(status, body.error.message, { code, headers });
    this.#body = body;
  }
  override toBody(): OpenAIErrorBody {
    return this.#body;
  }
}

/** The error for a rejected rate-limit decision (429, or 503 when the store is down and policy is closed). */
export function rateLimitRejection(decision: RateLimitDecision, limiter: RateLimiter): GatewayError {
  const status = decision.reason === 'rate_limited' ? 429 : 503;
  const code = decision.reason === 'rate_limited' ? 'rate_limit_exceeded' : 'rate_limiter_unavailable';
  return new ExactBodyError(status, limiter.errorBody(decision), decision.headers, code);
}

/** The error for a request the admission queue turned away. */
export function admissionRejection(
  error: AdmissionError,
  headers: Record<string, string> = {},
): GatewayError {
  const extra: Record<string, string> = { ...headers };
  if (error.retryAfterSeconds > 0) extra['retry-after'] = String(error.retryAfterSeconds);
  return new ExactBodyError(error.status, error.toOpenAIError(), extra, error.reason);
}
