/**
 * How pool processes are started. Under Node it is `child_process.fork`; the
 * desktop app will add Electron's `utilityProcess` behind the same interface,
 * speaking the same messages.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One started pool process, as the pool sees it. */
export interface PoolProcess {
  readonly pid: number | undefined;
  send(message: unknown): void;
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone (or could not start: code null, signal null, error set). */
  onExit(listener: (code: number | null, signal: string | null, error?: Error) => void): void;
  /** Lines the process wrote to its stdout or stderr. */
  onOutput(listener: (stream: 'stdout' | 'stderr', line: string) => void): void;
  /** Whether this process keeps the host alive (busy) or not (idle). */
  setBusy(busy: boolean): void;
}

export interface Spawner {
  spawn(): PoolProcess;
}

/** The worker program next to this file: TypeScript when running from source (then run through tsx). */
function workerEntry(): { entry: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { entry: fileURLToPath(new URL('./worker.ts', here)), execArgv: ['--import', tsx] };
  }
  return { entry: fileURLToPath(new URL('./worker.js', here)), execArgv: [] };
}

/** Calls `emit` with each line a process writes to `stream` (the last one even without a newline). */
export function lines(stream: NodeJS.ReadableStream, emit: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      emit(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buffer) emit(buffer);
  });
}

/** Starts pool processes with `child_process.fork`, structured-clone IPC, output captured. */
export function forkSpawner(): Spawner {
  const { entry, execArgv } = workerEntry();
  return {
    spawn(): PoolProcess {
      const child = fork(entry, [], {
        execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const outputs: ((stream: 'stdout' | 'stderr', line: string) => void)[] = [];
      if (child.stdout)
        lines(child.stdout, (l) => {
          outputs.forEach((o) => {
            o('stdout', l);
          });
        });
      if (child.stderr)
        lines(child.stderr, (l) => {
          outputs.forEach((o) => {
            o('stderr', l);
          });
        });
      const exitListeners: ((code: number | null, signal: string | null, error?: Error) => void)[] = [];
      let exit: [number | null, string | null, Error | undefined] | undefined;
      const exited = (code: number | null, signal: string | null, error?: Error): void => {
        if (exit) return;
        exit = [code, signal, error];
        for (const l of exitListeners) l(code, signal, error);
      };
      child.on('exit', (code, signal) => {
        exited(code, signal);
      });
      child.on('error', (error) => {
        exited(null, null, error);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          child.send(message as Parameters<typeof child.send>[0]);
        },
        kill() {
          child.kill('SIGKILL');
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
        setBusy(busy) {
          // An idle pool must not keep the host alive; a busy one must.
          // Pipes are sockets underneath; they too would hold the event loop.
          const pipes = [child.stdout, child.stderr] as unknown as ({
            ref?: () => void;
            unref?: () => void;
          } | null)[];
          if (busy) {
            child.ref();
            child.channel?.ref();
            for (const p of pipes) p?.ref?.();
          } else {
            child.unref();
            child.channel?.unref();
            for (const p of pipes) p?.unref?.();
          }
        },
      };
    },
  };
}
