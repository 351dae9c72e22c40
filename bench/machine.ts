/**
 * What the Linux kernel says about the cores and about one process: CPU time and resident memory, read
 * from /proc. The bench pins the load to core 0 and the server under test to core 1; these figures show
 * whether the server's core was the one that ran out (the load side must not be the bottleneck).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Busy and total jiffies of each core, since boot. */
export type CoreTimes = { busy: number; total: number }[];

export function coreTimes(): CoreTimes {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      // user nice system idle iowait irq softirq steal
      const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
      const busy = user + nice + system + irq + softirq + steal;
      return { busy, total: busy + idle + iowait };
    });
}

/** Share of each core that was busy (with anything, this machine's other work included) between two readings. */
export function coreBusy(before: CoreTimes, after: CoreTimes): number[] {
  return after.map((a, i) => {
    const total = a.total - before[i].total;
    return total > 0 ? (a.busy - before[i].busy) / total : 0;
  });
}

/** CPU seconds (user + system) the process has used. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: the fields after it start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of the process, in bytes. */
export function processRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
}
