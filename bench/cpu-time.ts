/**
 * How much CPU other processes took while W2-cpu's parallel run had every CPU
 * busy. A speed-up below 2× on 2 CPUs means either the engine left a CPU idle
 * or something else ran on it; this tells the two apart. Linux only (it reads
 * /proc); elsewhere the figure is null.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux whatever the kernel's HZ). */
const TICKS_PER_S = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Ticks every CPU spent on something other than idling: user, nice, system,
 * irq, softirq, and steal (a CPU the hypervisor gave to another guest is one
 * this machine did not get either).
 */
function machineBusyTicks(): number | null {
  const fields = read('/proc/stat')?.split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 8 || fields.some((f) => !Number.isFinite(f))) return null;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/** Ticks of user + system time of one process (utime and stime, fields 14 and 15 of /proc/<pid>/stat). */
function processTicks(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const rest = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (!rest || rest.length < 13) return null;
  const ticks = Number(rest[11]) + Number(rest[12]);
  return Number.isFinite(ticks) ? ticks : null;
}

/** The CPU time of the machine and of some processes at one instant. */
export interface CpuSnapshot {
  busy: number;
  ours: number;
  pids: readonly number[];
}

/** The machine's busy time and that of `pids` (the host and its pool processes); null if unreadable. */
export function cpuSnapshot(pids: readonly number[]): CpuSnapshot | null {
  const busy = machineBusyTicks();
  let ours = 0;
  for (const pid of pids) {
    const t = processTicks(pid);
    if (t === null) return null;
    ours += t;
  }
  return busy === null ? null : { busy, ours, pids };
}

/**
 * CPU seconds the machine spent on anything but `pids` between two snapshots
 * of the same processes: other programs, the kernel's own work, the VM's
 * steal. Null when a snapshot is missing or the processes differ.
 */
export function otherCpuSeconds(before: CpuSnapshot | null, after: CpuSnapshot | null): number | null {
  if (!before || !after || before.pids.join() !== after.pids.join()) return null;
  return Math.max(0, after.busy - before.busy - (after.ours - before.ours)) / TICKS_PER_S;
}
