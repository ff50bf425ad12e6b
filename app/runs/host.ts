/**
 * Which process runs a run: recorded with the run so that a run left RUNNING
 * by a crash can be told apart from one that another process is still running.
 */
import { hostname } from 'node:os';
import type { RunHost } from './meta.js';

/** Runs being executed by any run service of this process. */
const runningHere = new Set<string>();

/** This process, as recorded with the runs it starts or resumes. */
export function thisHost(): RunHost {
  return { pid: process.pid, hostname: hostname() };
}

/** Marks a run as executing in this process (or no longer). */
export function markRunningHere(runId: string, running: boolean): void {
  if (running) runningHere.add(runId);
  else runningHere.delete(runId);
}

/** Whether some run service of this process is executing the run. */
export function isRunningHere(runId: string): boolean {
  return runningHere.has(runId);
}

/**
 * The pid of another live process on this machine that the run was last run
 * by, or `undefined` when that process is gone (a crash), is this one, or is
 * on another machine (which cannot be asked; its runs are taken as gone).
 */
export function liveOtherProcess(host: RunHost | undefined): number | undefined {
  if (!host || host.hostname !== hostname() || host.pid === process.pid) return undefined;
  try {
    process.kill(host.pid, 0); // signal 0: only checks that the process exists
    return host.pid;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? host.pid : undefined;
  }
}
