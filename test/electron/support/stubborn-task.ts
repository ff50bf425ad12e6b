/**
 * A pool task that survives SIGTERM: it installs a handler for it and then
 * never returns, as a script stuck in a loop that traps signals would.
 */
import { fileURLToPath } from 'node:url';
import { Task } from '../../../engine/index.js';

const here = fileURLToPath(import.meta.url);

export class StubbornTask extends Task {
  constructor(name: string, timeoutMs: number) {
    super({ name, timeoutMs, ref: { module: here, export: 'StubbornTask', args: [name, timeoutMs] } });
  }

  execute(): Promise<never> {
    process.on('SIGTERM', () => undefined);
    return new Promise<never>(() => undefined);
  }
}
