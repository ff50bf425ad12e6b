/**
 * W2-cpu's task: a fixed amount of arithmetic, rebuildable in a pool process
 * from its reference (this module, the class, the constructor arguments).
 * The work is counted in rounds, not timed against a clock: a task that spun
 * until a deadline would take 250 ms of wall time even on a CPU it shares,
 * and the speed-up would measure nothing.
 */
import { fileURLToPath } from 'node:url';
import { Task } from '../engine/index.js';

/** This file: the pool process imports it to rebuild the task (through tsx, as TypeScript). */
const here = fileURLToPath(import.meta.url);

/**
 * `rounds` steps of xorshift32 from a fixed seed. Each step depends on the one
 * before, so V8 can neither skip nor vectorise the loop, and returning the
 * state keeps it from being removed as dead code.
 */
export function burn(rounds: number): number {
  let x = 0x2545f491;
  for (let i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

/** What a {@link CpuTask} returns: the state it reached, and the process that computed it. */
export type CpuResult = [state: number, pid: number];

/** Burns `rounds` of {@link burn} and returns the result with its pid (so a run can prove where it ran). */
export class CpuTask extends Task {
  constructor(
    name: string,
    private readonly rounds: number,
  ) {
    super({ name, provides: name, ref: { module: here, export: 'CpuTask', args: [name, rounds] } });
  }

  execute(): CpuResult {
    return [burn(this.rounds), process.pid];
  }
}

/**
 * Rounds of {@link burn} that take about `ms` here, once V8 has optimised the
 * loop (a few short calls first, then timed ones of ~75 ms scaled up). The
 * fastest of three probes is the one no other process interrupted.
 */
export function roundsFor(ms: number): number {
  for (let i = 0; i < 5; i++) burn(1_000_000);
  const probe = 50_000_000;
  let took = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    burn(probe);
    took = Math.min(took, performance.now() - t0);
  }
  return Math.max(1, Math.round((probe * ms) / took));
}
