/**
 * A stand-in for Electron's `utilityProcess.fork`, made of `child_process.fork`
 * and `utility-shim.mjs`, with the behaviour the spawner relies on: `pid` is
 * undefined until 'spawn' and after 'exit'; 'exit' carries only a number;
 * 'message' carries the message itself; `kill()` sends SIGTERM; stdout and
 * stderr are pipes when asked for.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { UtilityChild, UtilityFork } from '../../../main/electron/utility-spawner.js';

const shim = fileURLToPath(new URL('./utility-shim.mjs', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

class FakeUtilityProcess extends EventEmitter implements UtilityChild {
  pid: number | undefined;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  private readonly child;

  constructor(modulePath: string, typescript: boolean) {
    super();
    this.child = fork(shim, [modulePath], {
      execArgv: typescript ? ['--import', tsx] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.on('spawn', () => {
      this.pid = this.child.pid;
      this.emit('spawn');
    });
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('exit', (code, signal) => {
      this.pid = undefined;
      const number = code ?? 128 + (signal ? constants.signals[signal] : 0);
      this.emit('exit', number);
    });
  }

  postMessage(message: unknown): void {
    this.child.send(message as Parameters<typeof this.child.send>[0]);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

/** How many fake utility processes were started, and with which options. */
export interface FakeForkLog {
  readonly calls: { modulePath: string; options: unknown }[];
}

/** A `utilityProcess.fork` stand-in; `typescript` loads tsx so the entry may be a .ts file. */
export function fakeUtilityFork(typescript: boolean, log?: FakeForkLog): UtilityFork {
  return (modulePath, _args, options) => {
    log?.calls.push({ modulePath, options });
    return new FakeUtilityProcess(modulePath, typescript);
  };
}
