/**
 * Tasks for the parallel engine's tests, rebuildable in a pool process from
 * their reference (this module, the class, the constructor arguments).
 */
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Task, type TaskContext, type TaskOptions, type Values } from '../../engine/index.js';

const here = fileURLToPath(import.meta.url);

/** Options these tasks take: serialisable, since they travel to the pool. */
export interface PoolTaskOptions extends Omit<TaskOptions, 'name' | 'ref'> {
  /** How long execute takes. */
  ms?: number;
  /** A file where execute appends `<name> <start ms> <end ms> <pid>`. */
  trace?: string;
  /** A file where execute writes its pid before it waits (so a test can kill it). */
  pidFile?: string;
  /** Exit the process with this code in the middle of execute. */
  exitCode?: number;
  /** Never finish. */
  hang?: boolean;
  /** Throw this message. */
  fail?: string;
  /**
   * Wait in execute until `count` tasks have reached this point (each marks a
   * file in `dir`): proof that they run at the same time, whatever the load.
   */
  barrier?: { dir: string; count: number };
}

async function meet(name: string, barrier: { dir: string; count: number }): Promise<void> {
  writeFileSync(join(barrier.dir, name), '');
  const until = Date.now() + 20_000;
  while (readdirSync(barrier.dir).length < barrier.count) {
    if (Date.now() > until) throw new Error(`${name}: the other tasks never ran at the same time`);
    await sleep(5);
  }
}

/** Sleeps (or spins, with `spin`), records when and where it ran, returns its pid. */
export class PoolTask extends Task {
  private readonly opts: PoolTaskOptions;

  constructor(name: string, options: PoolTaskOptions = {}) {
    super({
      name,
      extraArgs: true,
      ...options,
      ref: { module: here, export: 'PoolTask', args: [name, options] },
    });
    this.opts = options;
  }

  async execute(_args: Values, ctx: TaskContext): Promise<number> {
    const start = Date.now();
    if (this.opts.pidFile) writeFileSync(this.opts.pidFile, String(process.pid));
    ctx.updateProgress(0.5);
    console.log(`hello from ${this.name}`);
    if (this.opts.exitCode !== undefined) process.exit(this.opts.exitCode);
    if (this.opts.barrier) await meet(this.name, this.opts.barrier);
    if (this.opts.hang) await new Promise(() => undefined);
    if (this.opts.ms) await sleep(this.opts.ms);
    if (this.opts.fail) throw new Error(this.opts.fail);
    if (this.opts.trace)
      appendFileSync(this.opts.trace, `${this.name} ${start} ${Date.now()} ${process.pid}\n`);
    return process.pid;
  }

  override revert(): void {
    if (this.opts.trace) appendFileSync(this.opts.trace, `revert ${this.name} ${process.pid}\n`);
  }
}

/** Burns CPU for about `ms` (real work, not a sleep), returns its pid. */
export class SpinTask extends Task {
  constructor(
    name: string,
    private readonly ms: number,
  ) {
    super({ name, ref: { module: here, export: 'SpinTask', args: [name, ms] } });
  }

  execute(): number {
    const end = performance.now() + this.ms;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    return x > 0 ? process.pid : -1;
  }
}
