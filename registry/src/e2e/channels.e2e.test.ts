// Channels against DynamoDB Local (and versitygw for the versions they point at): promote and rollback
// as transactions with an audit entry, exactly one winner of a race, hooks that follow each move.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelMove, ChannelMoveHook } from '../channels/channel-move.ts';
import { promote, rollback } from '../channels/move-channel.ts';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { initRegistry } from '../init.ts';
import { publishVersion } from '../publish/publish.ts';
import { resolveVersionRef } from '../read-version.ts';
import { getChannel, listAudit, setDeprecated } from '../store/table.ts';
import { errorKindOf } from '../testing/error-kind.ts';
import { writeModelDir } from '../testing/model-dir.ts';
import { contextFor, type RegistryServers, startRegistryServers } from '../testing/registry-servers.ts';

let servers: RegistryServers;
let ctx: RegistryContext;
let scratch: string;
const actor = 'ci@test';

beforeAll(async () => {
  servers = await startRegistryServers();
  ctx = contextFor(servers, { bucket: 'models', table: 'registry' });
  await initRegistry(ctx);
  scratch = await mkdtemp(join(tmpdir(), 'channels-e2e-'));
  await writeModelDir(scratch, [{ path: 'weights.bin', size: 1024 }]);
  for (const model of ['qwen', 'race', 'fresh', 'hooked']) {
    for (const version of ['v1', 'v2', 'v3']) {
      await publishVersion(ctx, { model, version, dir: scratch, createdBy: actor });
    }
  }
});

