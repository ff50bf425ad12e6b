/**
 * Running the crash-resume trials of crash-engines.test.ts: chains of host
 * processes on one run store, where each host resumes the run the previous
 * one left and then starts the next trial's run, and is killed in it; and
 * judging each trial from its end and its side file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunService } from '../../app/runs/index.js';
import {
  SHELL_TASKS,
  TASKS,
  crashDocument,
  effectCounts,
  files,
  type Variant,
} from './crash-engines-flow.js';
import type { HostArgs, HostEnd } from './crash-host-child.js';
import { runHost, type KillTrigger } from './crash-host-run.js';

export type Engine = 'serial' | 'parallel' | 'worker-based';

/** Where one host is killed: after its n-th event, inside a task (`x.<name>` / `r.<name>`), or after some ms. */
export interface Kill {
  readonly afterEvent?: number;
  readonly inside?: string;
  readonly afterMs?: number;
}

/** One run of the crash flow and where its hosts are killed. */
export interface Trial {
  readonly label: string;
  readonly variant: Variant;
  /** The first for the host that starts the run; the others for hosts that resume it. */
  readonly kills: readonly Kill[];
}

/** An uninterrupted run of each variant on one engine: what every trial must end with. */
export interface Reference {
  readonly end: Record<Variant, HostEnd>;
}

/** What became of one trial. */
export interface Outcome {
  readonly trial: Trial;
  /** Kills that landed while the run was under way. */
  readonly kills: number;
  /** Of those, the ones that left some task RUNNING or REVERTING. */
  readonly inFlightKills: number;
  /** Effects beyond the one each task must have (each allowed by what was in flight). */
  readonly repeats: number;
  /** What is wrong with it; empty when nothing is. */
  readonly problems: string[];
}

/** What every host of an engine's trials is given. */
export interface ChainSetting {
  /** The bundled host (crash-host-bundle.ts). */
  readonly bundle: string;
  readonly engine: Engine;
  /** The engine's options for a new run. */
  readonly engineOptions: Record<string, unknown>;
  /** The broker URL a resume is given (the store keeps it without its password). */
  readonly resumeUrl?: string;
  readonly reference: Reference;
}

/** The `start` of a host running `variant` in `dir`, paused after an event if `kill` says so. */
export function startArgs(
  setting: Pick<ChainSetting, 'engine' | 'engineOptions'>,
  dir: string,
  variant: Variant,
  kill?: Kill,
): NonNullable<HostArgs['start']> {
  return {
    document: crashDocument(dir, variant),
    engine: setting.engine,
    engineOptions: setting.engineOptions,
    ...(kill?.afterEvent !== undefined ? { pauseAfterEvent: kill.afterEvent } : {}),
  };
}

/**
 * Whether a task paused by `kill` keeps its worker's shell command running
 * until the resumed run has ended, so that its first execution is still
 * going while the resumed host runs it again (worker-based shell tasks only:
 * a script pauses by blocking, which would also stop its worker's heartbeats).
 */
function holdsPaused(engine: Engine, kill: Kill | undefined): boolean {
  return engine === 'worker-based' && kill?.inside !== undefined && SHELL_TASKS.has(kill.inside.slice(2));
}

/** How `kill` is done; a task paused in `dir` is released at the kill unless `hold`. */
function triggerOf(kill: Kill | undefined, dir: string, hold: boolean): KillTrigger {
  const release = hold ? {} : { releaseFile: files.released(dir) };
  if (kill?.afterEvent !== undefined) return { onPause: true, ...release };
  if (kill?.inside !== undefined) return { whenFile: files.paused(dir), ...release };
  if (kill?.afterMs !== undefined) return { afterMs: kill.afterMs, ...release };
  return {};
}

