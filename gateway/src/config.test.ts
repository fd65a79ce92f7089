import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, workerCount } from './config.ts';

describe('gateway configuration', () => {
  it('fills every default', () => {
    const config = parseConfig({ auth: { mode: 'disabled' } });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080, adminPort: 8081 });
    expect(config.upstream.connectTimeoutMs).toBe(5000);
  });

  it.each([
    [{ server: { port: 'x' } }, 'server.port'],
    [{ auth: { mode: 'required', keys: [{ id: 'k', sha256: 'abc', tenant: 't' }] } }, 'auth.keys[0].sha256'],
    [{ endpoints: [{ id: 'e', url: 'ftp://x', model: 'm' }] }, 'endpoints[0].url'],
    [{ upstream: { idleTimeoutMs: -1 } }, 'upstream.idleTimeoutMs'],
    [{ surprise: true }, '(root)'],
    [{ server: { workers: 0 } }, 'server.workers'],
    [{ server: { workers: 'many' } }, 'server.workers'],
  ])('names the field path of a bad value (%j)', (raw, path) => {
    expect(() => parseConfig({ auth: { mode: 'disabled' }, ...raw })).toThrow(path);
  });

  it('refuses to run without keys on a non-loopback address', () => {
    expect(() => parseConfig({ server: { host: '0.0.0.0' }, auth: { mode: 'disabled' } })).toThrow(
      ConfigError,
    );
  });

  it('requires keys when auth is required', () => {
    expect(() => parseConfig({})).toThrow(/auth\.keys/);
  });

  it('reads YAML from GATEWAY_CONFIG and applies PORT over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, 'auth:\n  mode: disabled\nserver:\n  port: 9000\n');
    expect(loadConfig({ GATEWAY_CONFIG: file }).server.port).toBe(9000);
    expect(loadConfig({ GATEWAY_CONFIG: file, PORT: '9100' }).server.port).toBe(9100);
  });

  it('says which file it could not read', () => {
    expect(() => loadConfig({ GATEWAY_CONFIG: '/nonexistent/gw.yaml' })).toThrow('/nonexistent/gw.yaml');
  });

  it('runs one process unless told otherwise; auto is one per available core', () => {
    expect(workerCount(parseConfig({ auth: { mode: 'disabled' } }))).toBe(1);
    expect(workerCount(parseConfig({ auth: { mode: 'disabled' }, server: { workers: 'auto' } }))).toBe(
      availableParallelism(),
    );
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, 'auth:\n  mode: disabled\n');
    expect(loadConfig({ GATEWAY_CONFIG: file, GATEWAY_WORKERS: '4' }).server.workers).toBe(4);
    expect(loadConfig({ GATEWAY_CONFIG: file, GATEWAY_WORKERS: 'auto' }).server.workers).toBe('auto');
  });

  it('refuses per-process rate-limit buckets in front of several workers', () => {
    const rateLimits = { rules: [{ name: 'per-key', by: ['apiKey'], requestsPerMinute: 60 }] };
    expect(() => parseConfig({ auth: { mode: 'disabled' }, server: { workers: 2 }, rateLimits })).toThrow(
      /rateLimits\.store: 'memory' keeps buckets per process, so 2 workers/,
    );
    expect(
      parseConfig({
        auth: { mode: 'disabled' },
        server: { workers: 2 },
        rateLimits: { ...rateLimits, store: 'redis' },
      }).server.workers,
    ).toBe(2);
    // Without rules there is nothing to split.
    expect(parseConfig({ auth: { mode: 'disabled' }, server: { workers: 2 } }).server.workers).toBe(2);
  });
});
