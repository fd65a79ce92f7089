/** Runs wrk (Debian package) with a POST body and reads its latency percentiles and error counts. */
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

/** Writes a wrk Lua script that POSTs `body` and prints a JSON summary. */
export function wrkScript(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.lua`);
  writeFileSync(
    file,
    `wrk.method = "POST"
wrk.body = ${JSON.stringify(body)}
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nWRKJSON {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"max":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout))
end
`,
  );
  return file;
}

/** Runs wrk against `url` with one thread. */
export async function runWrk(
  url: string,
  script: string,
  connections: number,
  seconds: number,
): Promise<WrkResult> {
  const { stdout } = await run(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url],
    { maxBuffer: 1 << 20 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const raw = JSON.parse(line.slice(8)) as {
    requests: number;
    duration_us: number;
    p50: number;
    p99: number;
    max: number;
    errors: number;
  };
  return { ...raw, rps: raw.requests / (raw.duration_us / 1e6) };
}
