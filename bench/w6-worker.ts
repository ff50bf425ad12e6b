/**
 * A W6 worker process: a {@link WorkerServer} on the broker that runs the
 * kinds of w6-kinds.ts, like the peer's `w6_worker_based.py --role worker`.
 * Started by w6-fleet.ts; configured by its command line; prints
 * `READY <pid>` once it listens and stops cleanly on SIGTERM.
 *
 * Usage: w6-worker.ts <url> <exchange> <topic> <concurrency> <heartbeatMs>
 */
import { WorkerServer } from '../engine/index.js';
import { W6_KINDS } from './w6-kinds.js';

const [url, exchange, topic, concurrency, heartbeatMs] = process.argv.slice(2);
if (!url || !exchange || !topic)
  throw new Error('usage: w6-worker.ts <url> <exchange> <topic> <concurrency> <heartbeatMs>');

const server = await WorkerServer.start({
  url,
  exchange,
  topic,
  endpoints: W6_KINDS,
  concurrency: Number(concurrency ?? 8),
  heartbeatMs: Number(heartbeatMs ?? 1000),
  log: (text) => process.stderr.write(`  [w6 worker ${process.pid}] ${text}\n`),
});
process.stdout.write(`READY ${process.pid}\n`);
process.on('SIGTERM', () => {
  void server.stop(5_000).then(() => process.exit(0));
});
