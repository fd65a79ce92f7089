/**
 * The ModelDeployment resource (`serving.switchyard.dev/v1alpha1`): its spec and status as zod schemas
 * with every default written once, beside its field. The CRD's OpenAPI schema
 * (operator/config/crd/modeldeployments.serving.switchyard.dev.yaml) mirrors these; a test keeps them equal.
 */
import { z } from 'zod';
import type { Condition } from './conditions.ts';

/** API group, version, kind and plural of the resource. */
export const ModelDeploymentApi = {
  group: 'serving.switchyard.dev',
  version: 'v1alpha1',
  apiVersion: 'serving.switchyard.dev/v1alpha1',
  kind: 'ModelDeployment',
  plural: 'modeldeployments',
  shortName: 'md',
  /** Finalizer the operator holds until the scaling objects of a deleted resource are gone. */
  finalizer: 'serving.switchyard.dev/cleanup',
} as const;

const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

const envVarSchema = z.strictObject({ name: z.string().min(1), value: z.string().default('') });

/** Where the model's bytes come from: a registry version, or a channel the operator resolves. */
const registrySchema = z
  .strictObject({
    /** Model name in the registry; defaults to `spec.model`. */
    model: z.string().min(1).optional(),
    /** An immutable version (exactly one of version or channel). */
    version: z.string().min(1).optional(),
    /** A channel (e.g. `production`) the operator resolves to a version. */
    channel: z.string().min(1).optional(),
    /** Secret whose keys become the fetch init container's environment (LLMCTL_BUCKET, endpoints, credentials). */
    configSecretName: z.string().min(1).optional(),
    /** Image holding `llmctl` for the fetch init container. */
    fetchImage: z.string().min(1).default('ghcr.io/switchyard/llmctl:0.1.0'),
  })
  .refine((r) => (r.version === undefined) !== (r.channel === undefined), {
    message: 'set exactly one of version or channel',
  });

const engineSchema = z.strictObject({
  /** vLLM (or compatible) image; its entrypoint is `vllm serve`. */
  image: z.string().min(1).default('vllm/vllm-openai:v0.11.0'),
  /** Extra engine flags appended after the operator's own (e.g. `--max-model-len 8192`). */
  args: z.array(z.string()).default([]),
  env: z.array(envVarSchema).default([]),
  /** Port the engine listens on. */
  port: z.number().int().min(1).max(65535).default(8000),
  /** OTLP/HTTP traces endpoint passed as `--otlp-traces-endpoint`. */
  otlpTracesEndpoint: z.string().optional(),
  /** Pod annotations (e.g. scrape hints); they are part of the revision hash. */
  podAnnotations: z.record(z.string(), z.string()).default({}),
});

const resourcesSchema = z.strictObject({
  /** GPUs per pod (0: CPU only). */
  gpu: z.number().int().min(0).default(1),
  /** Extended resource name of the GPU. */
  gpuResourceName: z.string().default('nvidia.com/gpu'),
  /** Memory request and limit, e.g. `32Gi`. */
  memory: z.string().default('16Gi'),
  /** CPU request, e.g. `4`. */
  cpu: z.string().default('2'),
});

const replicasSchema = z
  .strictObject({
    /** Fewest replicas of the active revision; 0 allows scale to zero. */
    min: z.number().int().min(0).default(1),
    max: z.number().int().min(1).default(1),
  })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['min'] });

const scalingSchema = z.strictObject({
  /** Create a KEDA ScaledObject for the active revision. Off: the active revision runs `replicas.max`. */
  enabled: z.boolean().default(true),
  /** Gateway queue depth per replica that KEDA aims for (scale up above it). */
  queueDepthPerReplica: z.number().int().min(1).default(4),
  /** Queue depth that wakes a revision scaled to zero. */
  activationQueueDepth: z.number().int().min(0).default(0),
  /** Idle time before scaling back to `replicas.min` (KEDA cooldownPeriod). */
  cooldownSeconds: z.number().int().min(0).default(300),
  pollingIntervalSeconds: z.number().int().min(1).default(15),
  /** `external`: the gateway's KEDA external scaler; `prometheus`: PromQL over gateway metrics. */
  queueTrigger: z.enum(['external', 'prometheus']).default('external'),
  /**
   * gRPC address of the gateway's external scaler. Absent: the operator's `--scaler-address`, which the chart
   * sets to its own gateway scaler Service (any release name or namespace).
   */
  externalScalerAddress: z.string().min(1).optional(),
  prometheusServerAddress: z.string().default('http://prometheus.monitoring.svc:9090'),
  /** Also scale on the engines' own `vllm:num_requests_waiting` per replica (0: off). */
  engineWaitingPerReplica: z.number().int().min(0).default(8),
});

const analysisSchema = z.strictObject({
  /** Prompts each candidate pod must answer (non-empty, HTTP 200). */
  smokePrompts: z.array(z.string().min(1)).default(['Reply with one word: ready?']),
  /** Requests sent per pod to measure error rate and latency (smoke prompts cycle). */
  requestsPerPod: z.number().int().min(1).default(8),
  /** Maximum fraction of failed requests. */
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  /** Maximum p95 time to first token, from the candidate's `vllm:time_to_first_token_seconds`. */
  maxTtftP95Seconds: z.number().positive().default(2),
  /** Maximum p95 time per output token, from `vllm:inter_token_latency_seconds`. */
  maxTpotP95Seconds: z.number().positive().default(0.2),
  /** Per-request timeout of the analysis. */
  requestTimeoutSeconds: z.number().int().min(1).default(30),
});

