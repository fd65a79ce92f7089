// Registry configuration: flags override LLMCTL_* / AWS_* environment variables, then zod validates the
// whole, so nothing past this file reads process.env. Credentials stay with the SDK's default chain.
import { z } from 'zod';
import { RegistryError } from './errors.ts';

const MiB = 1024 * 1024;

/** Validated registry configuration; every default sits beside its field. */
export const registryConfigSchema = z.object({
  /** S3 endpoint (versitygw, MinIO, ...); absent means AWS itself. */
  s3EndpointUrl: z.url().optional(),
  /** DynamoDB endpoint (DynamoDB Local); absent means AWS itself. */
  dynamodbEndpointUrl: z.url().optional(),
  region: z.string().min(1).default('us-east-1'),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
    .default('switchyard-models'),
  table: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a valid DynamoDB table name')
    .default('switchyard-registry'),
  /** Attempts per AWS call, first try included; throttling and 5xx are retried with backoff. */
  maxAttempts: z.coerce.number().int().min(1).max(20).default(6),
  /** Base of the exponential backoff between attempts. */
  retryBaseDelayMs: z.coerce.number().int().min(0).max(10_000).default(100),
  /** Multipart part size and ranged-download chunk size. */
  partSizeBytes: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .default(16 * MiB),
  /** Upload parts in flight at once (bounds memory: concurrency × partSizeBytes). */
  concurrency: z.coerce.number().int().min(1).max(64).default(4),
  /** Ranged-download chunk size: the unit a resumed fetch skips, and the size of each parallel ranged GET. */
  fetchChunkSizeBytes: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(32 * MiB),
  /**
   * GETs in flight per file. 1 streams each file in one GET (cheapest per byte: measured fastest on
   * loopback, see docs/registry.md); more splits it into ranged GETs of fetchChunkSizeBytes, for stores
   * that cap each connection's throughput (S3 across regions).
   */
  fetchConcurrency: z.coerce.number().int().min(1).max(64).default(1),
  /** Static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; absent means the SDK's default chain. */
  credentials: z
    .object({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      sessionToken: z.string().optional(),
    })
    .optional(),
});

/** The registry's validated configuration. */
export type RegistryConfig = z.infer<typeof registryConfigSchema>;

/** Flag values as the CLI collects them (all optional strings). */
export interface RegistryFlags {
  endpointUrl?: string | undefined;
  s3EndpointUrl?: string | undefined;
  dynamodbEndpointUrl?: string | undefined;
  region?: string | undefined;
  bucket?: string | undefined;
  table?: string | undefined;
  concurrency?: string | undefined;
  partSizeMib?: string | undefined;
  fetchConcurrency?: string | undefined;
  fetchChunkSizeMib?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

/** Merges flags over environment and validates; a bad value fails with the field that holds it. */
export function loadRegistryConfig(flags: RegistryFlags, env: Env): RegistryConfig {
  const raw = {
    s3EndpointUrl: firstSet(
      flags.s3EndpointUrl,
      flags.endpointUrl,
      env.LLMCTL_S3_ENDPOINT,
      env.AWS_ENDPOINT_URL_S3,
      env.AWS_ENDPOINT_URL,
    ),
    dynamodbEndpointUrl: firstSet(
      flags.dynamodbEndpointUrl,
      flags.endpointUrl,
      env.LLMCTL_DYNAMODB_ENDPOINT,
      env.AWS_ENDPOINT_URL_DYNAMODB,
      env.AWS_ENDPOINT_URL,
    ),
    region: firstSet(flags.region, env.AWS_REGION, env.AWS_DEFAULT_REGION),
    bucket: firstSet(flags.bucket, env.LLMCTL_BUCKET),
    table: firstSet(flags.table, env.LLMCTL_TABLE),
    maxAttempts: firstSet(env.LLMCTL_MAX_ATTEMPTS, env.AWS_MAX_ATTEMPTS),
    concurrency: firstSet(flags.concurrency, env.LLMCTL_CONCURRENCY),
    partSizeBytes: mibToBytes(firstSet(flags.partSizeMib, env.LLMCTL_PART_SIZE_MIB)),
    fetchConcurrency: firstSet(flags.fetchConcurrency, env.LLMCTL_FETCH_CONCURRENCY),
    fetchChunkSizeBytes: mibToBytes(firstSet(flags.fetchChunkSizeMib, env.LLMCTL_FETCH_CHUNK_SIZE_MIB)),
    credentials:
      env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
  };
  const parsed = registryConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'config';
    throw new RegistryError('invalid', `invalid configuration: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function mibToBytes(mib: string | undefined): number | undefined {
  if (mib === undefined) return undefined;
  const n = Number(mib);
  return Number.isFinite(n) ? Math.round(n * MiB) : Number.NaN;
}
