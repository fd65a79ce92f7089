// Where the registry's test servers run is chosen like the testkit's provider: an explicit
// SWITCHYARD_PROVIDER wins, `auto` (or unset) means containers exactly when a Docker engine answers.
import { describe, expect, it, vi } from 'vitest';
import { type RegistryServers, selectRegistryServers, startRegistryServers } from './registry-servers.ts';

const docker = (reachable: boolean) => async () => reachable;

/** A stand-in for a starter: servers that say who made them. */
function fakeServers(name: string): RegistryServers {
  const endpoint = {
    url: `http://${name}`,
    region: 'us-east-1',
    credentials: { accessKeyId: name, secretAccessKey: name },
  };
  return { s3: endpoint, dynamodb: endpoint, stop: async () => {} };
}
const starters = {
  local: async () => fakeServers('local'),
  testcontainers: async () => fakeServers('testcontainers'),
};

describe('selectRegistryServers', () => {
  // The rule itself is testkit's `chooseProvider` (tested there); these check that the registry asks it.
  it('follows testkit: containers where Docker answers, local processes otherwise, an explicit choice wins', async () => {
    expect(await selectRegistryServers({ requested: 'auto', dockerReachable: docker(true) })).toBe(
      'testcontainers',
    );
    expect(await selectRegistryServers({ requested: undefined, dockerReachable: docker(false) })).toBe(
      'local',
    );
    expect(await selectRegistryServers({ requested: 'local', dockerReachable: docker(true) })).toBe('local');
  });

  it('refuses containers when they are asked for and no Docker engine answers', async () => {
    await expect(
      selectRegistryServers({ requested: 'testcontainers', dockerReachable: docker(false) }),
    ).rejects.toThrow(/no Docker engine/);
  });

  it('reads SWITCHYARD_PROVIDER when no request is passed', async () => {
    vi.stubEnv('SWITCHYARD_PROVIDER', 'local');
    try {
      expect(await selectRegistryServers({ dockerReachable: docker(true) })).toBe('local');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('names the variable when its value is unknown', async () => {
    await expect(selectRegistryServers({ requested: 'kind', dockerReachable: docker(true) })).rejects.toThrow(
      /SWITCHYARD_PROVIDER="kind"/,
    );
  });
});

describe('startRegistryServers', () => {
  it('starts the servers with the chosen provider', async () => {
    const inContainers = await startRegistryServers({
      requested: 'auto',
      dockerReachable: docker(true),
      starters,
    });
    const asProcesses = await startRegistryServers({
      requested: 'auto',
      dockerReachable: docker(false),
      starters,
    });
    expect(inContainers.s3.url).toBe('http://testcontainers');
    expect(asProcesses.s3.url).toBe('http://local');
  });
});
