/**
 * `atomflow worker`: a worker of the worker-based engine. It offers the
 * catalog's task kinds on a topic of a broker and runs what engines send it
 * until SIGTERM or Ctrl-C, which finish (or give back) the work in hand.
 */
import { BrokerUnavailable, WorkerServer, redactUrl } from '../../../engine/index.js';
import { catalogEndpoints, UnknownKindError } from '../../../app/catalog/index.js';
import { CliError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { stopSignal } from '../stop-signal.js';

/** Options of `atomflow worker`, as commander parses them. */
export interface WorkerCommandOptions {
  readonly amqp?: string;
  readonly exchange: string;
  readonly topic: string;
  readonly concurrency: number;
  readonly kinds?: string;
  readonly allowCode?: boolean;
  readonly heartbeat: number;
  readonly grace: number;
  readonly json?: boolean;
}

export async function workerCommand(options: WorkerCommandOptions): Promise<ExitCode> {
  const url = options.amqp ?? process.env.ATOMFLOW_AMQP_URL;
  if (url === undefined) {
    throw new CliError(
      "A worker needs its broker: --amqp URL (or ATOMFLOW_AMQP_URL), e.g. 'amqp://127.0.0.1'",
    );
  }
  let endpoints;
  try {
    const kinds = options.kinds
      ?.split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    endpoints = catalogEndpoints({
      ...(kinds !== undefined ? { kinds } : {}),
      allowCode: options.allowCode === true,
    });
  } catch (e) {
    if (e instanceof UnknownKindError) throw new CliError(e.message);
    throw e;
  }
  const say = (text: string, fields: Record<string, unknown>): void => {
    process.stdout.write(options.json === true ? `${JSON.stringify(fields)}\n` : `${text}\n`);
  };
  let server: WorkerServer;
  try {
    server = await WorkerServer.start({
      url,
      exchange: options.exchange,
      topic: options.topic,
      endpoints,
      concurrency: options.concurrency,
      heartbeatMs: options.heartbeat,
      log: (text) => process.stderr.write(`${text}\n`),
    });
  } catch (e) {
    if (e instanceof BrokerUnavailable) throw new CliError(e.message);
    throw e;
  }
  const info = server.info;
  // Listening for the stop signals before saying "ready": a supervisor may send one as soon as it reads that.
  const stopped = stopSignal();
  say(
    `Worker ${info.id} on topic '${info.topic}' of ${redactUrl(url)} (exchange '${options.exchange}'), ` +
      `${String(info.concurrency)} at once, runs: ${info.kinds.join(', ')}. Ctrl-C or SIGTERM stops it.`,
    { event: 'ready', worker: info, url: redactUrl(url), exchange: options.exchange },
  );
  const signal = await stopped;
  say(
    `${signal}: stopping; ${String(server.running)} task(s) running get up to ${String(options.grace)} ms to finish`,
    { event: 'stopping', signal, running: server.running },
  );
  await server.stop(options.grace);
  say('Worker stopped.', { event: 'stopped' });
  return EXIT.ok;
}
