/**
 * A proxy's added latency measured on the wire, for `bench:gateway`.
 *
 * wrk's latency at one request in flight includes wrk's own wake-ups: on this 2-core VM a sleeping thread can
 * take milliseconds to run again, and a proxy adds two more processes to wake. So p99(proxy) − p99(direct)
 * measures the machine's scheduling as much as the proxy. Here tcpdump records every data packet on loopback
 * during the same run, and for each request the proxy's added time is
 *
 *     (its last response byte to the client − the request's first byte from the client)
 *   − (the upstream's last response byte − the proxy's first request byte to the upstream),
 *
 * the time the request spent in the proxy, both ways, including the proxy's own wake-ups but neither wrk's nor
 * the upstream's. Needs tcpdump and the right to capture (root or CAP_NET_RAW); without them the bench says so.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { percentile } from '@switchyard/testkit';

/** Added latency per request, from one capture. */
export interface WireLatency {
  requests: number;
  p50Us: number;
  p99Us: number;
}

/** One request at one request in flight, times in microseconds. */
interface Exchange {
  clientIn: number;
  upstreamOut?: number;
  /** The proxy's port on the connection that carried this request upstream. */
  upstreamConn?: string;
  upstreamLastIn?: number;
  clientLastOut?: number;
}

// `tcpdump -n -tt` lines: "1732412345.123456 IP 127.0.0.1.41000 > 127.0.0.1.8080: Flags [P.], seq ..., length 192: ..."
const LINE = /^(\d+)\.(\d+) IP6? [\d.:a-f]+\.(\d+) > [\d.:a-f]+\.(\d+): .*?length (\d+)/;

/** A dump line's timestamp in microseconds. */
function timeUs(m: RegExpExecArray): number {
  return Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/**
 * Added latency per request from `tcpdump -n -tt` text of a run with one request in flight at a time.
 * A data packet to the proxy's port starts a request (unless the previous one has no response
 * yet: a request in two packets); packets without payload (ACKs) are ignored. The upstream leg is the first
 * connection the proxy sends on after the request came in. Requests whose upstream call was not seen
 * (answered by the proxy itself) are left out.
 */
export function addedLatencyFromDump(
  lines: Iterable<string>,
  ports: { proxy: number; upstream: number },
): number[] {
  const proxy = String(ports.proxy);
  const upstream = String(ports.upstream);
  const added: number[] = [];
  let current: Exchange | undefined;
  const close = () => {
    const x = current;
    if (x?.upstreamOut === undefined || x.upstreamLastIn === undefined || x.clientLastOut === undefined)
      return;
    added.push(x.clientLastOut - x.clientIn - (x.upstreamLastIn - x.upstreamOut));
  };
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m || m[5] === '0') continue;
    const t = timeUs(m);
    const [from, to] = [m[3], m[4]];
    if (to === proxy) {
      if (current && current.clientLastOut === undefined) continue; // the rest of the same request
      close();
      current = { clientIn: t };
      continue;
    }
    if (!current) continue; // the capture started mid-request
    if (to === upstream) {
      if (current.upstreamOut === undefined) {
        current.upstreamOut = t;
        current.upstreamConn = from;
      }
    } else if (from === upstream) {
      if (to === current.upstreamConn) current.upstreamLastIn = t; // not, say, a metrics scrape beside it
    } else if (from === proxy) {
      current.clientLastOut = t;
    }
  }
  close();
  return added;
}

/**
 * Where a burst of concurrent requests waited, from a capture of that burst alone: for each request, when it
 * left the proxy for the upstream and when the proxy's first response byte reached its client, in ms after
 * the burst's first request reached the proxy (p50 and p99 over the burst). A proxy that reads and forwards
 * at once sends upstream requests about as fast as they arrive.
 */
export interface BurstTimeline {
  requests: number;
  upstreamSentP50Ms: number;
  upstreamSentP99Ms: number;
  firstByteOutP50Ms: number;
  firstByteOutP99Ms: number;
}

/**
 * {@link BurstTimeline} from `tcpdump -n -tt` text: a connection's first data packet to the proxy is its
 * request, its first data packet from the proxy the first response byte; a connection's first data packet
 * to the upstream is a forwarded request (one per connection: no pipelining).
 */
