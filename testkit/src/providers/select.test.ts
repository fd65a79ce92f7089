import { describe, expect, it } from 'vitest';
import { chooseProvider, dockerSocketPath, isDockerReachable } from './select.ts';

describe('chooseProvider', () => {
  it.each([
    [undefined, true, 'testcontainers'],
    [undefined, false, 'local'],
    ['auto', true, 'testcontainers'],
    ['auto', false, 'local'],
    ['local', true, 'local'],
    ['local', false, 'local'],
    ['testcontainers', true, 'testcontainers'],
    [' Local ', true, 'local'],
  ] as const)(
    'SWITCHYARD_PROVIDER=%s with Docker reachable=%s → %s',
    (requested, dockerReachable, expected) => {
      expect(chooseProvider({ requested, dockerReachable })).toBe(expected);
    },
  );

  it('refuses testcontainers when no Docker engine answers', () => {
    expect(() => chooseProvider({ requested: 'testcontainers', dockerReachable: false })).toThrow(
      /no Docker engine/,
    );
  });

  it('names the variable when the value is unknown', () => {
    expect(() => chooseProvider({ requested: 'kind', dockerReachable: true })).toThrow(
      /SWITCHYARD_PROVIDER="kind"/,
    );
  });
});

describe('dockerSocketPath', () => {
  it.each([
    [undefined, '/var/run/docker.sock'],
    ['unix:///run/user/1000/docker.sock', '/run/user/1000/docker.sock'],
    ['tcp://10.0.0.5:2375', undefined],
  ])('%s → %s', (host, expected) => {
    expect(dockerSocketPath(host)).toBe(expected);
  });
});

describe('isDockerReachable', () => {
  it('is false when the socket does not exist', async () => {
    expect(await isDockerReachable('unix:///nonexistent/docker.sock')).toBe(false);
  });
});
