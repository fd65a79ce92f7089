/**
 * The IPC messages between a gateway cluster's primary and its workers (node:cluster's channel, JSON).
 * prom-client's own metric-aggregation messages share the channel; they carry a `prom-client:` type and
 * are ignored here.
 */
import type { QueueStats } from '../admission/admission-queue.ts';
import type { GatewayConfig } from '../config.ts';
import type { EndpointSpec } from '../discovery/endpoint-table.ts';
import type { EngineLoad } from '../routing/types.ts';

/** Primary → worker. */
export type ToWorker =
  /** The worker's share of the configuration; the first message a worker gets. */
  | { type: 'switchyard:config'; config: GatewayConfig; endpoints: EndpointSpec[] }
  /** The endpoint set changed (Kubernetes discovery). */
  | { type: 'switchyard:endpoints'; endpoints: EndpointSpec[] }
  /** A scraped engine sample. */
  | { type: 'switchyard:engine-load'; id: string; load: EngineLoad }
  /** Stop accepting, let in-flight requests finish within `timeoutMs`, exit. */
  | { type: 'switchyard:drain'; timeoutMs: number };

/** Worker → primary. */
export type ToPrimary =
  | { type: 'switchyard:listening'; url: string }
  /** The worker could not start; `code`, `address` and `port` as Node's listen errors carry them. */
  | { type: 'switchyard:failed'; message: string; code?: string; address?: string; port?: number }
  /** Queue and in-flight counts of the models that changed since the last report. */
  | { type: 'switchyard:queue'; stats: Record<string, QueueStats> }
  | { type: 'switchyard:drained'; drained: boolean };

/** True for a message of ours (rather than prom-client's). */
export function isSwitchyardMessage<T extends { type: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    (message as { type: string }).type.startsWith('switchyard:')
  );
}
