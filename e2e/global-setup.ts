/**
 * Before the specs: builds the renderer when its build is missing or older
 * than its sources, then starts the web host the way a person would
 * (`atomflow serve --port 0 --db <temp> --json`) and hands its URL to the
 * specs. The function it returns stops the host again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeHost, E2E_TMP, ROOT, SERVER_FILE, urlIn, type ServedHost } from './host';

const BUILT_INDEX = join(ROOT, 'out', 'renderer', 'index.html');
/** What the renderer's build is made from. */
const BUILD_INPUTS = ['renderer', 'app/contract', 'examples', 'vite.config.ts', 'package-lock.json'];
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

function buildRendererIfNeeded(): void {
  const built = existsSync(BUILT_INDEX) ? statSync(BUILT_INDEX).mtimeMs : 0;
  const sources = Math.max(...BUILD_INPUTS.map((p) => newestChange(join(ROOT, p))));
  if (built > sources) return;
  process.stdout.write(
    built === 0 ? 'e2e: building the renderer\n' : 'e2e: rebuilding the renderer (sources changed)\n',
  );
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--config', join(ROOT, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0)
    throw new Error(`The renderer build failed (vite exited with ${String(r.status ?? r.signal)})`);
}

async function startHost(db: string): Promise<{ host: ServedHost; stop: () => Promise<void> }> {
  // Started with node itself (not npx), so the pid is the server's and stopping it stops the server.
  const child = spawn(process.execPath, ['bin/atomflow.mjs', 'serve', '--port', '0', '--db', db, '--json'], {
    cwd: ROOT,
    env: { ...process.env, ATOMFLOW_DB: db, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
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
  return { host: describeHost(first, child.pid ?? 0), stop };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  buildRendererIfNeeded();
  mkdirSync(E2E_TMP, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'atomflow-e2e-'));
  let started: Awaited<ReturnType<typeof startHost>>;
  try {
    started = await startHost(join(dir, 'e2e.db'));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const { host, stop } = started;
  writeFileSync(SERVER_FILE, `${JSON.stringify(host, null, 2)}\n`, { mode: 0o600 });
  process.env.ATOMFLOW_E2E_URL = host.url;
  process.env.ATOMFLOW_E2E_PID = String(host.pid);
  process.stdout.write(`e2e: web host ${host.origin} (pid ${String(host.pid)}, db in ${dir})\n`);
  return async () => {
    await stop();
    rmSync(SERVER_FILE, { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
}
