/**
 * The parallel engine's pool processes in the desktop app: Electron
 * `utilityProcess`es instead of `child_process.fork`, behind the engine's
 * `Spawner` / `PoolProcess` interface and speaking the same messages
 * (`engine/executors/pool/protocol.ts`). The pool program is the engine's own
 * `worker.ts`, bundled as `out/main/pool-worker.mjs`; it finds
 * `process.parentPort` and uses it instead of `process.send`.
 *
 * This module imports nothing from Electron at run time: the main process
 * hands it `utilityProcess.fork`, and tests hand it a stand-in, so it is
 * checked under plain Node (`test/electron/utility-spawner.test.ts`).
 */
import { existsSync } from 'node:fs';
import { readLines as lines, type PoolProcess, type Spawner } from '../../engine/index.js';

/** What the spawner uses of an Electron `UtilityProcess` (which satisfies it). */
export interface UtilityChild {
  /** Undefined until the process has spawned, and again after it exited. */
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** Structured-clone, like `process.send` with `serialization: 'advanced'`. */
  postMessage(message: unknown): void;
  /** SIGTERM on POSIX; TerminateProcess on Windows. */
  kill(): boolean;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): unknown;
}

/** The options of `utilityProcess.fork` this spawner sets. */
export interface UtilityForkOptions {
  serviceName?: string;
  stdio?: ('pipe' | 'ignore' | 'inherit')[];
}

/** `utilityProcess.fork`, or a stand-in with the same behaviour. */
export type UtilityFork = (modulePath: string, args?: string[], options?: UtilityForkOptions) => UtilityChild;

export interface UtilitySpawnerOptions {
  /** `utilityProcess.fork` (it may only be called once the app is ready). */
  readonly fork: UtilityFork;
  /** The pool program: the bundled `pool-worker.mjs` (outside app.asar, see `main/electron/paths.ts`). */
  readonly entry: string;
  /** The name the processes have in `app.getAppMetrics()` (default `Atomflow pool`). */
  readonly serviceName?: string;
  /**
   * How long a process may take to end after `kill()` (SIGTERM) before it is
   * sent SIGKILL (default 2000 ms). The pool's `kill` means "now": a task
   * stuck in a loop must not outlive its time limit by much.
   */
  readonly killGraceMs?: number;
}

type ExitListener = (code: number | null, signal: string | null, error?: Error) => void;
type OutputListener = (stream: 'stdout' | 'stderr', line: string) => void;

/**
 * A pool process that never started. Like a failed `fork`, it reports that
 * (with the reason) asynchronously, after the pool has handed it its task.
 */
function failedProcess(error: Error): PoolProcess {
  const gone = new Promise<void>((resolve) => {
    setImmediate(resolve);
  });
  return {
    pid: undefined,
    send() {
      // Nobody to send to; the exit says why.
    },
    kill() {
      // Nothing runs.
    },
    onMessage() {
      // Nothing will ever come.
    },
    onExit(listener) {
      void gone.then(() => {
        listener(null, null, error);
      });
    },
    onOutput() {
      // Nothing will ever be written.
    },
    setBusy() {
      // Nothing to hold.
    },
  };
}

/**
 * Starts pool processes with Electron's `utilityProcess.fork`.
 *
 * Differences from `forkSpawner`, all inside this adapter: messages arrive
 * with `postMessage`/`parentPort` (same structured clone, same shapes);
 * `kill()` is SIGTERM, so SIGKILL follows after `killGraceMs`; the exit event
 * has only a code, so a process this spawner killed is reported with the
 * signal it was sent; and `setBusy` does nothing, because a utility process
 * never keeps the Electron app alive (the app quits when it is told to).
 */
export function utilitySpawner(options: UtilitySpawnerOptions): Spawner {
  const { fork, entry } = options;
  const serviceName = options.serviceName ?? 'Atomflow pool';
  const killGraceMs = options.killGraceMs ?? 2000;
  return {
    spawn(): PoolProcess {
      if (!existsSync(entry)) {
        return failedProcess(
          new Error(`the pool program ${entry} is missing (run scripts/build-electron.mjs)`),
        );
      }
      let child: UtilityChild;
      try {
        child = fork(entry, [], { serviceName, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        return failedProcess(e instanceof Error ? e : new Error(String(e)));
      }
      // Electron clears `pid` once the process has exited; the pool names the pid in its failure messages.
      let pid: number | undefined = child.pid;
      const exitListeners: ExitListener[] = [];
      const outputs: OutputListener[] = [];
      let exit: [number | null, string | null] | undefined;
      let signalSent: 'SIGTERM' | 'SIGKILL' | undefined;
      let forceTimer: NodeJS.Timeout | undefined;
      const output = (stream: 'stdout' | 'stderr', line: string): void => {
        for (const o of outputs) o(stream, line);
      };
      if (child.stdout)
        lines(child.stdout, (l) => {
          output('stdout', l);
        });
      if (child.stderr)
        lines(child.stderr, (l) => {
          output('stderr', l);
        });
      child.on('spawn', () => {
        pid = child.pid ?? pid;
      });
      child.on('error', (type, location) => {
        // A V8 fatal error; the exit event follows.
        output('stderr', `atomflow pool process: ${type} at ${location}`);
      });
      child.on('exit', (code) => {
        if (exit) return;
        if (forceTimer) clearTimeout(forceTimer);
        // Electron gives no signal: when we killed it, say so (the pool explains why); otherwise the code.
        exit = signalSent ? [null, signalSent] : [code, null];
        for (const l of exitListeners) l(...exit);
      });
      return {
        get pid() {
          return pid;
        },
        send(message) {
          if (exit) throw new Error(`the pool process ${String(pid ?? '?')} has exited`);
          child.postMessage(message);
        },
        kill() {
          if (exit || signalSent) return;
          signalSent = 'SIGTERM';
          child.kill();
          if (process.platform === 'win32') return; // TerminateProcess does not wait for anyone.
          forceTimer = setTimeout(() => {
            if (exit || pid === undefined) return;
            try {
              process.kill(pid, 'SIGKILL');
              signalSent = 'SIGKILL';
            } catch {
              // Gone in the meantime.
            }
          }, killGraceMs);
          forceTimer.unref();
        },
        onMessage(listener) {
          child.on('message', listener);
        },
        onExit(listener) {
          if (exit) listener(...exit);
          else exitListeners.push(listener);
        },
        onOutput(listener) {
          outputs.push(listener);
        },
        setBusy() {
          // A utility process does not hold the app open, busy or not.
        },
      };
    },
  };
}
