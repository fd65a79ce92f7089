import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './config.ts';

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
});
