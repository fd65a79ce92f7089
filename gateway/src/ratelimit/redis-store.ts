/**
 * Redis bucket store: several gateway replicas share limits. Every operation is one Lua script call
 * (atomic, one round trip). Commands fail fast instead of queueing while Redis is away, so the limiter's
 * outage policy (fail-open or fail-closed) decides quickly and the request path never hangs.
 */
import { Redis } from 'ioredis';
import type { Clock } from './clock.ts';
import { RESERVE_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.ts';
import type { BucketOp, RateLimitStore, ReserveOutcome } from './store.ts';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** `redis://host:port/db`; ignored when `client` is given. */
  url?: string;
  /** An existing client (the caller owns its lifecycle). */
  client?: Redis;
  /** Prefix of every bucket key. Default `switchyard:rl:`. */
  keyPrefix?: string;
  /** Longest a command may take before it counts as an outage. Default 100 ms. */
  commandTimeoutMs?: number;
  /** Gateway-side clock; by default the Redis server's clock is used, one clock for every replica. */
  clock?: Clock;
  /** Connection errors (the limiter logs them, throttled). */
  onError?: (error: Error) => void;
}

type ScriptFn = (numKeys: number, ...args: (string | number)[]) => Promise<unknown>;
interface ScriptedRedis {
  switchyardReserve: ScriptFn;
  switchyardSettle: ScriptFn;
}

/** Creates the Redis {@link RateLimitStore}. */
export function createRedisStore(options: RedisStoreOptions): RateLimitStore & { client: Redis } {
  const prefix = options.keyPrefix ?? 'switchyard:rl:';
  const owned = !options.client;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 100,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
  client.on('error', (error: Error) => options.onError?.(error));
  client.defineCommand('switchyardReserve', { lua: RESERVE_SCRIPT });
  client.defineCommand('switchyardSettle', { lua: SETTLE_SCRIPT });
  const scripted = client as unknown as ScriptedRedis;

  function args(ops: readonly BucketOp[]): (string | number)[] {
    const out: (string | number)[] = ops.map((op) => prefix + op.key);
    out.push(options.clock ? options.clock.now() : '');
    for (const op of ops) out.push(op.spec.capacity, op.spec.refillPerSecond, op.amount);
    return out;
  }

  return {
    kind: 'redis',
    client,
    async reserve(ops): Promise<ReserveOutcome> {
      const reply = (await scripted.switchyardReserve(ops.length, ...args(ops))) as number[];
      const wait = reply[1]!;
      return {
        allowed: reply[0] === 1,
        retryAfterMs: wait < 0 ? Number.POSITIVE_INFINITY : wait,
        buckets: ops.map((op, i) => ({
          key: op.key,
          limit: op.spec.capacity,
          remaining: reply[2 + i * 2]!,
          resetMs: reply[3 + i * 2]!,
        })),
      };
    },
    async settle(ops): Promise<void> {
      const nonZero = ops.filter((op) => op.amount !== 0);
      if (nonZero.length > 0) await scripted.switchyardSettle(nonZero.length, ...args(nonZero));
    },
    ready(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.once('ready', onReady);
      });
    },
    async close(): Promise<void> {
      if (owned) client.disconnect();
    },
  };
}
