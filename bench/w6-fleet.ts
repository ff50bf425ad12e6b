/**
 * W6's workers: separate OS processes (bench/w6-worker.ts), started by the
 * process that measures W6 before its first run and kept for all its runs,
 * as the peer's w6_worker_based.py keeps its worker processes for all of its.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./w6-worker.ts', import.meta.url));

/** Started processes, killed if this process exits without stopping them. */
const alive = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of alive) p.kill('SIGKILL');
});

export interface FleetOptions {
  url: string;
  exchange: string;
  /** The topic every worker listens on (the engine's `topics: [topic]`). */
  topic: string;
  workers: number;
  /** Tasks each worker runs at once (TaskFlow: threads per worker). */
  concurrency: number;
  heartbeatMs: number;
}

/** Running workers, and their pids. */
export interface Fleet {
  readonly pids: readonly number[];
  /** SIGTERM to each, then waits for them to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

function exited(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => {
      resolve();
    });
  });
}

/** Starts one worker with this process's Node and loader flags (tsx); resolves with its pid once it listens. */
function startOne(o: FleetOptions): Promise<ChildProcess> {
  const args = [
    ...process.execArgv,
    WORKER,
    o.url,
    o.exchange,
    o.topic,
    String(o.concurrency),
    String(o.heartbeatMs),
  ];
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  alive.add(p);
  p.once('exit', () => alive.delete(p));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error('a W6 worker did not start within 20 s'));
    }, 20_000);
    p.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (/READY \d+/.test(out)) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a W6 worker exited with code ${String(code)} before it was ready`));
    });
  });
}

/** Starts `workers` worker processes at once and resolves when all of them listen. */
export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const procs = await Promise.all(Array.from({ length: o.workers }, () => startOne(o)));
  return {
    pids: procs.map((p) => p.pid!),
    async stop() {
      await Promise.all(
        procs.map(async (p) => {
          p.kill('SIGTERM');
          const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
          await exited(p);
          clearTimeout(timer);
        }),
      );
    },
  };
}
