/** Waiting for a long-running command (`serve`, `worker`) to be told to stop. */
import { EXIT } from './exit-codes.js';

/**
 * Resolves on the first SIGTERM or SIGINT; a second one exits at once.
 * Call it before announcing readiness: a supervisor may signal as soon as it reads that.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals): void => {
      if (seen) process.exit(EXIT.failed);
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
