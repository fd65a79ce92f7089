/**
 * Reads traces from Jaeger's HTTP query API (`/api/traces?service=...&start=...&end=...&limit=...`, times
 * in microseconds), the API the Jaeger UI uses; v1 and v2 (OTel-collector based) serve the same shape.
 */

/** A key/value as Jaeger renders tags and log fields. */
export interface JaegerKeyValue {
  key: string;
  type?: string;
  value: unknown;
}

/** A span as the query API returns it (times in µs). */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags?: JaegerKeyValue[];
  logs?: { timestamp: number; fields: JaegerKeyValue[] }[];
  processID: string;
}

/** A trace as the query API returns it. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** Options of {@link fetchTraces}. */
export interface FetchTracesOptions {
  /** Jaeger query base URL, e.g. `http://127.0.0.1:16686`. */
  queryUrl: string;
  service: string;
  /** Look back this far from now, ms. */
  sinceMs: number;
  limit: number;
  /** Only traces whose root operation is this (e.g. `POST /v1/chat/completions`). */
  operation?: string;
  /** Current time in ms since the epoch (tests). */
  now?: number;
}

/** An error talking to Jaeger; its message says what to check. */
export class JaegerQueryError extends Error {
  override name = 'JaegerQueryError';
}

/** Fetches up to `limit` traces of `service` from the last `sinceMs`. */
export async function fetchTraces(options: FetchTracesOptions): Promise<JaegerTrace[]> {
  const end = (options.now ?? Date.now()) * 1000;
  const params = new URLSearchParams({
    service: options.service,
    start: String(Math.floor(end - options.sinceMs * 1000)),
    end: String(Math.floor(end)),
    limit: String(options.limit),
  });
  if (options.operation) params.set('operation', options.operation);
  const url = `${options.queryUrl.replace(/\/$/, '')}/api/traces?${params}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new JaegerQueryError(`cannot reach Jaeger at ${options.queryUrl}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    const body = (await response.text()).slice(0, 200);
    throw new JaegerQueryError(`Jaeger answered ${response.status} for ${url}: ${body}`);
  }
  const body = (await response.json()) as { data?: JaegerTrace[] | null };
  return body.data ?? [];
}

/** A tag's value on a span, or undefined. */
export function tagValue(span: JaegerSpan, key: string): unknown {
  return span.tags?.find((t) => t.key === key)?.value;
}

/** A numeric tag's value on a span, or undefined. */
export function numericTag(span: JaegerSpan, key: string): number | undefined {
  const v = tagValue(span, key);
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The timestamp (µs) of the first log (span event) named `event`, or undefined. */
export function eventTime(span: JaegerSpan, event: string): number | undefined {
  return span.logs?.find((l) => l.fields.some((f) => f.key === 'event' && f.value === event))?.timestamp;
}