afterAll(async () => {
  ctx?.clients.destroy();
  await servers?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('promote and rollback', () => {
  it('moves the channel, bumps the revision and writes one audit entry per move', async () => {
    await promote(ctx, { model: 'qwen', version: 'v1', channel: 'production', actor, reason: 'first' });
    await promote(ctx, { model: 'qwen', version: 'v2', channel: 'production', actor });
    await promote(ctx, { model: 'qwen', version: 'v3', channel: 'production', actor });
    expect(await getChannel(ctx, 'qwen', 'production')).toMatchObject({ version: 'v3', revision: 3 });

    const back = await rollback(ctx, { model: 'qwen', channel: 'production', actor, reason: 'bad latency' });
    expect(back).toMatchObject({
      version: 'v2',
      revision: 4,
      move: { fromVersion: 'v3', action: 'rollback' },
    });
    expect((await rollback(ctx, { model: 'qwen', channel: 'production', actor })).version).toBe('v1');

    const audit = await listAudit(ctx, 'qwen', 'production');
    expect(audit.map((a) => [a.revision, a.action, a.fromVersion ?? null, a.toVersion])).toEqual([
      [5, 'rollback', 'v2', 'v1'],
      [4, 'rollback', 'v3', 'v2'],
      [3, 'promote', 'v2', 'v3'],
      [2, 'promote', 'v1', 'v2'],
      [1, 'promote', null, 'v1'],
    ]);
    expect(audit[1]).toMatchObject({ actor, reason: 'bad latency' });
  });

  it('rolling back past the first version is a clear error', async () => {
    expect(await errorKindOf(rollback(ctx, { model: 'qwen', channel: 'production', actor }))).toBe(
      'not-found: channel production of qwen has no previous version to roll back to (v1 was its first)',
    );
    expect(await errorKindOf(rollback(ctx, { model: 'qwen', channel: 'staging', actor }))).toBe(
      'not-found: channel staging of qwen was never promoted; nothing to roll back',
    );
  });

  it('rolls back to an explicit version with --to', async () => {
    expect((await rollback(ctx, { model: 'qwen', channel: 'production', actor, to: 'v3' })).version).toBe(
      'v3',
    );
  });

  it('refuses unknown and deprecated versions without moving the channel', async () => {
    expect(
      await errorKindOf(promote(ctx, { model: 'qwen', version: 'v9', channel: 'production', actor })),
    ).toBe('not-found: model qwen has no version v9');
    await setDeprecated(ctx, 'qwen', 'v2', true, 'broken tokenizer');
    expect(
      await errorKindOf(promote(ctx, { model: 'qwen', version: 'v2', channel: 'production', actor })),
    ).toBe('invalid: qwen@v2 is deprecated and cannot be promoted');
    expect(await errorKindOf(rollback(ctx, { model: 'qwen', channel: 'production', actor, to: 'v2' }))).toBe(
      'invalid: qwen@v2 is missing or deprecated; channel not moved',
    );
    await setDeprecated(ctx, 'qwen', 'v2', false);
    expect((await getChannel(ctx, 'qwen', 'production'))?.version).toBe('v3');
  });

  it('resolves a channel name where a version is expected', async () => {
    expect(await resolveVersionRef(ctx, 'qwen', 'production')).toMatchObject({
      channel: 'production',
      record: { version: 'v3' },
    });
  });

  it('fails with a conflict when --expect-revision is stale', async () => {
    expect(
      await errorKindOf(
        promote(ctx, { model: 'qwen', version: 'v1', channel: 'production', actor, expectedRevision: 2 }),
      ),
    ).toMatch(
      /^conflict: channel production of qwen was moved concurrently \(expected revision 2, found 6\)/,
    );
  });
});

describe('concurrent promotes', () => {
  /**
   * Holds every TransactWriteItems call until `parties` of them have arrived, so both promotes have read the
   * same revision and really send their transactions to DynamoDB Local at the same time.
   */
  function synchronizeTransactions(context: RegistryContext, parties: number) {
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    context.clients.dynamodb.middlewareStack.add(
      (next, info) => async (args) => {
        if (info.commandName === 'TransactWriteItemsCommand') {
          arrived++;
          if (arrived === parties) release();
          await allArrived;
        }
        return next(args);
      },
      { step: 'initialize', name: 'testBarrier' },
    );
  }

  it.each([
    ['an existing channel', 'race'],
    ['a channel promoted for the first time', 'fresh'],
  ])('on %s yield exactly one winner and a clear conflict for the other', async (_name, model) => {
    if (model === 'race') await promote(ctx, { model, version: 'v1', channel: 'production', actor });
    for (let round = 0; round < 3; round++) {
      const channel = model === 'race' ? 'production' : `fresh-${round}`;
      const before = (await getChannel(ctx, model, channel))?.revision ?? 0;
      const racing = contextFor(servers, { bucket: 'models', table: 'registry' });
      synchronizeTransactions(racing, 2);
      const results = await Promise.allSettled([
        promote(racing, { model, version: 'v2', channel, actor: 'alice' }),
        promote(racing, { model, version: 'v3', channel, actor: 'bob' }),
      ]);
      racing.clients.destroy();
      const winners = results.filter((r) => r.status === 'fulfilled');
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers[0]!.reason).toBeInstanceOf(RegistryError);
      expect((losers[0]!.reason as RegistryError).kind).toBe('conflict');
      expect((losers[0]!.reason as RegistryError).message).toMatch(
        new RegExp(`^channel ${channel} of ${model} was moved concurrently`),
      );
      const after = await getChannel(ctx, model, channel);
      expect(after!.revision).toBe(before + 1);
      const audit = await listAudit(ctx, model, channel);
      expect(audit.filter((a) => a.revision === before + 1)).toHaveLength(1);
      expect(audit[0]!.toVersion).toBe(after!.version);
      if (model === 'race') await promote(ctx, { model, version: 'v1', channel, actor }); // reset for next round
    }
  });
});

describe('hooks', () => {
  it('run after each committed move with the move as written to the audit trail', async () => {
    const seen: ChannelMove[] = [];
    const hook: ChannelMoveHook = { name: 'recorder', afterChannelMove: async (m) => void seen.push(m) };
    await promote(ctx, { model: 'hooked', version: 'v1', channel: 'production', actor, hooks: [hook] });
    await promote(ctx, { model: 'hooked', version: 'v2', channel: 'production', actor, hooks: [hook] });
    await rollback(ctx, { model: 'hooked', channel: 'production', actor, hooks: [hook] });
    expect(seen.map((m) => [m.action, m.fromVersion ?? null, m.toVersion, m.revision])).toEqual([
      ['promote', null, 'v1', 1],
      ['promote', 'v1', 'v2', 2],
      ['rollback', 'v2', 'v1', 3],
    ]);
  });

  it('a failing hook is reported, while the committed move stays', async () => {
    const failing: ChannelMoveHook = {
      name: 'kubernetes ModelDeployment',
      afterChannelMove: async () => {
        throw new Error('apiserver unavailable');
      },
    };
    expect(
      await errorKindOf(
        promote(ctx, { model: 'hooked', version: 'v3', channel: 'production', actor, hooks: [failing] }),
      ),
    ).toBe(
      'hook-failed: production of hooked moved to v3 (revision 4) but kubernetes ModelDeployment failed: apiserver unavailable',
    );
    expect((await getChannel(ctx, 'hooked', 'production'))?.version).toBe('v3');
  });
});
