// Throttling is retried by the SDK with backoff, as configured in aws/clients.ts: a proxy in front of the
// real servers answers the first requests with ThrottlingException / SlowDown, then forwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRegistry } from '../init.ts';
import { publishVersion } from '../publish/publish.ts';
import { listModels } from '../store/table.ts';
import { writeModelDir } from '../testing/model-dir.ts';
import { contextFor, type RegistryServers, startRegistryServers } from '../testing/registry-servers.ts';
import {
  dynamodbThrottling,
  s3SlowDown,
  startThrottlingProxy,
  type ThrottlingProxy,
} from '../testing/throttling-proxy.ts';

let servers: RegistryServers;
let dynamoProxy: ThrottlingProxy;
let s3Proxy: ThrottlingProxy;
let scratch: string;
const baseDelayMs = 50;

function proxiedContext(maxAttempts: number) {
  const proxied: RegistryServers = {
    ...servers,
    s3: { ...servers.s3, url: s3Proxy.url },
    dynamodb: { ...servers.dynamodb, url: dynamoProxy.url },
  };
  return contextFor(proxied, {
    bucket: 'models',
    table: 'registry',
    maxAttempts,
    retryBaseDelayMs: baseDelayMs,
  });
}

beforeAll(async () => {
  servers = await startRegistryServers();
  const direct = contextFor(servers, { bucket: 'models', table: 'registry' });
  await initRegistry(direct);
  direct.clients.destroy();
  dynamoProxy = await startThrottlingProxy(servers.dynamodb.url, dynamodbThrottling);
  s3Proxy = await startThrottlingProxy(servers.s3.url, s3SlowDown);
  scratch = await mkdtemp(join(tmpdir(), 'throttling-e2e-'));
  await writeModelDir(scratch, [{ path: 'w.bin', size: 4096 }]);
});

afterAll(async () => {
  await dynamoProxy?.close();
  await s3Proxy?.close();
  await servers?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('throttling', () => {
  it('retries a throttled DynamoDB call with growing backoff until it succeeds', async () => {
    const ctx = proxiedContext(6);
    dynamoProxy.log.length = 0;
    dynamoProxy.throttleNext(3);
    await expect(listModels(ctx)).resolves.toEqual([]);
    ctx.clients.destroy();
    expect(dynamoProxy.log.map((e) => e.throttled)).toEqual([true, true, true, false]);
    const gaps = dynamoProxy.log.slice(1).map((e, i) => e.at - dynamoProxy.log[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(baseDelayMs - 5);
  });

  it('gives up after maxAttempts and surfaces the throttling error', async () => {
    const ctx = proxiedContext(3);
    dynamoProxy.log.length = 0;
    dynamoProxy.throttleNext(10);
    await expect(listModels(ctx)).rejects.toMatchObject({ name: 'ThrottlingException' });
    ctx.clients.destroy();
    expect(dynamoProxy.log).toHaveLength(3);
    dynamoProxy.throttleNext(0);
  });

  it('retries S3 SlowDown during a publish and still records the version', async () => {
    const ctx = proxiedContext(6);
    s3Proxy.log.length = 0;
    s3Proxy.throttleNext(2);
    const { record } = await publishVersion(ctx, {
      model: 'throttled',
      version: 'v1',
      dir: scratch,
      createdBy: 'ci',
    });
    ctx.clients.destroy();
    expect(record.version).toBe('v1');
    expect(s3Proxy.log.filter((e) => e.throttled)).toHaveLength(2);
  });
});