const rolloutSchema = z.strictObject({
  strategy: z.literal('BlueGreen').default('BlueGreen'),
  /** Replicas of the candidate while it is analysed. */
  previewReplicas: z.number().int().min(1).default(1),
  /** Switch traffic once analysis passes; false waits for `llmctl promote --confirm` (annotation). */
  autoPromote: z.boolean().default(true),
  /** A candidate not available within this long aborts the rollout. */
  progressDeadlineSeconds: z.number().int().min(1).default(600),
  /** How long the previous revision stays warm (instant rollback) after a switch. */
  scaleDownDelaySeconds: z.number().int().min(0).default(300),
  /** Old revisions (Deployments at zero replicas) kept for rollback. */
  revisionHistoryLimit: z.number().int().min(0).default(2),
  analysis: analysisSchema.prefault({}),
});

/** `spec` of a ModelDeployment, with defaults applied. */
export const modelDeploymentSpecSchema = z.strictObject({
  /** Served model name: what clients put in `model` and the engine's `--served-model-name`. */
  model: z.string().min(1).max(200),
  registry: registrySchema,
  engine: engineSchema.prefault({}),
  resources: resourcesSchema.prefault({}),
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z.array(tolerationSchema).default([]),
  replicas: replicasSchema.prefault({}),
  scaling: scalingSchema.prefault({}),
  rollout: rolloutSchema.prefault({}),
  /** Stop reconciling rollouts (the current state is kept). */
  paused: z.boolean().default(false),
});
export type ModelDeploymentSpec = z.infer<typeof modelDeploymentSpecSchema>;
export type ModelDeploymentSpecInput = z.input<typeof modelDeploymentSpecSchema>;

/** One analysis check and its outcome. */
export interface AnalysisCheck {
  name: 'smoke' | 'errorRate' | 'ttftP95' | 'tpotP95';
  passed: boolean;
  /** Measured value (seconds or fraction); undefined when nothing could be measured. */
  value?: number;
  threshold?: number;
  message: string;
}

/** The outcome of the last analysis of a candidate revision. */
export interface AnalysisResult {
  revision: string;
  phase: 'Passed' | 'Failed';
  startedAt: string;
  finishedAt: string;
  checks: AnalysisCheck[];
  message: string;
}

/** What the operator saw of one revision (one Deployment). */
export interface RevisionStatus {
  name: string;
  version: string;
  role: 'active' | 'preview' | 'previous' | 'aborted' | 'retired';
  replicas: number;
  readyReplicas: number;
  /** When the revision (Deployment) was created. */
  createdAt?: string;
  /** For the previous revision: when it will be scaled to zero. */
  scaleDownAt?: string;
}

/** `status` of a ModelDeployment. */
export interface ModelDeploymentStatus {
  observedGeneration?: number;
  /** Revision (Deployment name) receiving traffic. */
  activeRevision?: string;
  /** Candidate revision being rolled out. */
  previewRevision?: string;
  /** Registry version of the active revision. */
  activeVersion?: string;
  /** Version the spec resolves to (a channel resolved) — the rollout target. */
  targetVersion?: string;
  /** Candidate that failed; not retried until the spec changes. */
  abortedRevision?: string;
  /** When traffic last switched revision (ISO-8601). */
  lastSwitchAt?: string;
  /** When the current candidate was first asked for (the progress deadline counts from here). */
  rolloutStartedAt?: string;
  revisions?: RevisionStatus[];
  lastAnalysis?: AnalysisResult;
  conditions?: Condition[];
}

/** Kubernetes object metadata, as far as the operator and the gateway read it. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
}

/** A ModelDeployment as stored in the API server (spec possibly without defaults). */
export interface ModelDeployment {
  apiVersion: typeof ModelDeploymentApi.apiVersion;
  kind: typeof ModelDeploymentApi.kind;
  metadata: ObjectMeta;
  spec: ModelDeploymentSpecInput;
  status?: ModelDeploymentStatus;
}

/** Labels and annotations the operator puts on what it creates; the gateway selects pods by them. */
export const ServingLabel = {
  /** Name of the owning ModelDeployment. */
  modelDeployment: 'serving.switchyard.dev/model-deployment',
  /** Revision (Deployment) name. */
  revision: 'serving.switchyard.dev/revision',
  /** Registry version of the revision. */
  version: 'serving.switchyard.dev/version',
  /** Served model name (label-safe form). */
  model: 'serving.switchyard.dev/model',
  /** `stable` or `preview` on Services. */
  role: 'serving.switchyard.dev/role',
} as const;

/** Annotations the operator reads or writes. */
export const ServingAnnotation = {
  /** Set to a revision name to promote it when `rollout.autoPromote` is false. */
  promoteRevision: 'serving.switchyard.dev/promote-revision',
  /** On a previous revision's Deployment: when to scale it to zero (ISO-8601). */
  scaleDownAt: 'serving.switchyard.dev/scale-down-at',
  /** On a revision's Deployment: the served model name (labels cannot hold every model name). */
  servedModel: 'serving.switchyard.dev/served-model',
  /** Manifest digest of the version a revision serves. */
  manifestDigest: 'serving.switchyard.dev/manifest-digest',
  /** Exact registry version of a revision (the label holds a label-safe form). */
  version: 'serving.switchyard.dev/version',
} as const;

/** Validates and defaults a spec; the error names the field path. */
export function parseModelDeploymentSpec(raw: unknown): ModelDeploymentSpec {
  return modelDeploymentSpecSchema.parse(raw);
}
