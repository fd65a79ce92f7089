// The container fixture against a real Docker engine: versitygw and DynamoDB Local from their images serve
// the registry end to end, with versioning on and object files reachable from the host, like the local
// processes. Runs only where a Docker engine answers; elsewhere the suite is skipped and its name says why.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { isDockerReachable } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryContext } from '../context.ts';
import { fetchVersion } from '../fetch/fetch-version.ts';
import { initRegistry } from '../init.ts';
import { publishVersion } from '../publish/publish.ts';
import { loadVersion } from '../read-version.ts';
import { fileObjectKey } from '../store/keys.ts';
import { startContainerRegistryServers } from '../testing/container-servers.ts';
import { writeModelDir } from '../testing/model-dir.ts';
import type { RegistryServers } from '../testing/registry-servers.ts';
import { contextFor } from '../testing/registry-servers.ts';
import { verifyVersion } from '../verify.ts';

const dockerReachable = await isDockerReachable();
const suite = dockerReachable
  ? 'registry servers in containers'
  : 'registry servers in containers: skipped, no Docker engine reachable on this machine (DOCKER_HOST or /var/run/docker.sock)';

const MiB = 1024 * 1024;
let servers: RegistryServers;
let ctx: RegistryContext;
let scratch: string;

describe.skipIf(!dockerReachable)(suite, () => {
  beforeAll(async () => {
    servers = await startContainerRegistryServers();
    ctx = contextFor(servers, { bucket: 'models', table: 'registry', partSizeBytes: 5 * MiB });
    await initRegistry(ctx);
    scratch = await mkdtemp(join(tmpdir(), 'registry-containers-e2e-'));
    await writeModelDir(join(scratch, 'model'), [
      { path: 'config.json', size: 700 },
      { path: 'model.safetensors', size: 11 * MiB },
    ]);
  }, 300_000);

  afterAll(async () => {
    ctx?.clients.destroy();
    await servers?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('publishes, verifies and fetches a version through the containers', async () => {
    await publishVersion(ctx, { model: 'm', version: 'v1', dir: join(scratch, 'model'), createdBy: 'ci' });
    expect((await verifyVersion(ctx, 'm', 'v1')).ok).toBe(true);
    const fetched = await fetchVersion(ctx, { model: 'm', ref: 'v1', dir: join(scratch, 'fetched') });
    expect(fetched.files.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
    expect(await readFile(join(scratch, 'fetched', 'model.safetensors'))).toEqual(
      await readFile(join(scratch, 'model', 'model.safetensors')),
    );
  });

  it('runs versitygw with bucket versioning, as the local processes do', async () => {
    const out = await ctx.clients.s3.send(new GetBucketVersioningCommand({ Bucket: ctx.bucket }));
    expect(out.Status).toBe('Enabled');
  });

  it('keeps object files in the host folder it reports, so suites can damage them', async () => {
    const { record } = await loadVersion(ctx, 'm', 'v1');
    const onDisk = join(servers.s3.dataDir!, ctx.bucket, fileObjectKey(record.prefix, 'config.json'));
    const bytes = await readFile(onDisk);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(onDisk, bytes);
    const report = await verifyVersion(ctx, 'm', 'v1');
    expect(report.files.find((f) => f.path === 'config.json')?.status).toBe('mismatch');
  });
});
