/**
 * Starting the web host the way a person does (`atomflow serve --port 0
 * --db <file> --json`) and stopping it: gently (SIGTERM) or as a crash
 * would (SIGKILL to its whole process group, task commands included).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describeHost, ROOT, urlIn, type ServedHost } from './host';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

/** A started host and how to stop it. */
export interface StartedHost {
  readonly host: ServedHost;
  /** SIGTERM, then SIGKILL after 5 s. */
  readonly stop: () => Promise<void>;
  /** SIGKILL to the host and every process it started: a crash. */
  readonly kill: () => Promise<void>;
}

/** Starts `atomflow serve` on `db` and resolves once it printed its URL. */
export async function startHost(
  db: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly crashable?: boolean } = {},
): Promise<StartedHost> {
  // Started with node itself (not npx), so the pid is the server's and stopping it stops the server.
  const child = spawn(process.execPath, ['bin/atomflow.mjs', 'serve', '--port', '0', '--db', db, '--json'], {
    cwd: ROOT,
    env: { ...process.env, ATOMFLOW_DB: db, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A crashable host gets its own process group, so that a crash takes its task commands down with it.
    detached: options.crashable === true,
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code === null ? `signal ${String(signal)}` : `code ${String(code)}`);
    });
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    if (process.env.ATOMFLOW_E2E_VERBOSE) process.stderr.write(chunk);
  });
  const output: string[] = [];
  const found = new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const url = urlIn(line);
      if (url !== undefined) resolve(url);
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ exited?: undefined }>(
    (resolve) =>
      (timer = setTimeout(() => {
        resolve({});
      }, START_TIMEOUT_MS)),
  );
  const first = await Promise.race([found, exited.then((how) => ({ exited: how })), timeout]);
  clearTimeout(timer);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    let killTimer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) =>
        (killTimer = setTimeout(() => {
          resolve('late');
        }, STOP_TIMEOUT_MS)),
    );
    if ((await Promise.race([exited, late])) === 'late') {
      child.kill('SIGKILL');
      await exited;
    }
    clearTimeout(killTimer);
  };

  if (typeof first !== 'string') {
    await stop();
    const why =
      first.exited === undefined
        ? `printed no URL in ${String(START_TIMEOUT_MS / 1000)} s`
        : `exited (${first.exited})`;
    throw new Error(
      `\`atomflow serve --port 0 --json\` ${why}.\nstdout:\n${output.join('\n')}\nstderr:\n${stderr}`.trimEnd(),
    );
  }
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (options.crashable !== true) throw new Error('startHost: only a crashable host can be killed');
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await exited;
  };

  return { host: describeHost(first, child.pid ?? 0), stop, kill };
}
