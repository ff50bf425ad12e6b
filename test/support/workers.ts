/**
 * Starting and stopping real worker processes (`worker-main.ts`) for tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
const main = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

/** The shared broker every test uses unless it starts its own. */
export const AMQP_URL = process.env.ATOMFLOW_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface TestWorkerOptions {
  url?: string;
  exchange: string;
  topic?: string;
  id?: string;
  concurrency?: number;
  heartbeatMs?: number;
  /** Only these kinds (default: every fixture and test kind). */
  kinds?: readonly string[];
  graceMs?: number;
  /** A PEM file of CA certificates the worker trusts for `amqps://` (its `tls.ca`). */
  tlsCaFile?: string;
  /** How long the worker tries to reach the broker at first (its `connectTimeoutMs`). */
  connectTimeoutMs?: number;
}

export interface TestWorker {
  readonly id: string;
  readonly process: ChildProcess;
  /** What it wrote to stderr so far (dropped-message warnings and the like). */
  readonly stderr: () => string;
  /** SIGTERM, then waits for it to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then waits for it to exit. */
  kill(): Promise<void>;
}

function exited(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.exitCode);
  return new Promise((resolve) => {
    p.once('exit', (code) => {
      resolve(code);
    });
  });
}

const alive = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of alive) p.kill('SIGKILL');
});

/** Starts a worker process and resolves once it is listening on the broker. */
export async function startWorker(options: TestWorkerOptions): Promise<TestWorker> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AMQP_URL: options.url ?? AMQP_URL,
    AMQP_EXCHANGE: options.exchange,
    WORKER_TOPIC: options.topic ?? 'default',
    WORKER_CONCURRENCY: String(options.concurrency ?? 8),
    WORKER_HEARTBEAT_MS: String(options.heartbeatMs ?? 200),
    WORKER_GRACE_MS: String(options.graceMs ?? 10_000),
  };
  if (options.id) env.WORKER_ID = options.id;
  if (options.kinds) env.WORKER_KINDS = options.kinds.join(',');
  if (options.tlsCaFile) env.AMQP_TLS_CA = options.tlsCaFile;
  if (options.connectTimeoutMs !== undefined) env.AMQP_CONNECT_TIMEOUT_MS = String(options.connectTimeoutMs);
  const p = spawn(process.execPath, ['--import', tsx, main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  alive.add(p);
  p.once('exit', () => alive.delete(p));
  let err = '';
  p.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const id = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`test worker did not start within 20 s: ${err}`));
    }, 20_000);
    p.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    p.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test worker exited with ${String(code)} before it was ready: ${err}`));
    });
  });
  return {
    id,
    process: p,
    stderr: () => err,
    async stop() {
      p.kill('SIGTERM');
      return exited(p);
    },
    async kill() {
      p.kill('SIGKILL');
      await exited(p);
    },
  };
}
