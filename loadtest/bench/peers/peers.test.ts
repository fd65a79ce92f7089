/** The short version of bench:peers: installs that fail are reported, streams are checked, the table renders. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@switchyard/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePeer } from './install.ts';
import { runConcurrentStreams } from './streams.ts';
import { renderPeersTable } from './table.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ servedModelName: 'bench', port: 0, timeScale: 10 });
});
afterAll(async () => {
  await sim.close();
});

describe('peer install', () => {
  it('reports a peer that cannot be installed instead of throwing, and remembers the failure', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'peers-'));
    const pkg = { name: 'nope', registry: 'pypi' as const, package: 'nope[proxy]', versions: ['2.0', '1.0'] };
    const calls: string[] = [];
    const exec = async (command: string, args: string[]) => {
      calls.push(`${command.split('/').at(-1)} ${args.at(-1)}`);
      if (command.endsWith('pip'))
        throw Object.assign(new Error('exit 1'), {
          stdout: '',
          stderr: 'ERROR: No matching distribution found for x',
        });
      return { stdout: '', stderr: '' };
    };
    const first = await ensurePeer(pkg, cache, exec);
    expect(first).toMatchObject({ name: 'nope', status: 'failed' });
    expect(first.status === 'failed' && first.reason).toBe(
      '2.0: ERROR: No matching distribution found for x; 1.0: ERROR: No matching distribution found for x',
    );
    expect(calls.filter((c) => c.startsWith('pip'))).toEqual([
      'pip nope[proxy]==2.0',
      'pip nope[proxy]==1.0',
    ]);
    calls.length = 0;
    expect(await ensurePeer(pkg, cache, exec)).toMatchObject({ status: 'failed' });
    expect(calls).toEqual([]); // remembered: no second attempt
  });

  it('installs the first version that works and reuses it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'peers-'));
    const pkg = { name: 'gw', registry: 'npm' as const, package: '@x/gw', versions: ['1.2.3'] };
    const calls: string[][] = [];
    const exec = async (command: string, args: string[]) => {
      calls.push([command, ...args]);
      return { stdout: 'added 1 package', stderr: '' };
    };
    expect(await ensurePeer(pkg, cache, exec)).toMatchObject({
      status: 'installed',
      version: '1.2.3',
      dir: join(cache, 'gw-1.2.3'),
    });
    expect(calls[0]).toEqual(
      expect.arrayContaining(['npm', 'install', '--prefix', join(cache, 'gw-1.2.3'), '@x/gw@1.2.3']),
    );
    expect(await ensurePeer(pkg, cache, exec)).toMatchObject({ status: 'installed' });
    expect(calls).toHaveLength(1);
  });
});

describe('concurrent streams', () => {
  it('reads every stream to [DONE] and reports the longest mid-stream silence', async () => {
    const body = JSON.stringify({
      model: 'bench',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 10,
      stream: true,
    });
    const r = await runConcurrentStreams(`${sim.url}/v1/chat/completions`, {}, body, 20);
    expect(r.completed).toBe(20);
    expect(r.maxGapMs).toBeLessThan(1_000);
    expect(r.firstFailure).toBeUndefined();
  });

  it('names the first failure when streams fail', async () => {
    const r = await runConcurrentStreams(`${sim.url}/v1/chat/completions`, {}, '{"model":"other"}', 3);
    expect(r.completed).toBe(0);
    expect(r.firstFailure).toMatch(/^400 .*messages/);
  });
});

describe('peers table', () => {
  const wrk = (p50: number, rps: number) => ({
    requests: 1000,
    rps,
    p50,
    p99: p50 * 3,
    max: p50 * 5,
    errors: 0,
  });
  const table = renderPeersTable([
    { path: 'direct', status: 'ok', latency: wrk(3000, 4000), rate: wrk(3000, 4000) },
    { path: 'nginx', status: 'ok', latency: wrk(3200, 3000), rate: wrk(3200, 3000) },
    { path: 'gateway', status: 'ok', latency: wrk(3500, 1500), rate: wrk(3500, 1500) },
    { path: 'litellm', status: 'install failed', reason: 'No matching distribution' },
  ]);

  it('gives added latency over direct and the rate as a ratio to nginx', () => {
    expect(table).toMatch(/\| gateway \| 3500 µs \| .* \| 500 µs \| 1500 µs \| 1,500 \| .* \| 0.50x \|/);
    expect(table).toMatch(/\| nginx \| .* \| 1.00x \|/);
  });

  it('keeps a peer that failed in the table with its reason', () => {
    expect(table).toContain('| litellm | install failed: see below |');
    expect(table).toContain('- litellm: install failed: No matching distribution');
  });
});
