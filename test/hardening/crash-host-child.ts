/**
 * The host process the crash-resume test kills: it does what the CLI, web
 * and Electron hosts do, through the real run service on a SQLite file. It
 * first resumes a run a killed host left (if told to) and waits for its end,
 * then starts a new run of a flow document on the chosen engine (if told to)
 * — so one process start serves both the resume of one trial and the kill of
 * the next, as a host restarted after a crash would carry on.
 *
 * To be killed at a precise point it prints `PAUSED <id> <n> <event>` and blocks
 * (Atomics.wait, so nothing more of the host runs: no store write, no
 * message) right after the n-th flow or atom event of a run, which the
 * service relays only once its transition is committed. Tasks already handed
 * to pool processes or workers go on meanwhile, as they would.
 *
 * Invoked as `node host.mjs '<json HostArgs>'`. For each run it prints
 * `run <id>` once the run is under way, `refused <id> <reason>` when the
 * service will not resume it (a run killed after its last transition has
 * ended), and `end <id> <json HostEnd>` when it stops.
 */
import { writeSync } from 'node:fs';
import { RunService, RunStateError, type RunEvent } from '../../app/runs/index.js';

/** What the test asks of one host process. */
export interface HostArgs {
  readonly db: string;
  /** A run to resume first (to its end, unless paused). */
  readonly resume?: {
    readonly runId: string;
    /** The broker URL, which the run store keeps without its password. */
    readonly url?: string;
    readonly pauseAfterEvent?: number;
  };
  /** A run to start next. */
  readonly start?: {
    readonly document: unknown;
    readonly engine: 'serial' | 'parallel' | 'worker-based';
    readonly engineOptions?: Record<string, unknown>;
    readonly pauseAfterEvent?: number;
  };
}

/** How a run ended, as the host prints it. */
export interface HostEnd {
  readonly state: string;
  readonly results: Record<string, unknown>;
  readonly failures: readonly { atom: string; phase: string; message: string }[];
  /** Flow and atom events this process saw of the run. */
  readonly events: number;
}

function say(line: string): void {
  // Synchronous: the line must be out before the process blocks or is killed.
  writeSync(1, `${line}\n`);
}

/** A listener that counts the run's flow and atom events and blocks after the `pauseAfter`-th. */
function counter(pauseAfter: number | undefined): { listener: (e: RunEvent) => void; count: () => number } {
  let events = 0;
  const listener = (e: RunEvent): void => {
    if (e.type !== 'flow' && e.type !== 'atom') return;
    events++;
    if (events === pauseAfter) {
      // The run id too: a pause at the first event comes before `start` has returned it.
      const what = e.type === 'atom' ? `${e.name}:${e.state}` : `flow:${e.state}`;
      say(`PAUSED ${e.runId} ${String(events)} ${what}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
  };
  return { listener, count: () => events };
}

async function waitAndReport(runs: RunService, id: string, events: () => number): Promise<void> {
  const end = await runs.wait(id);
  const out: HostEnd = {
    state: end.state,
    results: end.results,
    failures: end.failures.map((f) => ({ atom: f.atom, phase: f.phase, message: f.message })),
    events: events(),
  };
  say(`end ${id} ${JSON.stringify(out)}`);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as HostArgs;
  const runs = new RunService({ db: args.db });
  if (args.resume) {
    const { runId, url, pauseAfterEvent } = args.resume;
    const c = counter(pauseAfterEvent);
    try {
      runs.resume(runId, url !== undefined ? { url } : {}, c.listener);
      say(`run ${runId}`);
    } catch (e) {
      // A run killed after its last transition has ended: there is nothing to resume, only to read.
      if (!(e instanceof RunStateError)) throw e;
      say(`refused ${runId} ${e.message}`);
    }
    await waitAndReport(runs, runId, c.count);
  }
  if (args.start) {
    const { document, engine, engineOptions, pauseAfterEvent } = args.start;
    const c = counter(pauseAfterEvent);
    const id = runs.start(document, { engine, engineOptions: engineOptions ?? {} }, c.listener);
    say(`run ${id}`);
    await waitAndReport(runs, id, c.count);
  }
  await runs.close();
  // The parallel engine's idle pool must not hold the exit up: the test waits for it.
  process.exit(0);
}

await main();
