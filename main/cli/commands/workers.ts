/** `atomflow workers`: the workers on a broker, what they run and when they were last heard from. */
import { BrokerUnavailable, redactUrl } from '../../../engine/index.js';
import { listWorkers } from '../../../app/workers/index.js';
import { CliError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

/** Options of `atomflow workers`. */
export interface WorkersCommandOptions {
  readonly amqp?: string;
  readonly exchange: string;
  readonly topic: readonly string[];
  readonly wait: number;
  readonly json?: boolean;
}

export async function workersCommand(options: WorkersCommandOptions): Promise<ExitCode> {
  const url = options.amqp ?? process.env.ATOMFLOW_AMQP_URL;
  if (url === undefined) throw new CliError('Which broker? Give --amqp URL (or set ATOMFLOW_AMQP_URL)');
  let workers;
  try {
    workers = await listWorkers({
      url,
      exchange: options.exchange,
      topics: options.topic.length > 0 ? options.topic : ['default'],
      waitMs: options.wait,
    });
  } catch (e) {
    if (e instanceof BrokerUnavailable) throw new CliError(e.message);
    throw e;
  }
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(workers.map((w) => ({ ...w.info, lastSeen: w.lastSeen })))}\n`);
    return EXIT.ok;
  }
  const now = Date.now();
  if (workers.length === 0) {
    process.stdout.write(
      `No worker answered on ${redactUrl(url)} (exchange '${options.exchange}') within ${String(options.wait)} ms.\n`,
    );
    return EXIT.ok;
  }
  for (const w of workers) {
    const i = w.info;
    process.stdout.write(
      `${i.id}  topic ${i.topic}  ${i.host} pid ${String(i.pid)}  ${String(i.concurrency)} at once  ` +
        `seen ${String(Math.max(0, now - w.lastSeen))} ms ago\n    runs: ${i.kinds.join(', ')}\n`,
    );
  }
  return EXIT.ok;
}
