// The container fixture at its boundary with the engine: which images, commands, ports, environment, mounts
// and readiness checks it asks for, and what it hands the suites back, with a fake factory in place of
// testcontainers (no Docker needed).
import { stat } from 'node:fs/promises';
import { DYNAMODB_LOCAL_VERSION, VERSITYGW_VERSION } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import {
  type ContainerFactory,
  type ContainerSpec,
  registryImages,
  startContainerRegistryServers,
} from './container-servers.ts';

/** Records every spec and answers like an engine that mapped container port P to host port 40000 + P. */
function fakeEngine(options: { failImage?: string } = {}) {
  const specs: ContainerSpec[] = [];
  const stopped: string[] = [];
  const factory: ContainerFactory = async (spec) => {
    specs.push(spec);
    if (spec.image === options.failImage) throw new Error('pull access denied');
    return {
      host: 'localhost',
      mappedPort: (port) => 40_000 + port,
      stop: async () => void stopped.push(spec.image),
    };
  };
  const specOf = (image: string) => specs.find((s) => s.image === image)!;
  return { factory, specs, stopped, specOf };
}

describe('startContainerRegistryServers', () => {
  it('asks for versitygw and DynamoDB Local at the versions the testkit builds', async () => {
    const engine = fakeEngine();
    const servers = await startContainerRegistryServers({ factory: engine.factory });
    await servers.stop();
    expect(engine.specs.map((s) => s.image).sort()).toEqual(
      [`amazon/dynamodb-local:${DYNAMODB_LOCAL_VERSION}`, `versity/versitygw:${VERSITYGW_VERSION}`].sort(),
    );
  });

  it('runs versitygw with the posix backend and versioning on one bind-mounted folder, as the test user', async () => {
    const engine = fakeEngine();
    const servers = await startContainerRegistryServers({ factory: engine.factory });
    try {
      const spec = engine.specOf(registryImages.versitygw);
      expect(spec.command).toEqual([
        '--port',
        ':7070',
        'posix',
        '--versioning-dir',
        '/vgw/versions',
        '/vgw/data',
      ]);
      expect(spec.exposedPorts).toEqual([7070]);
      expect(spec.environment).toEqual({
        ROOT_ACCESS_KEY_ID: servers.s3.credentials.accessKeyId,
        ROOT_SECRET_ACCESS_KEY: servers.s3.credentials.secretAccessKey,
        VGW_REGION: 'us-east-1',
      });
      expect(spec.bindMounts).toEqual([
        { source: servers.s3.dataDir!.replace(/\/data$/, ''), target: '/vgw' },
      ]);
      expect(spec.user).toBe(`${process.getuid!()}:${process.getgid!()}`);
      expect(spec.waitFor).toEqual({ path: '/', port: 7070, status: 403 });
      expect((await stat(servers.s3.dataDir!)).isDirectory()).toBe(true);
    } finally {
      await servers.stop();
    }
  });

  it('runs DynamoDB Local in memory and waits for its unsigned-request answer', async () => {
    const engine = fakeEngine();
    const servers = await startContainerRegistryServers({ factory: engine.factory });
    await servers.stop();
    const spec = engine.specOf(registryImages.dynamodbLocal);
    expect(spec).toMatchObject({
      command: ['-jar', 'DynamoDBLocal.jar', '-inMemory', '-port', '8000'],
      environment: {},
      exposedPorts: [8000],
      bindMounts: [],
      waitFor: { path: '/', port: 8000, status: 400 },
    });
    expect(spec.user).toBeUndefined();
  });

  it('hands back endpoints on the mapped ports with the credentials each server accepts', async () => {
    const servers = await startContainerRegistryServers({ factory: fakeEngine().factory });
    await servers.stop();
    expect(servers.s3).toMatchObject({
      url: 'http://localhost:47070',
      region: 'us-east-1',
      credentials: { accessKeyId: expect.stringMatching(/^TK[0-9A-F]{18}$/) },
    });
    expect(servers.dynamodb).toEqual({
      url: 'http://localhost:48000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'testkit', secretAccessKey: 'testkit' },
    });
  });

  it('gives every start fresh S3 credentials', async () => {
    const a = await startContainerRegistryServers({ factory: fakeEngine().factory });
    const b = await startContainerRegistryServers({ factory: fakeEngine().factory });
    await Promise.all([a.stop(), b.stop()]);
    expect(a.s3.credentials.secretAccessKey).not.toBe(b.s3.credentials.secretAccessKey);
  });

  it('stops both containers and removes the mounted folder on stop', async () => {
    const engine = fakeEngine();
    const servers = await startContainerRegistryServers({ factory: engine.factory });
    await servers.stop();
    expect(engine.stopped.sort()).toEqual([registryImages.dynamodbLocal, registryImages.versitygw].sort());
    await expect(stat(servers.s3.dataDir!)).rejects.toThrow('ENOENT');
  });

  it('stops the container that started when the other fails, and says why', async () => {
    const engine = fakeEngine({ failImage: registryImages.dynamodbLocal });
    await expect(startContainerRegistryServers({ factory: engine.factory })).rejects.toThrow(
      'registry servers in containers did not start: Error: pull access denied',
    );
    expect(engine.stopped).toEqual([registryImages.versitygw]);
  });
});
