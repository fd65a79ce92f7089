import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpExchange } from '../core/probes.ts';
import { type RedisServer, startRedis } from './redis.ts';

describe('startRedis', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('answers PING and stores what SET wrote', async () => {
    expect(await client.ping()).toBe('PONG');
    await client.set('testkit:key', 'value');
    expect(await client.get('testkit:key')).toBe('value');
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
  });

  it('leaves no process behind after stop', async () => {
    const other = await startRedis();
    await other.stop();
    expect(await tcpExchange(other.host, other.port, 'PING\r\n')).toBe('');
  });
});
