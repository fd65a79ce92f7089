// testkit: free loopback ports for servers, never handed out twice while the process that took them lives.
//
// A port is chosen now and bound later by another process (redis, etcd, kube-apiserver...), sometimes
// seconds later. Two things could take it in between: another test process (vitest runs files in parallel
// workers) choosing the same port, and any `listen(0)` or outgoing connection, which the kernel serves from
// its ephemeral range. So ports come from below the ephemeral range, and each is reserved across processes
// with a lock file naming the owner's pid (stale once that pid is gone).

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const handedOut = new Set<number>();
const lockFiles: string[] = [];
let exitHookInstalled = false;

/** Ports from here up to the ephemeral range are candidates (well above the well-known ones). */
const LOWEST = 15_000;

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const range: [number, number] = [Number(low), Number(high)];
    if (Number.isInteger(range[0]) && Number.isInteger(range[1])) return range;
  } catch {
    // not Linux: use Linux's default
  }
  return [32_768, 60_999];
}

function lockDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dir = join(process.env.SWITCHYARD_RUN_DIR ?? tmpdir(), `switchyard-ports-${uid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the cross-process lock of `port`; false when a live process holds it. */
function reserve(port: number): boolean {
  const file = join(lockDir(), String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      lockFiles.push(file);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', () => {
          for (const f of lockFiles) rmSync(f, { force: true });
        });
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(file, 'utf8'));
      } catch {
        // removed meanwhile: try again
      }
      // A half-written lock (owner NaN, file just created) is treated as taken; its writer finishes at once.
      if (Number.isNaN(owner) || alive(owner)) return false;
      rmSync(file, { force: true }); // its owner is gone
    }
  }
  return false;
}

/** True when `port` can be bound on `host` right now. */
function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolveBindable) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveBindable(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolveBindable(true)));
  });
}

/** Asks the kernel for a port in its ephemeral range (the fallback when there is no room below it). */
function kernelPort(host: string): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(chosen));
    });
  });
}

/**
 * A free TCP port on `host` (default 127.0.0.1), below the kernel's ephemeral range and reserved across
 * processes until this one exits; never returns the same port twice.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const highest = Math.min(ephemeralLow, 65_536) - 1;
  if (highest - LOWEST >= 1_000) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
      if (handedOut.has(port)) continue;
      if (!reserve(port)) continue;
      handedOut.add(port); // reserved by us from now on, bindable or not
      if (await bindable(port, host)) return port;
    }
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await kernelPort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found on ${host}`);
}

/** Several distinct free ports at once. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort(host));
  return ports;
}
