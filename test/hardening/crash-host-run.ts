/**
 * Starting one crash-test host process (crash-host-child.ts, bundled) and
 * killing it — with its whole process group, so the shell commands and pool
 * processes it started die with it, as they would when a desktop app or a
 * server is killed — at the point a trial asks for.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import type { HostArgs, HostEnd } from './crash-host-child.js';

/** When to kill the host (at most one is used; none: let it run to its end). */
export interface KillTrigger {
  /** The host printed `PAUSED` (it blocks after the event its args named). */
  readonly onPause?: boolean;
  /** This file appeared (a task created it, then paused). */
  readonly whenFile?: string;
  /** This long after the host said the run to kill is under way (the new run, else the resumed one). */
  readonly afterMs?: number;
  /**
   * Created as soon as the kill is sent: a paused task waits for it. A task
   * the host ran dies with it; one on a worker goes on at once, so a worker's
   * event loop is never held up longer than the kill takes.
   */
  readonly releaseFile?: string;
}

/** What one host process did. */
export interface HostOutcome {
  /** Whether the test killed it (SIGKILL to its process group). */
  readonly killed: boolean;
  /** The `PAUSED <id> <n> <event>` line, if it paused. */
  readonly paused: string | undefined;
  /** The id of the run it started, if it got that far. */
  readonly started: string | undefined;
  /** How long the run it started took, from its `run` line to its `end` line, if it ended. */
  readonly startedRunMs: number | undefined;
  /** How each run it resumed or started ended, by id (absent: it was killed before). */
  readonly ends: ReadonlyMap<string, HostEnd>;
  /** The runs it was asked to resume but refused, with the reason. */
  readonly refused: ReadonlyMap<string, string>;
  readonly stderr: string;
}

/** Kills a detached child's process group; a group already gone is fine. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Runs the host with `args` and kills it when `trigger` says; resolves once
 * it has exited. A host that fails on its own, or is still running after
 * `guardMs`, rejects (with what it printed).
 */
export function runHost(
  bundle: string,
  args: HostArgs,
  trigger: KillTrigger,
  guardMs = 60_000,
): Promise<HostOutcome> {
  return new Promise((resolve, reject) => {
    // Its own process group, so one signal reaches it and everything it started.
    const child = spawn(process.execPath, [bundle, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let killed = false;
    let hung = false;
    let paused: string | undefined;
    let started: string | undefined;
    let startedAt = 0;
    let startedRunMs: number | undefined;
    const ends = new Map<string, HostEnd>();
    const refused = new Map<string, string>();
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      killGroup(child.pid);
      if (trigger.releaseFile !== undefined) writeFileSync(trigger.releaseFile, '');
    };
    const guard = setTimeout(() => {
      hung = true;
      kill();
    }, guardMs);
    if (trigger.whenFile !== undefined) {
      const file = trigger.whenFile;
      poll = setInterval(() => {
        if (existsSync(file)) kill();
      }, 3);
    }
    // The run whose start arms a timed kill: the new one, or else the resumed one.
    const timedRun = (id: string): boolean =>
      args.start !== undefined ? id !== args.resume?.runId : id === args.resume?.runId;
    const onLine = (line: string): void => {
      const [word, id = '', ...rest] = line.split(' ');
      if (word === 'PAUSED') {
        paused = line;
        if (args.start !== undefined && id !== args.resume?.runId) started = id;
        if (trigger.onPause === true) kill();
      } else if (word === 'run') {
        if (args.start !== undefined && id !== args.resume?.runId) {
          started = id;
          startedAt = performance.now();
        }
        if (trigger.afterMs !== undefined && timedRun(id)) timer = setTimeout(kill, trigger.afterMs);
      } else if (word === 'refused') {
        refused.set(id, rest.join(' '));
      } else if (word === 'end') {
        ends.set(id, JSON.parse(rest.join(' ')) as HostEnd);
        if (id === started) startedRunMs = performance.now() - startedAt;
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      let i: number;
      while ((i = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, i);
        stdout = stdout.slice(i + 1);
        onLine(line);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      const said = `args ${JSON.stringify({ ...args, start: args.start && { ...args.start, document: '…' } })}\nstderr:\n${stderr}`;
      if (hung) reject(new Error(`the host was still running after ${String(guardMs)} ms; ${said}`));
      else if (!killed && (code !== 0 || signal !== null)) {
        reject(new Error(`the host failed (${String(code ?? signal)}); ${said}`));
      } else resolve({ killed, paused, started, startedRunMs, ends, refused, stderr });
    });
  });
}
