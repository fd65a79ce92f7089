/** The one error type of admission; the proxy renders it as an OpenAI error body with `retry-after`. */
import type { OpenAIErrorBody } from '@switchyard/api';
import { openAIError } from '@switchyard/api';

/** Why a request was not admitted. */
export type AdmissionRejection =
  | 'queue_full'
  | 'queue_timeout'
  | 'no_ready_endpoints'
  | 'tenant_over_share'
  | 'cancelled';

const STATUS: Record<AdmissionRejection, number> = {
  queue_full: 503,
  queue_timeout: 503,
  no_ready_endpoints: 503,
  tenant_over_share: 429,
  cancelled: 499,
};

const MESSAGE: Record<AdmissionRejection, string> = {
  queue_full: 'The model is saturated and its queue is full; please retry.',
  queue_timeout: 'The request waited in the queue past its deadline; please retry.',
  no_ready_endpoints: 'No ready server for this model came up before the deadline; please retry shortly.',
  tenant_over_share: 'Your organization is using more than its share of this model; please retry.',
  cancelled: 'The client went away while the request was queued.',
};

/** A request the admission queue turned away (or whose client left while it waited). */
export class AdmissionError extends Error {
  override readonly name = 'AdmissionError';
  readonly reason: AdmissionRejection;
  readonly model: string;
  /** HTTP status: 503, 429 for a tenant over its share, 499 for a client that left. */
  readonly status: number;
  readonly retryAfterSeconds: number;

  constructor(reason: AdmissionRejection, model: string, retryAfterSeconds: number) {
    super(`${MESSAGE[reason]} (model ${model})`);
    this.reason = reason;
    this.model = model;
    this.status = STATUS[reason];
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** OpenAI error body: `rate_limit_exceeded` for 429, the reason as code otherwise. */
  toOpenAIError(): OpenAIErrorBody {
    if (this.status === 429) return openAIError(this.message, 'requests', null, 'rate_limit_exceeded');
    return openAIError(this.message, 'server_error', null, this.reason);
  }
}
