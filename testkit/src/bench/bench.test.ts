import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { median, percentile } from './median.ts';
import { nginxProxyConfig } from './nginx.ts';
import { wrkScript } from './wrk.ts';

const NGINX = '/usr/sbin/nginx';

describe('proxy benchmark helpers', () => {
  it('write a wrk script that posts the body with its headers and prints one JSON summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'testkit-wrk-'));
    const lua = readFileSync(wrkScript(dir, 'chat', '{"model":"m"}', { authorization: 'Bearer k' }), 'utf8');
    expect(lua).toContain('wrk.body = "{\\"model\\":\\"m\\"}"');
    expect(lua).toContain('wrk.headers["authorization"] = "Bearer k"');
    expect(lua).toContain('WRKJSON {"requests":%d');
  });

  // nginx-light is a bench-only Debian package that CI does not install; the syntax check needs the binary.
  it.skipIf(!existsSync(NGINX))(
    'render an nginx config that nginx itself accepts (needs nginx-light)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'testkit-nginx-'));
      const conf = join(dir, 'nginx.conf');
      writeFileSync(conf, nginxProxyConfig({ dir, upstream: '127.0.0.1:9', port: 9, workers: 2 }));
      expect(readFileSync(conf, 'utf8')).toContain('worker_processes 2;');
      execFileSync(NGINX, ['-t', '-q', '-p', dir, '-c', conf], { stdio: 'pipe' });
    },
  );

  it('take the median of odd and even counts without reordering the input', () => {
    const rounds = [9, 1, 5, 3];
    expect(median([9, 1, 5])).toBe(5);
    expect(median(rounds)).toBe(4);
    expect(rounds).toEqual([9, 1, 5, 3]);
  });

  it('take nearest-rank percentiles without reordering the input', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1
    expect(percentile(values, 0.5)).toBe(100);
    expect(percentile(values, 0.99)).toBe(198);
    expect(percentile(values, 1)).toBe(200);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
    expect(values[0]).toBe(200);
  });
});
