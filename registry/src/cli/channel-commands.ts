// `llmctl promote` and `llmctl rollback`: move a channel in one DynamoDB transaction, then run the hooks
// (the operator's Kubernetes move, when wired) that follow channel moves.
import { Command, InvalidArgumentError } from 'commander';
import { promote, rollback } from '../channels/move-channel.ts';
import {
  addConnectionOptions,
  type RegistryCliOptions,
  resolveActor,
  sharedFlags,
  withContext,
} from './connection.ts';
import { writeOutput } from './output.ts';

/** Default channel of promote and rollback. */
export const defaultChannel = 'production';

function parseRevision(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

interface MoveFlags {
  channel: string;
  reason?: string;
  actor?: string;
  expectRevision?: number;
  to?: string;
}

function addMoveOptions(command: Command): Command {
  return addConnectionOptions(command)
    .option('--channel <name>', 'channel to move', defaultChannel)
    .option('--reason <text>', 'why, for the audit trail')
    .option('--actor <name>', 'who moves it (env LLMCTL_ACTOR; default user@host)')
    .option('--expect-revision <n>', 'fail unless the channel is at this revision (0: new)', parseRevision);
}

/** `promote` and `rollback`, mounted at the top level of llmctl. */
export function channelCommands(options: RegistryCliOptions): Command[] {
  const { io, env } = options;
  const run = async (
    cmd: Command,
    action: 'promote' | 'rollback',
    model: string,
    version: string | undefined,
  ) => {
    const flags = cmd.opts<MoveFlags>();
    const common = {
      model,
      channel: flags.channel,
      actor: resolveActor(flags.actor, env),
      reason: flags.reason,
      expectedRevision: flags.expectRevision,
      hooks: options.hooks ?? [],
    };
    const result = await withContext(cmd, options, (ctx) =>
      action === 'promote'
        ? promote(ctx, { ...common, version: version! })
        : rollback(ctx, { ...common, to: flags.to }),
    );
    writeOutput(io, sharedFlags(cmd).output, result, () =>
      result.move
        ? `${model} ${result.channel}: ${result.move.fromVersion ?? '(none)'} -> ${result.version} (revision ${result.revision})\n`
        : `${model} ${result.channel} already at ${result.version} (revision ${result.revision}); nothing changed\n`,
    );
  };

  const promoteCommand = addMoveOptions(new Command('promote'))
    .description('point a channel at a version (transaction with audit entry)')
    .argument('<model>')
    .argument('<version>')
    .action((model: string, version: string, _opts, cmd: Command) => run(cmd, 'promote', model, version));

  const rollbackCommand = addMoveOptions(new Command('rollback'))
    .description('point a channel back at the version promoted before the current one (or --to)')
    .argument('<model>')
    .option('--to <version>', 'roll back to this version instead')
    .action((model: string, _opts, cmd: Command) => run(cmd, 'rollback', model, undefined));

  return [promoteCommand, rollbackCommand];
}
