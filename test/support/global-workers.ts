/**
 * vitest global set-up: two real worker processes on the shared broker, on
 * an exchange of this test run's own, for the worker-based engine's
 * conformance variant (`engines.ts`). Test files that kill or stop workers
 * start their own instead.
 */
import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';
import { AMQP_URL, startWorker, type TestWorker } from './workers.js';

/** Fails with what to do when nothing listens where the broker should be. */
async function brokerListening(): Promise<void> {
  const u = new URL(AMQP_URL);
  const port = Number(u.port || 5672);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: u.hostname, port }, () => {
      socket.end();
      resolve();
    });
    socket.on('error', (e) => {
      reject(
        new Error(
          `The tests need RabbitMQ at ${u.hostname}:${String(port)} (${e.message}). ` +
            'Start it with `bash scripts/rabbitmq.sh` (see DEVELOPERS.md).',
        ),
      );
    });
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    conformanceExchange: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await brokerListening();
  const exchange = `atomflow-conformance-${String(process.pid)}`;
  const workers: TestWorker[] = await Promise.all([
    startWorker({ exchange, topic: 'conformance', concurrency: 8 }),
    startWorker({ exchange, topic: 'conformance', concurrency: 8 }),
  ]);
  project.provide('conformanceExchange', exchange);
  return async () => {
    await Promise.all(workers.map((w) => w.stop()));
  };
}
