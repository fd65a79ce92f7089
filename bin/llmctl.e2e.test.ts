// llmctl end to end against versitygw and DynamoDB Local: every registry command, its output formats, and
// failures as one line on stderr with the documented exit code.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  envFor,
  type RegistryServers,
  startRegistryServers,
  writeModelDir,
} from '@switchyard/registry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';

let servers: RegistryServers;
let env: Record<string, string>;
let scratch: string;

async function llmctl(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false };
  const code = await runCli(argv, { io, env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  servers = await startRegistryServers(); // local processes, or containers where Docker answers
  env = envFor(servers, { bucket: 'llmctl-models', table: 'llmctl-registry' });
  scratch = await mkdtemp(join(tmpdir(), 'llmctl-e2e-'));
  await writeModelDir(join(scratch, 'model'), [
    { path: 'config.json', size: 300 },
    { path: 'model.safetensors', size: 6 * 1024 * 1024 },
  ]);
});

afterAll(async () => {
  await servers?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('llmctl against real servers', () => {
  it('names the missing table before init', async () => {
    expect(await llmctl('registry', 'list')).toEqual({
      code: 7,
      stdout: '',
      stderr:
        'llmctl: DynamoDB table "llmctl-registry" does not exist (create it with: llmctl registry init)\n',
    });
  });

  it('init creates the table and bucket, then finds them', async () => {
    expect((await llmctl('registry', 'init')).stdout).toMatch(
      /table\s+llmctl-registry\s+created\nbucket\s+llmctl-models\s+created/,
    );
    const again = await llmctl('registry', 'init', '-o', 'json');
    expect(JSON.parse(again.stdout)).toMatchObject({ table: { created: false }, bucket: { created: false } });
  });

  it('publishes versions and refuses to publish one twice', async () => {
    const dir = join(scratch, 'model');
    const first = await llmctl('registry', 'publish', 'gemma', 'v1', dir, '--metadata', 'quantization=awq');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^published gemma@v1: 2 files, 6\.0 MiB, manifest sha256:[0-9a-f]{64}\n$/);
    expect((await llmctl('registry', 'publish', 'gemma', 'v2', dir)).code).toBe(0);
    expect(await llmctl('registry', 'publish', 'gemma', 'v1', dir)).toMatchObject({
      code: 5,
      stderr: 'llmctl: model gemma already has a version v1; versions are immutable, publish a new one\n',
    });
  });

  it('lists, describes and shows history as tables or JSON', async () => {
    expect(JSON.parse((await llmctl('registry', 'list', '-o', 'json')).stdout)).toMatchObject([
      { model: 'gemma', versionCount: 2, latestVersion: 'v2' },
    ]);
    expect((await llmctl('registry', 'list', 'gemma')).stdout).toMatch(
      /^VERSION\s+FILES\s+SIZE\s+CHANNELS.*\nv1\s+2\s+6\.0 MiB\s+-/,
    );
    const described = JSON.parse((await llmctl('registry', 'describe', 'gemma', 'v1', '-o', 'json')).stdout);
    expect(described.manifest).toMatchObject({
      model: 'gemma',
      version: 'v1',
      metadata: { quantization: 'awq' },
    });
    expect((await llmctl('registry', 'describe', 'gemma', 'v1')).stdout).toContain(
      'metadata:   quantization=awq',
    );
  });

  it('promotes, rolls back and records who did what', async () => {
    expect((await llmctl('promote', 'gemma', 'v1')).stdout).toBe(
      'gemma production: (none) -> v1 (revision 1)\n',
    );
    expect((await llmctl('promote', 'gemma', 'v2', '--reason', 'new weights')).stdout).toBe(
      'gemma production: v1 -> v2 (revision 2)\n',
    );
    expect((await llmctl('rollback', 'gemma', '--reason', 'regression')).stdout).toBe(
      'gemma production: v2 -> v1 (revision 3)\n',
    );
    expect(await llmctl('rollback', 'gemma')).toMatchObject({
      code: 4,
      stderr:
        'llmctl: channel production of gemma has no previous version to roll back to (v1 was its first)\n',
    });
    expect(await llmctl('promote', 'gemma', 'v2', '--expect-revision', '1')).toMatchObject({ code: 6 });
    const history = JSON.parse((await llmctl('registry', 'history', 'gemma', '-o', 'json')).stdout);
    expect(history.map((h: { revision: number; actor: string }) => [h.revision, h.actor])).toEqual([
      [3, 'test@registry'],
      [2, 'test@registry'],
      [1, 'test@registry'],
    ]);
    expect((await llmctl('registry', 'history', 'gemma')).stdout).toMatch(
      /production\s+3\s+rollback\s+v2\s+v1\s+test@registry/,
    );
  });

  it('fetches by channel and verifies', async () => {
    const target = join(scratch, 'fetched');
    const fetched = await llmctl('registry', 'fetch', 'gemma', 'production', target, '-o', 'json');
    expect(JSON.parse(fetched.stdout)).toMatchObject({ version: 'v1', channel: 'production' });
    expect(await readFile(join(target, 'config.json'))).toHaveLength(300);
    expect(await llmctl('registry', 'verify', 'gemma', 'v1')).toMatchObject({ code: 0 });
  });

  it('deprecates a version so it can no longer be promoted', async () => {
    expect((await llmctl('registry', 'deprecate', 'gemma', 'v2', '--reason', 'bad eval')).stdout).toBe(
      'gemma@v2 deprecated\n',
    );
    expect(await llmctl('promote', 'gemma', 'v2')).toMatchObject({
      code: 2,
      stderr: 'llmctl: gemma@v2 is deprecated and cannot be promoted\n',
    });
  });

  it('as a process: a flipped byte makes verify and fetch exit 3 with one line on stderr', async () => {
    const described = JSON.parse((await llmctl('registry', 'describe', 'gemma', 'v1', '-o', 'json')).stdout);
    const onDisk = join(servers.s3.dataDir!, 'llmctl-models', `${described.record.prefix}files/config.json`);
    const bytes = await readFile(onDisk);
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await writeFile(onDisk, bytes);
    const run = promisify(execFile);
    const bin = join(import.meta.dirname, 'llmctl.ts');
    for (const args of [
      ['registry', 'verify', 'gemma', 'v1'],
      ['registry', 'fetch', 'gemma', 'v1', join(scratch, 'refused')],
    ]) {
      const failure = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(3);
      expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure?.stderr).toMatch(/config\.json/);
    }
  });
});
