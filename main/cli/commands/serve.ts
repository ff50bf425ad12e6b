/**
 * `atomflow serve`: the browser host. The user interface and the host
 * contract on http://127.0.0.1:PORT, for whoever opens the URL it prints
 * (the URL carries the access token), until SIGTERM or Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContractHost } from '../../../app/contract/index.js';
import { DocumentStore } from '../../../app/documents/index.js';
import { RunService, defaultDatabasePath } from '../../../app/runs/index.js';
import { WS_PATH, openInBrowser, startWebHost, type WebHost } from '../../web/index.js';
import { CliError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { stopSignal } from '../stop-signal.js';

/** Options of `atomflow serve`, as commander parses them. */
export interface ServeCommandOptions {
  readonly port?: number;
  readonly db?: string;
  readonly open?: boolean;
  readonly json?: boolean;
}

/** An unexpected error in full (its stack), for the log. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  try {
    return JSON.stringify(error);
  } catch {
    return typeof error;
  }
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function serveCommand(options: ServeCommandOptions): Promise<ExitCode> {
  const runs = new RunService({ db: options.db });
  // An explicit store's folder is the user's to make (the default one is made on first use).
  if (runs.path !== ':memory:' && runs.path !== defaultDatabasePath() && !existsSync(dirname(runs.path))) {
    throw new CliError(`Cannot open the run store '${runs.path}': its folder does not exist`);
  }
  const documents = new DocumentStore({ db: runs.path });
  const host = new ContractHost({
    runs,
    documents,
    log: (message, error) => {
      say(`atomflow: ${message}${error !== undefined ? `: ${describe(error)}` : ''}`);
    },
  });
  const closeServices = async (): Promise<void> => {
    await host.close();
    documents.close();
    await runs.close();
  };

  let web: WebHost;
  try {
    // Both stores are opened now, so a store that cannot be used is said before the URL is printed.
    runs.listRuns({ limit: 1 });
    documents.list();
    web = await startWebHost({
      host,
      ...(options.port !== undefined ? { port: options.port } : {}),
      log: say,
    });
  } catch (e) {
    await closeServices();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`Port ${String(options.port)} is in use; pick another with --port`);
    if (code === 'EACCES') throw new CliError(`Port ${String(options.port)} may not be used by this user`);
    throw e;
  }

  // Listening for the stop signals before printing the URL: a supervisor may send one as soon as it reads it.
  const stopped = stopSignal();
  if (options.json === true) {
    process.stdout.write(
      `${JSON.stringify({
        event: 'ready',
        url: web.url,
        origin: web.origin,
        port: web.port,
        token: web.token,
        webSocket: `ws://127.0.0.1:${String(web.port)}${WS_PATH}`,
        db: runs.path,
      })}\n`,
    );
  } else {
    say(
      `Atomflow serves ${runs.path} at this URL (it carries the access token); Ctrl-C or SIGTERM stops it:`,
    );
    process.stdout.write(`${web.url}\n`);
  }
  let forget: (() => void) | undefined;
  if (options.open === true) forget = openInBrowser(web.url, say);

  const signal = await stopped;
  say(`${signal}: stopping (running runs are suspended; atomflow resume continues them)`);
  await web.close();
  await closeServices();
  forget?.();
  say('Stopped.');
  return EXIT.ok;
}
