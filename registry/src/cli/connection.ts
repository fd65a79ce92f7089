// Flags every registry command shares (where the registry lives, how to print), and turning them plus the
// environment into a RegistryContext. The one place the CLI reads the environment.
import { hostname, userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import type { ChannelMoveHook } from '../channels/channel-move.ts';
import { loadRegistryConfig, type RegistryFlags } from '../config.ts';
import { createRegistryContext, type RegistryContext } from '../context.ts';
import type { CliIo, OutputFormat } from './output.ts';

/** What registry commands are built with; tests inject their own io and env. */
export interface RegistryCliOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  /** Followers of channel moves (the operator's Kubernetes hook, later). */
  hooks?: readonly ChannelMoveHook[];
}

/** Adds the connection and output flags to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--endpoint-url <url>', 'endpoint for both S3 and DynamoDB (e.g. a local test server)')
    .option('--s3-endpoint-url <url>', 'S3 endpoint (env LLMCTL_S3_ENDPOINT)')
    .option('--dynamodb-endpoint-url <url>', 'DynamoDB endpoint (env LLMCTL_DYNAMODB_ENDPOINT)')
    .option('--region <region>', 'AWS region (env AWS_REGION)')
    .option('--bucket <name>', 'S3 bucket of model objects (env LLMCTL_BUCKET)')
    .option('--table <name>', 'DynamoDB table of the registry (env LLMCTL_TABLE)')
    .option('--concurrency <n>', 'upload parts in flight (env LLMCTL_CONCURRENCY)')
    .option('--part-size-mib <n>', 'multipart part size (env LLMCTL_PART_SIZE_MIB)')
    .option(
      '--fetch-concurrency <n>',
      'GETs in flight per file: 1 streams it, more fetch ranges in parallel (env LLMCTL_FETCH_CONCURRENCY)',
    )
    .option('--fetch-chunk-size-mib <n>', 'resume unit and ranged GET size (env LLMCTL_FETCH_CHUNK_SIZE_MIB)')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    );
}

/** The parsed shared flags of a command (its own and its parents'). */
export function sharedFlags(command: Command): RegistryFlags & { output: OutputFormat } {
  return command.optsWithGlobals();
}

/** Opens a context for one command run; the caller destroys its clients when done. */
export function openContext(command: Command, options: RegistryCliOptions): RegistryContext {
  return createRegistryContext(loadRegistryConfig(sharedFlags(command), options.env));
}

/** Runs `fn` with a context and always closes the clients. */
export async function withContext<T>(
  command: Command,
  options: RegistryCliOptions,
  fn: (ctx: RegistryContext) => Promise<T>,
): Promise<T> {
  const ctx = openContext(command, options);
  try {
    return await fn(ctx);
  } finally {
    ctx.clients.destroy();
  }
}

/** Who is acting: `--actor`, else LLMCTL_ACTOR, else `user@host`. */
export function resolveActor(flag: string | undefined, env: RegistryCliOptions['env']): string {
  if (flag) return flag;
  if (env.LLMCTL_ACTOR) return env.LLMCTL_ACTOR;
  let user = env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {}
  return `${user}@${hostname()}`;
}

/** An AbortSignal fired by Ctrl-C, so transfers stop cleanly (publish cleans up, fetch keeps partials). */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
