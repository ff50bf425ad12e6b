/**
 * A worker process for tests: a real {@link WorkerServer} on the broker that
 * runs the conformance fixtures (kind `fixture.<Class>`), the test kinds
 * of `worker-kinds.ts` and the catalog's kinds. Configured by environment; prints `READY <id>` once
 * it listens, and stops cleanly on SIGTERM.
 *
 *   AMQP_URL, AMQP_EXCHANGE, WORKER_TOPIC, WORKER_ID, WORKER_CONCURRENCY,
 *   WORKER_HEARTBEAT_MS, WORKER_KINDS (comma list: only these), WORKER_GRACE_MS,
 *   AMQP_TLS_CA (a PEM file of CA certificates to trust for `amqps://`),
 *   AMQP_CONNECT_TIMEOUT_MS
 */
import { readFileSync } from 'node:fs';
import { WorkerServer, type Task, type WorkerEndpoint } from '../../engine/index.js';
import { catalogEndpoints } from '../../app/catalog/index.js';
import * as fixtures from './fixtures.js';
import { TEST_KINDS } from './worker-kinds.js';

type Ctor = new (...args: unknown[]) => Task;

const env = process.env;
const only = env.WORKER_KINDS ? new Set(env.WORKER_KINDS.split(',')) : undefined;

// The catalog's kinds (code kinds included: these workers serve the test suite only).
const endpoints: WorkerEndpoint[] = [...TEST_KINDS, ...catalogEndpoints({ allowCode: true })];
for (const name of fixtures.FIXTURE_CLASSES) {
  const ctor = (fixtures as unknown as Record<string, Ctor>)[name] as Ctor;
  endpoints.push({ kind: `fixture.${name}`, build: (args) => new ctor(...args) });
}

const server = await WorkerServer.start({
  url: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  exchange: env.AMQP_EXCHANGE ?? 'atomflow-test',
  topic: env.WORKER_TOPIC ?? 'default',
  endpoints: only ? endpoints.filter((e) => only.has(e.kind)) : endpoints,
  concurrency: Number(env.WORKER_CONCURRENCY ?? 8),
  heartbeatMs: Number(env.WORKER_HEARTBEAT_MS ?? 200),
  ...(env.WORKER_ID ? { id: env.WORKER_ID } : {}),
  ...(env.AMQP_TLS_CA ? { tls: { ca: [readFileSync(env.AMQP_TLS_CA)] } } : {}),
  ...(env.AMQP_CONNECT_TIMEOUT_MS ? { connectTimeoutMs: Number(env.AMQP_CONNECT_TIMEOUT_MS) } : {}),
  log: (text) => process.stderr.write(`${text}\n`),
});
// The handlers go in before READY: a test may signal the worker as soon as it reads that line.
process.on('SIGTERM', () => {
  void server.stop(Number(env.WORKER_GRACE_MS ?? 10_000)).then(() => process.exit(0));
});
process.on('SIGINT', () => undefined);
process.stdout.write(`READY ${server.info.id}\n`);
