// testkit: a real redis-server (Debian package) on a free loopback port, no persistence.

import { freePort } from '../core/ports.ts';
import { tcpExchange } from '../core/probes.ts';
import { startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Port to bind (default: a free one). */
  port?: number;
}

/** A running Redis. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts redis-server on loopback without persistence; resolves once it answers PING. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = requireBinary(component('redis'), 'redis-server');
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort());
  const started = await startProcess({
    name: 'redis',
    command: binary,
    args: (dir) => [
      '--bind',
      host,
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
    ],
    ready: async () => (await tcpExchange(host, port, 'PING\r\n')).startsWith('+PONG'),
  });
  return { url: `redis://${host}:${port}`, host, port, logFile: started.logFile, stop: started.stop };
}
