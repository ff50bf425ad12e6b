/**
 * W6's tasks, as the peer's tf_tasks.py has them (WbeNoOp, WbeSleep): each
 * returns the pid of the process that ran it, so a run can tell which worker
 * ran how many tasks. They carry a `remote` reference, so the worker-based
 * engine sends them to a worker; the worker (bench/w6-worker.ts) rebuilds
 * them from {@link W6_KINDS}.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Task, type WorkerEndpoint } from '../engine/index.js';

/** Returns its pid at once (TaskFlow's `WbeNoOp`). */
export class W6Noop extends Task {
  constructor(name: string) {
    super({ name, remote: { kind: 'bench.noop', args: [name] } });
  }

  execute(): number {
    return process.pid;
  }
}

/** Sleeps `ms` on a timer, then returns its pid (TaskFlow's `WbeSleep`, which `time.sleep`s in a thread). */
export class W6Sleep extends Task {
  constructor(
    name: string,
    private readonly ms: number,
  ) {
    super({ name, remote: { kind: 'bench.sleep', args: [name, ms] } });
  }

  async execute(): Promise<number> {
    await sleep(this.ms);
    return process.pid;
  }
}

/** What a W6 worker runs. Arguments come from the broker, so they are checked. */
export const W6_KINDS: readonly WorkerEndpoint[] = [
  { kind: 'bench.noop', build: (a) => new W6Noop(String(a[0])) },
  {
    kind: 'bench.sleep',
    build: (a) => {
      const ms = a[1];
      if (typeof ms !== 'number' || !(ms >= 0))
        throw new TypeError(`bench.sleep needs ms ≥ 0, got ${String(ms)}`);
      return new W6Sleep(String(a[0]), ms);
    },
  },
];