/** The store's view of a run just after its host was killed. */
async function afterKill(
  db: string,
  runId: string,
): Promise<{ ended: boolean; resumable: boolean; atoms: Map<string, string> }> {
  const runs = new RunService({ db });
  try {
    const view = runs.getRun(runId);
    const ended = ['SUCCESS', 'REVERTED', 'FAILURE'].includes(view.state);
    return {
      ended,
      // Interrupted (left RUNNING by a dead host), or stopped. A resuming engine passes the run through
      // RESUMING and SUSPENDED before RUNNING (TaskFlow's order): killed in between, it is SUSPENDED.
      resumable: ended || view.interrupted === true || view.state === 'SUSPENDED',
      atoms: new Map(view.atoms.map((a) => [a.name, a.state])),
    };
  } finally {
    await runs.close();
  }
}

/** A trial under way: its run, and what the kills so far left in flight. */
interface Active {
  readonly trial: Trial;
  readonly dir: string;
  readonly runId: string;
  kills: number;
  inFlightKills: number;
  /** Whether the run had ended in the store at the last kill (a resume then refuses it). */
  endedAtKill: boolean;
  /** Per task, how many kills found it RUNNING (its execute) or REVERTING (its revert). */
  readonly allowX: Map<string, number>;
  readonly allowR: Map<string, number>;
  readonly problems: string[];
  /** A task paused on a worker is let go only once the resumed run has ended. */
  hold: boolean;
  /**
   * The task paused at the kill (`x.<name>` / `r.<name>`): its effect was
   * written, it was left in flight, so the resume must run it again.
   */
  paused?: string;
}

/** Records a kill of `a`'s host: what the store says was in flight then. */
async function recordKill(a: Active, db: string, who: string): Promise<void> {
  a.kills++;
  const seen = await afterKill(db, a.runId);
  a.endedAtKill = seen.ended;
  if (!seen.resumable)
    a.problems.push(`${who}: killed, yet the run is shown neither interrupted nor stopped`);
  let any = false;
  for (const [name, state] of seen.atoms) {
    if (state === 'RUNNING') a.allowX.set(name, (a.allowX.get(name) ?? 0) + 1);
    if (state === 'REVERTING') a.allowR.set(name, (a.allowR.get(name) ?? 0) + 1);
    any ||= state === 'RUNNING' || state === 'REVERTING';
  }
  if (any) a.inFlightKills++;
}

/**
 * Judges a finished trial: its end against the reference, and every task's
 * effects — exactly once (reverts: once in the failing variant, never
 * otherwise), plus at most one more per kill that found the task in flight.
 */
function settle(a: Active, end: HostEnd, reference: Reference): Outcome {
  const { trial, problems } = a;
  const want = reference.end[trial.variant];
  if (end.state !== want.state) problems.push(`ended ${end.state}, not ${want.state}`);
  if (JSON.stringify(end.results) !== JSON.stringify(want.results)) {
    problems.push(`results ${JSON.stringify(end.results)}, not ${JSON.stringify(want.results)}`);
  }
  if (JSON.stringify(end.failures) !== JSON.stringify(want.failures)) {
    problems.push(`failures ${JSON.stringify(end.failures)}, not ${JSON.stringify(want.failures)}`);
  }
  let repeats = 0;
  for (const [kind, seen, allow, base] of [
    ['executed', effectCounts(a.dir, 'x'), a.allowX, 1],
    ['reverted', effectCounts(a.dir, 'r'), a.allowR, trial.variant === 'fail' ? 1 : 0],
  ] as const) {
    for (const name of TASKS) {
      const n = seen.get(name) ?? 0;
      const extra = allow.get(name) ?? 0;
      if (a.paused === `${kind === 'executed' ? 'x' : 'r'}.${name}` && n !== base + 1) {
        problems.push(`'${name}', paused at the kill, ${kind} ${String(n)} time(s), not ${String(base + 1)}`);
      } else if (n < base || n > base + extra) {
        problems.push(
          `'${name}' ${kind} ${String(n)} time(s); in flight at ${String(extra)} of ${String(a.kills)} kill(s)`,
        );
      }
      repeats += Math.max(0, n - base);
    }
  }
  return { trial, kills: a.kills, inFlightKills: a.inFlightKills, repeats, problems };
}

