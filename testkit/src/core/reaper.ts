// testkit: watchdog process; when its parent dies, it kills the process groups the parent left behind.
// Run as `node reaper.ts <parentPid> <groupsFile>`; the file holds `+pgid` / `-pgid` lines.

import { readFileSync, rmSync } from 'node:fs';

const parentPid = Number(process.argv[2]);
const groupsFile = process.argv[3] ?? '';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function liveGroups(): number[] {
  const groups = new Set<number>();
  let text = '';
  try {
    text = readFileSync(groupsFile, 'utf8');
  } catch {
    return [];
  }
  for (const line of text.split('\n')) {
    const pgid = Number(line.slice(1));
    if (line.startsWith('+')) groups.add(pgid);
    else if (line.startsWith('-')) groups.delete(pgid);
  }
  return [...groups];
}

function killAll(signal: NodeJS.Signals): void {
  for (const pgid of liveGroups()) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
  }
}

const timer = setInterval(() => {
  if (alive(parentPid)) return;
  clearInterval(timer);
  killAll('SIGTERM');
  setTimeout(() => {
    killAll('SIGKILL');
    rmSync(groupsFile, { force: true });
  }, 2000);
}, 500);
