/**
 * The test's side of the soak host (`soak-host.ts`): starting it as its own
 * process, reading the `ready` line `atomflow serve --json` prints, asking it
 * for measurements over the IPC channel, and stopping it as a supervisor
 * would (SIGTERM, then its exit status).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What the test asks the host (over IPC). */
export interface MeasureRequest {
  readonly type: 'measure';
  readonly id: number;
  /** How long the host may take to settle (its RSS to stop falling) after a forced collection. */
  readonly settleMs: number;
  /** Also report the size of the host's shared process pool (parallel engine). */
  readonly pool?: boolean;
}

/** What the host answers: what a leak would make grow. */
export interface HostMeasurement {
  /** V8 heap in use after a forced collection, in bytes. */
  readonly heapUsed: number;
  /** Resident set size once settled (the lowest seen while settling), in bytes. */
  readonly rss: number;
  /** Entries of /proc/self/fd. */
  readonly fds: number;
  /** Processes whose parent is the host. */
  readonly children: readonly { readonly pid: number; readonly command: string }[];
  /** The shared process pool, when asked for: its live processes, and how many it ever started. */
  readonly pool?: { readonly size: number; readonly spawned: number };
}

/** The `ready` line of `atomflow serve --json`. */
export interface ServeReady {
  readonly event: 'ready';
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly webSocket: string;
  readonly db: string;
}

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const script = fileURLToPath(new URL('./soak-host.ts', import.meta.url));

/** A running soak host. */
export interface SoakHost {
  readonly process: ChildProcess;
  readonly ready: ServeReady;
  /** What the host wrote to stderr so far. */
  stderr(): string;
  /** A measurement, taken after a forced collection and up to `settleMs` of quiet. */
  measure(options?: { settleMs?: number; pool?: boolean }): Promise<HostMeasurement>;
  /** SIGTERM, as a supervisor stops `atomflow serve`; resolves with the exit status. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (clean-up after a failure). */
  kill(): void;
}

/** Starts `atomflow serve` on `db` in a process of its own; resolves once it printed its `ready` line. */
export async function startSoakHost(db: string, env: NodeJS.ProcessEnv = process.env): Promise<SoakHost> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', tsx, script, '--db', db], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const ready = await new Promise<ServeReady>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the soak host did not get ready within 20 s: ${stderr}`));
    }, 20_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined || !out.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as ServeReady);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the soak host exited (${String(code ?? signal)}) before it was ready: ${stderr}`));
    });
  });

  let nextId = 1;
  const waiting = new Map<number, (m: HostMeasurement | Error) => void>();
  child.on('message', (raw) => {
    const m = raw as (HostMeasurement & { id: number; error?: string }) | undefined;
    const answer = m && waiting.get(m.id);
    if (!answer) return;
    waiting.delete(m.id);
    answer(m.error !== undefined ? new Error(`the soak host could not measure: ${m.error}`) : m);
  });

  return {
    process: child,
    ready,
    stderr: () => stderr,
    measure(options = {}) {
      const id = nextId++;
      const request: MeasureRequest = {
        type: 'measure',
        id,
        settleMs: options.settleMs ?? 5000,
        ...(options.pool === true ? { pool: true } : {}),
      };
      return new Promise<HostMeasurement>((resolve, reject) => {
        waiting.set(id, (m) => {
          if (m instanceof Error) reject(m);
          else resolve(m);
        });
        child.send(request);
      });
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
