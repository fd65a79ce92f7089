/**
 * Operator configuration: flags over environment, validated by zod with field paths in errors. Nothing
 * past this module reads process.env.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_SCALER_ADDRESS } from './reconcile/scaled-object.ts';

/** The validated configuration; every default sits beside its field. */
export const operatorConfigSchema = z.strictObject({
  /** kubeconfig file; absent: in-cluster credentials, else the default kubeconfig. */
  kubeconfig: z.string().min(1).optional(),
  /** Watch one namespace; absent: all namespaces (ClusterRole). */
  namespace: z.string().min(1).optional(),
  /** Namespace and name of the leader-election Lease. */
  leaseNamespace: z.string().min(1).default('switchyard-system'),
  leaseName: z.string().min(1).default('switchyard-operator'),
  /** This replica's identity in the Lease (default: host name and pid). */
  identity: z.string().min(1).default(`${hostname()}-${process.pid}`),
  leaseDurationSeconds: z.coerce.number().int().min(2).default(15),
  renewDeadlineMs: z.coerce.number().int().min(500).default(10_000),
  retryPeriodMs: z.coerce.number().int().min(50).default(2_000),
  /** ModelDeployments reconciled in parallel. */
  concurrency: z.coerce.number().int().min(1).max(64).default(8),
  /** Informer resync period. */
  resyncSeconds: z.coerce.number().int().min(0).default(300),
  /** `registry`: resolve channels and check manifests in the registry (LLMCTL_* environment); `none`: versions as written. */
  versions: z.enum(['registry', 'none']).default('registry'),
  /**
   * ServiceAccount the model pods run as (its IRSA role lets the fetch init container read the registry);
   * absent: the namespace's default account.
   */
  modelServiceAccount: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name')
    .optional(),
  /**
   * The gateway's KEDA external scaler (host:port) for ScaledObjects whose ModelDeployment names none; the
   * chart sets its own scaler Service.
   */
  scalerAddress: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
    .default(DEFAULT_SCALER_ADDRESS),
});

/** The operator's validated configuration. */
export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

/** Thrown for bad flags or environment; the message names each field. */
export class OperatorConfigError extends Error {
  override name = 'OperatorConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Merges flags over `SWITCHYARD_OPERATOR_*` variables (and POD_NAMESPACE/POD_NAME) and validates. */
export function loadOperatorConfig(flags: Record<string, unknown>, env: Env): OperatorConfig {
  const pick = (flag: string, variable: string) => flags[flag] ?? env[`SWITCHYARD_OPERATOR_${variable}`];
  const raw = {
    kubeconfig: pick('kubeconfig', 'KUBECONFIG') ?? env.KUBECONFIG,
    namespace: pick('namespace', 'NAMESPACE'),
    leaseNamespace: pick('leaseNamespace', 'LEASE_NAMESPACE') ?? env.POD_NAMESPACE,
    leaseName: pick('leaseName', 'LEASE_NAME'),
    identity: pick('identity', 'IDENTITY') ?? env.POD_NAME,
    leaseDurationSeconds: pick('leaseDurationSeconds', 'LEASE_DURATION_SECONDS'),
    renewDeadlineMs: pick('renewDeadlineMs', 'RENEW_DEADLINE_MS'),
    retryPeriodMs: pick('retryPeriodMs', 'RETRY_PERIOD_MS'),
    concurrency: pick('concurrency', 'CONCURRENCY'),
    resyncSeconds: pick('resyncSeconds', 'RESYNC_SECONDS'),
    versions: pick('versions', 'VERSIONS'),
    modelServiceAccount: pick('modelServiceAccount', 'MODEL_SERVICE_ACCOUNT'),
    scalerAddress: pick('scalerAddress', 'SCALER_ADDRESS'),
  };
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = operatorConfigSchema.safeParse(defined);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new OperatorConfigError(`invalid operator configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
