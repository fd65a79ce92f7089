/**
 * A worker's share of the configuration. Admission caps count requests in flight from *this* process, so
 * each of N workers gets 1/N of them (rounded down, at least 1): together they never exceed the cap the
 * operator wrote. The keep-alive pool per endpoint is split the same way. Rate limits are not split: with
 * more than one worker they must live in Redis (`parseConfig` refuses the memory store). The primary keeps
 * discovery and the KEDA scaler, so workers run with both off.
 */
import type { AdmissionConfig } from '../admission/config.ts';
import type { GatewayConfig } from '../config.ts';

const share = (value: number, workers: number) => Math.max(1, Math.floor(value / workers));
/** A queue depth of 0 (no queueing) stays 0. */
const shareDepth = (value: number, workers: number) => (value === 0 ? 0 : share(value, workers));

function shareAdmission(admission: AdmissionConfig, workers: number): AdmissionConfig {
  const models: AdmissionConfig['models'] = {};
  for (const [model, policy] of Object.entries(admission.models)) {
    models[model] = {
      ...policy,
      ...(policy.maxConcurrency !== undefined
        ? { maxConcurrency: share(policy.maxConcurrency, workers) }
        : {}),
      ...(policy.maxQueueDepth !== undefined
        ? { maxQueueDepth: shareDepth(policy.maxQueueDepth, workers) }
        : {}),
    };
  }
  return {
    ...admission,
    maxConcurrency: share(admission.maxConcurrency, workers),
    maxQueueDepth: shareDepth(admission.maxQueueDepth, workers),
    models,
  };
}

/** The configuration one of `workers` workers runs with. */
export function workerShare(config: GatewayConfig, workers: number): GatewayConfig {
  return {
    ...config,
    server: { ...config.server, workers: 1 },
    upstream: {
      ...config.upstream,
      connectionsPerEndpoint: Math.max(1, Math.ceil(config.upstream.connectionsPerEndpoint / workers)),
    },
    admission: shareAdmission(config.admission, workers),
    discovery: { kubernetes: { ...config.discovery.kubernetes, enabled: false } },
    scaler: { ...config.scaler, enabled: false },
  };
}
