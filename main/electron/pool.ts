/**
 * The desktop app's process pool: the parallel engine's tasks run in
 * Electron utility processes (utility-spawner.ts) instead of forked Node
 * processes.
 */
import { ProcessPool } from '../../engine/index.js';
import { utilitySpawner, type UtilityFork } from './utility-spawner.js';

/** A pool whose processes `fork` (`utilityProcess.fork`) starts, running the bundled pool program `entry`. */
export function utilityPool(fork: UtilityFork, entry: string, maxWorkers?: number): ProcessPool {
  return new ProcessPool({
    spawner: utilitySpawner({ fork, entry }),
    ...(maxWorkers !== undefined ? { maxWorkers } : {}),
  });
}
