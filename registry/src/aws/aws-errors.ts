// Turns AWS SDK errors into RegistryErrors a user can act on: a missing table or bucket is named, with the
// command that creates it. Everything else passes through unchanged.
import { RegistryError } from '../errors.ts';

/** Names to put in messages about missing resources. */
export interface ResourceNames {
  bucket: string;
  table: string;
}

function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; Code?: unknown };
  if (typeof e.Code === 'string') return e.Code;
  return typeof e.name === 'string' ? e.name : undefined;
}

/** True when the SDK error is a DynamoDB conditional-check failure. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** Cancellation reasons of a TransactionCanceledException, in the order of the transaction's items. */
export function transactionCancelReasons(err: unknown): string[] | undefined {
  if (errorName(err) !== 'TransactionCanceledException') return undefined;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/** True for S3 "not found" answers on an object (NoSuchKey, or a HEAD's bare 404). */
export function isNoSuchKey(err: unknown): boolean {
  const name = errorName(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket');
}

/** Maps a missing bucket or table to a RegistryError naming it; returns any other error as it was. */
export function translateAwsError(err: unknown, names: ResourceNames): unknown {
  if (err instanceof RegistryError) return err;
  const name = errorName(err);
  if (name === 'NoSuchBucket') {
    return new RegistryError(
      'missing-resource',
      `S3 bucket "${names.bucket}" does not exist (create it with: llmctl registry init)`,
      { cause: err },
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new RegistryError(
      'missing-resource',
      `DynamoDB table "${names.table}" does not exist (create it with: llmctl registry init)`,
      { cause: err },
    );
  }
  return err;
}

/** Runs `fn`, rethrowing AWS errors through translateAwsError. */
export async function withAwsErrors<T>(names: ResourceNames, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateAwsError(err, names);
  }
}
