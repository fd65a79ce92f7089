import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../core/processes.ts';
import { type PrometheusServer, startPrometheus } from './prometheus.ts';

describe('startPrometheus', () => {
  let target: Server;
  let prometheus: PrometheusServer;
  beforeAll(async () => {
    target = createServer((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('# TYPE testkit_requests_total counter\ntestkit_requests_total{model="m1"} 42\n');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const address = target.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
  });
  afterAll(async () => {
    await prometheus?.stop();
    target?.close();
  });

  it('scrapes a target and answers a PromQL query about it', async () => {
    const samples = await waitUntil(
      async () => {
        const result = await prometheus.query('sum by (model) (testkit_requests_total)');
        return result.length ? result : undefined;
      },
      { what: 'scraped sample', timeoutMs: 30_000 },
    );
    expect(samples).toEqual([{ metric: { model: 'm1' }, value: 42 }]);
  });

  it('ships promtool that checks rule files', async () => {
    const rules = join(prometheus.configFile, '..', 'rules.yml');
    writeFileSync(rules, 'groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum(up)\n');
    const { stdout } = await promisify(execFile)(prometheus.promtool, ['check', 'rules', rules]);
    expect(stdout).toContain('SUCCESS');
  });
});
