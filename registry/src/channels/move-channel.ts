// promote and rollback: move a channel pointer with an optimistic-concurrency condition on its revision
// and write the audit entry in the same DynamoDB transaction. Of two concurrent moves from the same
// revision exactly one commits; the other gets a `conflict` error and changes nothing.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { transactionCancelReasons, translateAwsError } from '../aws/aws-errors.ts';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { channelNameSchema, modelNameSchema, parseWithPath, versionNameSchema } from '../manifest/schema.ts';
import { auditKey, channelKey, versionKey } from '../store/keys.ts';
import type { ChannelRecord } from '../store/records.ts';
import { getChannel, listAudit, requireVersion } from '../store/table.ts';
import { type ChannelMove, type ChannelMoveHook, pickRollbackTarget } from './channel-move.ts';

/** Options shared by promote and rollback. */
export interface MoveOptions {
  model: string;
  channel: string;
  actor: string;
  reason?: string | undefined;
  /** Fail with `conflict` unless the channel is at this revision (0: never promoted). */
  expectedRevision?: number | undefined;
  hooks?: readonly ChannelMoveHook[];
  now?: () => Date;
}

/** What a move did; `move` is undefined when the channel already pointed at the version. */
export interface MoveResult {
  move?: ChannelMove;
  channel: string;
  version: string;
  revision: number;
}

/** Points `channel` of `model` at `version`. */
export async function promote(
  ctx: RegistryContext,
  options: MoveOptions & { version: string },
): Promise<MoveResult> {
  parseWithPath(versionNameSchema, options.version, 'invalid version name');
  validateNames(options);
  const version = await requireVersion(ctx, options.model, options.version);
  if (version.deprecated) {
    throw new RegistryError(
      'invalid',
      `${options.model}@${options.version} is deprecated and cannot be promoted`,
    );
  }
  const current = await getChannel(ctx, options.model, options.channel);
  return moveChannel(ctx, options, current, 'promote', options.version);
}

/** Points `channel` back at `to`, or by default at the version promoted before the current one. */
export async function rollback(
  ctx: RegistryContext,
  options: MoveOptions & { to?: string | undefined },
): Promise<MoveResult> {
  validateNames(options);
  const current = await getChannel(ctx, options.model, options.channel);
  if (!current) {
    throw new RegistryError(
      'not-found',
      `channel ${options.channel} of ${options.model} was never promoted; nothing to roll back`,
    );
  }
  let target = options.to;
  if (target === undefined) {
    target = pickRollbackTarget(current.version, await listAudit(ctx, options.model, options.channel));
    if (target === undefined) {
      throw new RegistryError(
        'not-found',
        `channel ${options.channel} of ${options.model} has no previous version to roll back to (${current.version} was its first)`,
      );
    }
  }
  parseWithPath(versionNameSchema, target, 'invalid version name');
  await requireVersion(ctx, options.model, target);
  return moveChannel(ctx, options, current, 'rollback', target);
}

function validateNames(options: MoveOptions) {
  parseWithPath(modelNameSchema, options.model, 'invalid model name');
  parseWithPath(channelNameSchema, options.channel, 'invalid channel name');
}

async function moveChannel(
  ctx: RegistryContext,
  options: MoveOptions,
  current: ChannelRecord | undefined,
  action: ChannelMove['action'],
  toVersion: string,
): Promise<MoveResult> {
  const { model, channel } = options;
  const currentRevision = current?.revision ?? 0;
  if (options.expectedRevision !== undefined && options.expectedRevision !== currentRevision) {
    throw conflict(model, channel, `expected revision ${options.expectedRevision}, found ${currentRevision}`);
  }
  if (current?.version === toVersion) return { channel, version: toVersion, revision: currentRevision };
  const move: ChannelMove = {
    model,
    channel,
    action,
    ...(current ? { fromVersion: current.version } : {}),
    toVersion,
    revision: currentRevision + 1,
    actor: options.actor,
    at: (options.now ?? (() => new Date()))().toISOString(),
    ...(options.reason ? { reason: options.reason } : {}),
  };
  await commitMove(ctx, move, current);
  for (const hook of options.hooks ?? []) {
    try {
      await hook.afterChannelMove(move);
    } catch (err) {
      throw new RegistryError(
        'hook-failed',
        `${channel} of ${model} moved to ${toVersion} (revision ${move.revision}) but ${hook.name} failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  return { move, channel, version: toVersion, revision: move.revision };
}

function conflict(model: string, channel: string, detail: string) {
  return new RegistryError(
    'conflict',
    `channel ${channel} of ${model} was moved concurrently (${detail}); nothing changed, re-read and retry`,
  );
}

/** The transaction: channel put (revision guard) + audit put (unique) + version check (exists, not deprecated). */
async function commitMove(ctx: RegistryContext, move: ChannelMove, current: ChannelRecord | undefined) {
  const channelItem: ChannelRecord = {
    type: 'channel',
    model: move.model,
    channel: move.channel,
    version: move.toVersion,
    revision: move.revision,
    updatedBy: move.actor,
    updatedAt: move.at,
  };
  const guard = current
    ? {
        ConditionExpression: 'revision = :expected',
        ExpressionAttributeValues: { ':expected': current.revision },
      }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  try {
    await ctx.clients.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: ctx.table,
              Item: { ...channelKey(move.model, move.channel), ...channelItem },
              ...guard,
            },
          },
          {
            Put: {
              TableName: ctx.table,
              Item: { ...auditKey(move.model, move.channel, move.revision), type: 'audit', ...move },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            ConditionCheck: {
              TableName: ctx.table,
              Key: versionKey(move.model, move.toVersion),
              // A comparison with a missing attribute is false in DynamoDB, hence the explicit not-exists.
              ConditionExpression:
                'attribute_exists(pk) AND (attribute_not_exists(deprecated) OR deprecated = :false)',
              ExpressionAttributeValues: { ':false': false },
            },
          },
        ],
      }),
    );
  } catch (err) {
    const reasons = transactionCancelReasons(err);
    if (reasons?.[2] === 'ConditionalCheckFailed') {
      throw new RegistryError(
        'invalid',
        `${move.model}@${move.toVersion} is missing or deprecated; channel not moved`,
      );
    }
    if (reasons?.some((r) => r === 'ConditionalCheckFailed' || r === 'TransactionConflict')) {
      throw conflict(move.model, move.channel, `another move committed revision ${move.revision} first`);
    }
    throw translateAwsError(err, ctx);
  }
}
