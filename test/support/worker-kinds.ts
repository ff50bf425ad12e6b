/**
 * Task kinds the test workers run besides the fixtures: slow, silent and
 * chatty ones for the fault tests and the benchmark.
 */
import { fileURLToPath } from 'node:url';
import { Task, type TaskContext, type Values, type WorkerEndpoint } from '../../engine/index.js';

/** Sleeps `ms` (argument `ms`, default its constructor's), reporting progress, then returns its pid. */
export class Sleep extends Task {
  constructor(
    name: string,
    private readonly ms = 100,
  ) {
    super({ name, provides: name, optional: ['ms'], remote: { kind: 'test.sleep', args: [name, ms] } });
  }
  async execute(args: Values, ctx: TaskContext): Promise<number> {
    const ms = typeof args.ms === 'number' ? args.ms : this.ms;
    ctx.updateProgress(0.5);
    await new Promise((r) => setTimeout(r, ms));
    return process.pid;
  }
}

/** Returns its pid at once. */
export class Noop extends Task {
  constructor(name: string) {
    super({ name, remote: { kind: 'test.noop', args: [name] } });
  }
  execute(): number {
    return process.pid;
  }
}

/** Fails while `ctx.attempt` ≤ `failTimes`, then returns the attempt; runs in pool processes and on workers. */
export class Attempts extends Task {
  constructor(
    name: string,
    private readonly failTimes: number,
  ) {
    super({
      name,
      provides: name,
      ref: { module: fileURLToPath(import.meta.url), export: 'Attempts', args: [name, failTimes] },
      remote: { kind: 'test.attempts', args: [name, failTimes] },
    });
  }
  execute(_args: Values, ctx: TaskContext): { attempt: number; pid: number } {
    if (ctx.attempt <= this.failTimes) throw new Error(`attempt ${String(ctx.attempt)} fails`);
    return { attempt: ctx.attempt, pid: process.pid };
  }
}

export const TEST_KINDS: readonly WorkerEndpoint[] = [
  { kind: 'test.sleep', build: (a) => new Sleep(String(a[0]), Number(a[1])) },
  { kind: 'test.noop', build: (a) => new Noop(String(a[0])) },
  { kind: 'test.attempts', build: (a) => new Attempts(String(a[0]), Number(a[1])) },
];
