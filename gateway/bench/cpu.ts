/**
 * CPU time a process (and its direct children) has used, from /proc. Per-request CPU is the proxy figure that
 * holds still on a busy machine, where wall-clock rates move with whatever else runs.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

function ticks(pid: number): { ticks: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds used so far by `pid` and its direct children (nginx's workers, say). */
export function cpuMs(pid: number): number {
  return childPids(pid).reduce((total, child) => total + ownCpuMs(child), ownCpuMs(pid));
}

/** CPU milliseconds used so far by `pid` alone (0 once it is gone). */
export function ownCpuMs(pid: number): number {
  return ((ticks(pid)?.ticks ?? 0) * 1000) / TICKS_PER_SECOND;
}

/** The pids whose parent is `pid` (a gateway's or nginx's workers). */
export function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && ticks(Number(entry))?.ppid === pid)
    .map(Number);
}

/** The whole machine's CPU milliseconds so far, over all cores: all of them, and the idle part (idle + iowait). */
export function machineCpuMs(): { total: number; idle: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const ms = (t: number) => (t * 1000) / TICKS_PER_SECOND;
  return { total: ms(total), idle: ms(fields[3]! + fields[4]!) };
}