export function burstTimelineFromDump(
  lines: Iterable<string>,
  ports: { proxy: number; upstream: number },
): BurstTimeline | undefined {
  const proxy = String(ports.proxy);
  const upstream = String(ports.upstream);
  const requested = new Map<string, number>(); // client port → request time
  const answered = new Set<string>();
  const forwarded = new Set<string>(); // proxy-side ports of upstream connections
  const sent: number[] = [];
  const firstBytes: number[] = [];
  let start = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m || m[5] === '0') continue;
    const t = timeUs(m) / 1000;
    const [from, to] = [m[3]!, m[4]!];
    if (to === proxy) {
      if (!requested.has(from)) requested.set(from, t);
      start = Math.min(start, t);
    } else if (from === proxy) {
      if (requested.has(to) && !answered.has(to)) {
        answered.add(to);
        firstBytes.push(t);
      }
    } else if (to === upstream && !forwarded.has(from)) {
      forwarded.add(from);
      sent.push(t);
    }
  }
  if (requested.size === 0) return undefined;
  const after = (times: number[], q: number) => percentile(times, q) - start;
  return {
    requests: requested.size,
    upstreamSentP50Ms: after(sent, 0.5),
    upstreamSentP99Ms: after(sent, 0.99),
    firstByteOutP50Ms: after(firstBytes, 0.5),
    firstByteOutP99Ms: after(firstBytes, 0.99),
  };
}

/** Summarises per-request added latencies. */
export function summarizeWire(added: number[]): WireLatency | undefined {
  if (added.length === 0) return undefined;
  return { requests: added.length, p50Us: percentile(added, 0.5), p99Us: percentile(added, 0.99) };
}

/** Why a capture cannot run here, or undefined when it can (tcpdump listens on loopback for half a second). */
export function captureUnavailable(): string | undefined {
  const probe = spawnSync('tcpdump', ['-i', 'lo', '-w', '/dev/null', 'tcp port 9'], {
    encoding: 'utf8',
    timeout: 500,
    killSignal: 'SIGINT',
  });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    return 'tcpdump not found (Debian package `tcpdump`)';
  if (probe.stderr.includes('listening on')) return undefined;
  const cause =
    probe.stderr
      .trim()
      .split('\n')[0]
      ?.replace(/^tcpdump: /, '') || `exit ${probe.status}`;
  return `tcpdump cannot capture here (${cause}; needs root or CAP_NET_RAW)`;
}

/** A running capture of the proxy's and the upstream's loopback traffic into `file`. */
export interface Capture {
  /** Stops the capture and returns it as `tcpdump -n -tt` lines (the file is removed). */
  stop(): Promise<string[]>;
}

/** Starts tcpdump on loopback for the two ports; resolves once it is listening. */
export async function startCapture(
  file: string,
  ports: { proxy: number; upstream: number },
): Promise<Capture> {
  const proc = spawn(
    'tcpdump',
    // A 64 MiB buffer and 96-byte snapshots: a 1-in-flight run or a 1,000-stream burst is ~40k packets per
    // second, and none may be dropped.
    [
      '-i',
      'lo',
      '-n',
      '-B',
      '65536',
      '-s',
      '96',
      '-w',
      file,
      `tcp port ${ports.proxy} or tcp port ${ports.upstream}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderr = await listening(proc);
  return {
    async stop() {
      const exited = once(proc, 'close'); // after its stderr, with the counts, is read
      proc.kill('SIGINT');
      await exited;
      const dropped = Number(/(\d+) packets? dropped by kernel/.exec(stderr())?.[1] ?? 0);
      if (dropped > 0)
        process.stderr.write(`  tcpdump dropped ${dropped} packets: some requests are paired wrongly\n`);
      const reader = spawn('tcpdump', ['-r', file, '-n', '-tt'], { stdio: ['ignore', 'pipe', 'ignore'] });
      const lines = createInterface({ input: reader.stdout });
      const collected: string[] = [];
      lines.on('line', (l) => collected.push(l));
      await once(lines, 'close');
      rmSync(file, { force: true });
      return collected;
    },
  };
}

/** Resolves once tcpdump listens, with a reader of everything it wrote to stderr so far (its counts at exit). */
function listening(proc: ChildProcess): Promise<() => string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const read = () => stderr;
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('listening on')) resolve(read);
    });
    proc.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${stderr.trim()}`)));
  });
}
