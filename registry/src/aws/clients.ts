// Builds the S3 and DynamoDB clients from a validated config: path-style addressing for local S3 servers,
// an explicit retry strategy (exponential backoff, throttling retried), checksums under our control, and
// S3 GETs received through undici.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, BuildMiddleware, MetadataBearer } from '@smithy/types';
import type { RegistryConfig } from '../config.ts';
import { UndiciGetHandler } from './undici-get-handler.ts';

/** The AWS clients the registry talks through. */
export interface AwsClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  /** Document client over `dynamodb` (plain JS values in and out). */
  doc: DynamoDBDocumentClient;
  /** Closes the clients' sockets. */
  destroy(): void;
}

/** Cap on one backoff sleep, so a long throttling streak stays bounded. */
const maxBackoffDelayMs = 5_000;

/**
 * Exponential backoff with full jitter: attempt n sleeps a random time in [0, base·2ⁿ], capped.
 * Exported so tests can reason about the delays.
 */
export function backoffDelayMs(attempt: number, baseDelayMs: number, random: () => number = Math.random) {
  const ceiling = Math.min(maxBackoffDelayMs, baseDelayMs * 2 ** attempt);
  return Math.max(baseDelayMs, Math.round(random() * ceiling));
}

/** The retry strategy both clients use: `maxAttempts` tries in all, backoff between them. */
export function registryRetryStrategy(config: Pick<RegistryConfig, 'maxAttempts' | 'retryBaseDelayMs'>) {
  return new ConfiguredRetryStrategy(config.maxAttempts, (attempt) =>
    backoffDelayMs(attempt, config.retryBaseDelayMs),
  );
}

/**
 * A request that carries x-amz-checksum-sha256 is signed with UNSIGNED-PAYLOAD instead of a second SHA-256
 * of the body: the checksum header is itself signed, so the body stays bound to the signature, and the
 * server verifies it on receipt — one hash per byte on each side instead of two.
 */
const checksumInsteadOfPayloadHash: BuildMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const headers = (args.request as { headers?: Record<string, string> }).headers;
  if (headers?.['x-amz-checksum-sha256'] && headers['x-amz-content-sha256'] === undefined) {
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  }
  return next(args);
};

/** Static credentials per service; absent means the SDK's default chain (AWS_* env, profiles, roles). */
export interface ServiceCredentials {
  s3?: AwsCredentialIdentity;
  dynamodb?: AwsCredentialIdentity;
}

/** Creates the clients for one registry config. */
export function createAwsClients(config: RegistryConfig, overrides: ServiceCredentials = {}): AwsClients {
  const credentials = {
    s3: overrides.s3 ?? config.credentials,
    dynamodb: overrides.dynamodb ?? config.credentials,
  };
  const retryStrategy = registryRetryStrategy(config);
  const s3 = new S3Client({
    region: config.region,
    ...(credentials.s3 ? { credentials: credentials.s3 } : {}),
    ...(config.s3EndpointUrl ? { endpoint: config.s3EndpointUrl, forcePathStyle: true } : {}),
    retryStrategy,
    // Object downloads through undici (half the client CPU of node:http per byte received, see the handler).
    requestHandler: new UndiciGetHandler(),
    // We send our own SHA-256 on every upload and verify every download ourselves; the SDK's default
    // CRC32 on top would hash each byte twice more.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  s3.middlewareStack.add(checksumInsteadOfPayloadHash, { step: 'build', name: 'registryChecksumPayload' });
  const dynamodb = new DynamoDBClient({
    region: config.region,
    ...(credentials.dynamodb ? { credentials: credentials.dynamodb } : {}),
    ...(config.dynamodbEndpointUrl ? { endpoint: config.dynamodbEndpointUrl } : {}),
    retryStrategy,
  });
  const doc = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    s3,
    dynamodb,
    doc,
    destroy() {
      s3.destroy();
      dynamodb.destroy();
    },
  };
}
