/**
 * Before the specs: builds the renderer when its build is missing or older
 * than its sources, then starts the web host the way a person would
 * (`atomflow serve --port 0 --db <temp> --json`) and hands its URL to the
 * specs. The function it returns stops the host again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_TMP, ROOT, SERVER_FILE } from './host';
import { startHost } from './serve';

const BUILT_INDEX = join(ROOT, 'out', 'renderer', 'index.html');
/** What the renderer's build is made from. */
const BUILD_INPUTS = ['renderer', 'app/contract', 'examples', 'vite.config.ts', 'package-lock.json'];

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
