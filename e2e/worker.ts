/**
 * A real worker for the worker-based engine's specs: `atomflow worker` on
 * the shared RabbitMQ, on an exchange of its own so that no other test's
 * engine or worker meets it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ROOT } from './host';

/** The broker every spec uses (the one `.ci/run` makes sure is up). */
export const AMQP_URL = process.env.ATOMFLOW_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface StartedWorker {
  readonly exchange: string;
  readonly id: string;
  readonly stop: () => Promise<void>;
}

/** Starts a worker that runs every kind (code included) and resolves once it listens. */
export async function startWorker(exchange = `e2e-${randomUUID()}`): Promise<StartedWorker> {
  const child = spawn(
    process.execPath,
    ['bin/atomflow.mjs', 'worker', '--amqp', AMQP_URL, '--exchange', exchange, '--allow-code', '--json'],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the worker did not get ready: ${stderr}`));
    }, 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"ready"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { worker: { id: string } }).worker.id);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the worker exited before it was ready: ${stderr}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(late);
  };
  return { exchange, id, stop };
}
