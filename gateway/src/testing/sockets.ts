/** Socket facts the kernel reports, for tests. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The backlog of the socket listening on `port`: the kernel reports it as the Send-Q of `ss -ltn`. */
export function listenBacklog(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const [state, , sendQ] = line.split(/\s+/);
  if (state !== 'LISTEN') throw new Error(`nothing listens on port ${port}: ${JSON.stringify(line)}`);
  return Number(sendQ);
}

/** The kernel's cap on any listen backlog (`net.core.somaxconn`). */
export const somaxconn = (): number => Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
