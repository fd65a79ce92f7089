import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestkitError } from '../core/errors.ts';
import { ensureInstalled } from './ensure.ts';
import { runStep } from './step.ts';

describe('ensureInstalled', () => {
  it('reuses what the install step of .ci/run put in the cache', async () => {
    const lines: string[] = [];
    const results = await ensureInstalled(['redis', 'prometheus', 'kube'], { report: (l) => lines.push(l) });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['redis', 'cached'],
      ['prometheus', 'cached'],
      ['kube', 'cached'],
    ]);
    expect(lines).toEqual([]);
  });
});

describe('runStep', () => {
  it('names the component and the failed step, and keeps the output in the install log', async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'testkit-step-')), 'install.log');
    const ctx = { component: 'demo', logFile, report: () => {} };
    const failing = runStep(ctx, 'compile things', 'sh', ['-c', 'echo broken build >&2; exit 3']);
    await expect(failing).rejects.toThrow(TestkitError);
    await expect(failing).rejects.toThrow(/demo: install: compile things failed: `sh` exited with 3/);
    expect(readFileSync(logFile, 'utf8')).toContain('broken build');
  });
});
