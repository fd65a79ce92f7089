/** `llmctl loadtest` end to end against an in-process simulator: the table printed and the report folder. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@switchyard/sim';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../report/load-report.ts';
import { loadtestCommand } from './loadtest-command.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ servedModelName: 'sim-model', port: 0, timeScale: 10 });
});
afterAll(async () => {
  await sim.close();
});

async function llmctl(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false };
  const program = new Command('llmctl').exitOverride().addCommand(loadtestCommand({ io, env: {} }));
  for (const c of program.commands) c.exitOverride();
  await program.parseAsync(args, { from: 'user' });
  return { out: out.join(''), err: err.join('') };
}

describe('llmctl loadtest', () => {
  it('runs a scenario, prints the results table and writes JSON, Markdown, SVG and PNG', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'loadtest-cli-')), 'report');
    const { out, err } = await llmctl([
      'loadtest',
      'baseline',
      '--base-url',
      `${sim.url}/v1`,
      '--duration',
      '1s',
      '--users',
      '2',
      '--out',
      dir,
    ]);
    expect(err).toContain('(model sim-model)'); // found through /v1/models
    expect(out).toMatch(/\| TTFT P95 \| .* \| < 500 ms \| ✅ \|/);
    for (const f of [
      'report.json',
      'report.md',
      'latency-distribution.svg',
      'latency-distribution.png',
      'timeseries.svg',
      'timeseries.png',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'timeseries.png')).subarray(1, 4).toString()).toBe('PNG');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as LoadReport;
    expect(report.scenario.summary).toContain('2 users');
    expect(report.requests.ok).toBeGreaterThan(0);
  });

  it('rejects a bad option value naming the option', async () => {
    await expect(
      llmctl(['loadtest', 'baseline', '--base-url', `${sim.url}/v1`, '--duration', 'soon']),
    ).rejects.toThrow(/--duration: expected a duration like 30s/);
    await expect(llmctl(['loadtest', 'nope', '--base-url', `${sim.url}/v1`])).rejects.toThrow(
      /scenario: unknown 'nope'/,
    );
  });
});
