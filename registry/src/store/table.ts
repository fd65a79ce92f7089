// Reads and writes of the registry table. The one write that creates a version is a transaction whose
// condition (attribute_not_exists) makes "publish an existing version" fail instead of overwrite.
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { transactionCancelReasons, translateAwsError, withAwsErrors } from '../aws/aws-errors.ts';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import {
  auditKey,
  auditPrefix,
  channelKey,
  modelIndexKey,
  modelPartition,
  modelsPartition,
  versionKey,
} from './keys.ts';
import {
  type AuditRecord,
  auditRecordSchema,
  type ChannelRecord,
  channelRecordSchema,
  type ModelRecord,
  modelRecordSchema,
  type VersionRecord,
  versionRecordSchema,
} from './records.ts';

async function getItem<T>(ctx: RegistryContext, key: object, schema: z.ZodType<T>): Promise<T | undefined> {
  const out = await withAwsErrors(ctx, () =>
    ctx.clients.doc.send(new GetCommand({ TableName: ctx.table, Key: key, ConsistentRead: true })),
  );
  return out.Item === undefined ? undefined : schema.parse(out.Item);
}

async function queryAll<T>(
  ctx: RegistryContext,
  pk: string,
  skPrefix: string,
  schema: z.ZodType<T>,
  newestFirst = false,
): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await withAwsErrors(ctx, () =>
      ctx.clients.doc.send(
        new QueryCommand({
          TableName: ctx.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ConsistentRead: true,
          ScanIndexForward: !newestFirst,
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const item of out.Items ?? []) items.push(schema.parse(item));
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** The version record, or undefined when it was never published. */
export function getVersion(ctx: RegistryContext, model: string, version: string) {
  return getItem(ctx, versionKey(model, version), versionRecordSchema);
}

/** The version record, or a `not-found` error naming it. */
export async function requireVersion(
  ctx: RegistryContext,
  model: string,
  version: string,
): Promise<VersionRecord> {
  const record = await getVersion(ctx, model, version);
  if (!record) throw new RegistryError('not-found', `model ${model} has no version ${version}`);
  return record;
}

/** Every model, by name. */
export function listModels(ctx: RegistryContext): Promise<ModelRecord[]> {
  return queryAll(ctx, modelsPartition, 'MODEL#', modelRecordSchema);
}

/** Every version of a model, oldest first. */
export async function listVersions(ctx: RegistryContext, model: string): Promise<VersionRecord[]> {
  const versions = await queryAll(ctx, modelPartition(model), 'VERSION#', versionRecordSchema);
  return versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** A channel pointer, or undefined when the channel was never promoted to. */
export function getChannel(ctx: RegistryContext, model: string, channel: string) {
  return getItem(ctx, channelKey(model, channel), channelRecordSchema);
}

/** Every channel of a model. */
export function listChannels(ctx: RegistryContext, model: string): Promise<ChannelRecord[]> {
  return queryAll(ctx, modelPartition(model), 'CHANNEL#', channelRecordSchema);
}

/** Audit trail of one channel (or all), newest revision first. */
export function listAudit(ctx: RegistryContext, model: string, channel?: string): Promise<AuditRecord[]> {
  return queryAll(ctx, modelPartition(model), auditPrefix(channel), auditRecordSchema, true);
}

/** Key of an audit entry, re-exported for the channel transaction. */
export { auditKey, channelKey, versionKey };

/**
 * Writes the version record and bumps the model index in one transaction. The record's condition
 * `attribute_not_exists(pk)` turns a second publish of the same version into an `exists` error.
 */
export async function commitVersion(ctx: RegistryContext, record: VersionRecord): Promise<void> {
  const index = modelIndexKey(record.model);
  try {
    await ctx.clients.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: ctx.table,
              Item: { ...versionKey(record.model, record.version), ...record },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: ctx.table,
              Key: index,
              UpdateExpression:
                'SET #type = :type, model = :model, createdAt = if_not_exists(createdAt, :now), latestVersion = :version ADD versionCount :one',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: {
                ':type': 'model',
                ':model': record.model,
                ':now': record.createdAt,
                ':version': record.version,
                ':one': 1,
              },
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (transactionCancelReasons(err)?.[0] === 'ConditionalCheckFailed') {
      throw new RegistryError(
        'exists',
        `model ${record.model} already has a version ${record.version}; versions are immutable, publish a new one`,
      );
    }
    throw translateAwsError(err, ctx);
  }
}

/** Sets or clears the deprecated flag: the one mutable field of a published version. */
export async function setDeprecated(
  ctx: RegistryContext,
  model: string,
  version: string,
  deprecated: boolean,
  reason?: string,
): Promise<void> {
  try {
    await ctx.clients.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: versionKey(model, version),
        ConditionExpression: 'attribute_exists(pk)',
        UpdateExpression: deprecated
          ? 'SET deprecated = :d, deprecatedReason = :r'
          : 'SET deprecated = :d REMOVE deprecatedReason',
        ExpressionAttributeValues: deprecated ? { ':d': true, ':r': reason ?? '' } : { ':d': false },
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') {
      throw new RegistryError('not-found', `model ${model} has no version ${version}`);
    }
    throw translateAwsError(err, ctx);
  }
}
