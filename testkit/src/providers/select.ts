// testkit: chooses between local processes and testcontainers; the choice itself is pure and unit-tested.

import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { TestkitError } from '../core/errors.ts';

/** Where servers run. */
export type ProviderName = 'local' | 'testcontainers';

/** What the choice depends on. */
export interface ProviderFacts {
  /** `SWITCHYARD_PROVIDER`: `local`, `testcontainers`, `auto` or unset (= auto). */
  requested: string | undefined;
  /** Whether a Docker engine answered its ping. */
  dockerReachable: boolean;
}

/** Picks the provider: an explicit request wins; `auto` uses testcontainers only when Docker answers. */
export function chooseProvider(facts: ProviderFacts): ProviderName {
  const requested = (facts.requested ?? 'auto').trim().toLowerCase() || 'auto';
  switch (requested) {
    case 'local':
      return 'local';
    case 'testcontainers':
      if (!facts.dockerReachable) {
        throw new TestkitError(
          'provider',
          'select',
          'SWITCHYARD_PROVIDER=testcontainers but no Docker engine answered (DOCKER_HOST or /var/run/docker.sock)',
        );
      }
      return 'testcontainers';
    case 'auto':
      return facts.dockerReachable ? 'testcontainers' : 'local';
    default:
      throw new TestkitError(
        'provider',
        'select',
        `SWITCHYARD_PROVIDER="${facts.requested}": use local, testcontainers or auto`,
      );
  }
}

/** The Docker socket to ping: a `unix://` DOCKER_HOST, or the default socket; undefined for remote engines. */
export function dockerSocketPath(dockerHost: string | undefined): string | undefined {
  if (!dockerHost) return '/var/run/docker.sock';
  if (dockerHost.startsWith('unix://')) return dockerHost.slice('unix://'.length);
  // A TCP engine is not pinged: testkit only talks to loopback and local sockets.
  return undefined;
}

/** True when a Docker engine answers `GET /_ping` on its local socket within `timeoutMs`. */
export function isDockerReachable(dockerHost = process.env.DOCKER_HOST, timeoutMs = 1000): Promise<boolean> {
  const socketPath = dockerSocketPath(dockerHost);
  if (!socketPath || !existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolveReachable) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolveReachable(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveReachable(false));
    req.end();
  });
}