/**
 * Runs `trials` one after another on one store in `chainDir`: each host
 * resumes the run the previous one left (to its end, or until its own kill)
 * and then starts the next trial's run. Returns every trial's outcome.
 */
export async function runChain(
  setting: ChainSetting,
  chainDir: string,
  trials: readonly Trial[],
): Promise<Outcome[]> {
  mkdirSync(chainDir);
  const db = join(chainDir, 'runs.db');
  const outcomes: Outcome[] = [];
  const queue = [...trials];
  let active: Active | undefined;
  let index = 0;
  while (active !== undefined || queue.length > 0) {
    const resumeKill = active?.trial.kills[active.kills];
    // A resuming host that is to be killed too starts nothing after it.
    const next = active === undefined || resumeKill === undefined ? queue.shift() : undefined;
    const nextDir = join(chainDir, `t${String(index)}`);
    if (next) {
      index++;
      mkdirSync(nextDir);
      const inside = next.kills[0]?.inside;
      if (inside !== undefined) writeFileSync(files.pause(nextDir, inside), '');
    }
    const args: HostArgs = {
      db,
      ...(active && {
        resume: {
          runId: active.runId,
          ...(setting.resumeUrl !== undefined ? { url: setting.resumeUrl } : {}),
          ...(resumeKill?.afterEvent !== undefined ? { pauseAfterEvent: resumeKill.afterEvent } : {}),
        },
      }),
      ...(next && { start: startArgs(setting, nextDir, next.variant, next.kills[0]) }),
    };
    const trigger = next
      ? triggerOf(next.kills[0], nextDir, holdsPaused(setting.engine, next.kills[0]))
      : triggerOf(resumeKill, active?.dir ?? '', false);
    const host = await runHost(setting.bundle, args, trigger);

    if (active) {
      const a: Active = active;
      const end = host.ends.get(a.runId);
      if (end) {
        if (a.hold) writeFileSync(files.released(a.dir), '');
        const refused = host.refused.get(a.runId);
        if (refused !== undefined && !a.endedAtKill) a.problems.push(`resume refused: ${refused}`);
        outcomes.push(settle(a, end, setting.reference));
        active = undefined;
      } else {
        await recordKill(a, db, `resuming host ${String(a.kills)}`);
      }
    }
    if (next) {
      const runId = host.started;
      if (runId === undefined) throw new Error(`${next.label}: the host died before its run existed`);
      const first = next.kills[0];
      const a: Active = {
        trial: next,
        dir: nextDir,
        runId,
        kills: 0,
        inFlightKills: 0,
        endedAtKill: false,
        allowX: new Map(),
        allowR: new Map(),
        problems: [],
        hold: holdsPaused(setting.engine, first),
      };
      const end = host.ends.get(runId);
      if (end) {
        // A timed kill may come too late: the run ended in its first host.
        if (first?.afterMs === undefined) a.problems.push('the host was never killed');
        outcomes.push(settle(a, end, setting.reference));
      } else {
        await recordKill(a, db, 'first host');
        if (first?.inside !== undefined) {
          const name = first.inside.slice(2);
          const allow = first.inside.startsWith('x.') ? a.allowX : a.allowR;
          if (!allow.has(name)) a.problems.push(`paused inside '${name}', yet it was not in flight`);
          a.paused = first.inside;
        }
        active = a;
      }
    }
  }
  return outcomes;
}

/** Runs `trials` in `chains` chains at once (trial i in chain i mod chains), under `dir`. */
export async function runChains(
  setting: ChainSetting,
  dir: string,
  trials: readonly Trial[],
  chains: number,
): Promise<Outcome[]> {
  mkdirSync(dir);
  const split = Array.from({ length: chains }, (_, c) => trials.filter((_t, i) => i % chains === c));
  const results = await Promise.all(
    split.map((chain, c) => runChain(setting, join(dir, `chain${String(c)}`), chain)),
  );
  return results.flat();
}
