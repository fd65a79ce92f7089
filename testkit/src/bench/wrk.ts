// testkit: wrk (Debian package `wrk`) POSTing a body, for the proxy benchmarks: latency percentiles, rate,
// errors of one run. Shared by `bench:gateway` and `bench:peers`.

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One wrk run's figures (latencies in microseconds). */
export interface WrkResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/** Writes a wrk Lua script that POSTs `body` (with `headers`) and prints a JSON summary line. */
export function wrkScript(
  dir: string,
  name: string,
  body: string,
  headers: Record<string, string> = {},
): string {
  const file = join(dir, `${name}.lua`);
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('\\nWRKJSON {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"max":%d,"errors":%d}\\n',`,
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,',
    '    e.connect + e.read + e.write + e.status + e.timeout))',
    'end',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs wrk with one thread against `url` for `seconds` over `connections` connections. */
export async function runWrk(
  url: string,
  script: string,
  connections: number,
  seconds: number,
): Promise<WrkResult> {
  const { stdout } = await run(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url],
    { maxBuffer: 1 << 20, timeout: (seconds + 30) * 1000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk printed no summary: ${stdout.slice(-300)}`);
  const raw = JSON.parse(line.slice(8)) as Omit<WrkResult, 'rps'> & { duration_us: number };
  return {
    requests: raw.requests,
    p50: raw.p50,
    p99: raw.p99,
    max: raw.max,
    errors: raw.errors,
    rps: raw.requests / (raw.duration_us / 1e6),
  };
}
