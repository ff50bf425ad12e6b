#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is installed, else the browser host.
//
// With the binary: rebuild better-sqlite3 for Electron's ABI if it is not already, build the
// renderer (when out/renderer is missing) and the Electron bundles, and launch Electron.
// Without it (as on a machine that cannot download it): one line saying so, then
// `atomflow serve`, which prints the URL to open. Arguments after `--` go to Electron or to
// `atomflow serve` (`npm start -- --port 4000`).
//
// The binary is looked for the way electron's own index.js does (path.txt, dist/,
// ELECTRON_OVERRIDE_DIST_PATH) without loading that file: loading it starts a download.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);

/** The Electron executable, if it is installed; never triggers a download. */
function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathTxt = join(dir, 'path.txt');
  const rel = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsOrUndefined(join(override, rel ?? 'electron'));
  return rel === undefined ? undefined : existsOrUndefined(join(dir, 'dist', rel));
}

/** A file of an installed package (by its folder: packages' "exports" may not list their bin files). */
function packageFile(name, file) {
  return join(dirname(require.resolve(`${name}/package.json`)), file);
}

function existsOrUndefined(path) {
  return existsSync(path) ? path : undefined;
}

/** Runs a command to completion, its output on our stderr (stdout stays for what `npm start` is asked for). */
function run(what, command, commandArgs, env = process.env, hint = '') {
  const r = spawnSync(command, commandArgs, { cwd: root, env, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    console.error(
      `atomflow start: ${what} failed (${r.error?.message ?? `exit ${String(r.status)}`})${hint}`,
    );
    process.exit(1);
  }
}

/** Starts a long-running child that owns the terminal; our signals are passed on, its exit is ours. */
function hand(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      child.kill(signal);
    });
  }
  child.on('error', (e) => {
    console.error(`atomflow start: could not start ${command}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
  });
}

function buildRenderer() {
  if (existsSync(join(root, 'out', 'renderer', 'index.html'))) return;
  run('building the renderer (vite build)', process.execPath, [packageFile('vite', 'bin/vite.js'), 'build']);
}

/** The ABI (NODE_MODULE_VERSION) better-sqlite3 is built for, from its build's config.gypi. */
function sqliteAbi() {
  const gypi = join(root, 'node_modules', 'better-sqlite3', 'build', 'config.gypi');
  if (!existsSync(gypi)) return undefined;
  return /"node_module_version":\s*(\d+)/.exec(readFileSync(gypi, 'utf8'))?.[1];
}

/**
 * better-sqlite3 for Electron's ABI (Electron 45: 150; Node 20: 115). Run as `node …/cli.js`, not
 * through npm/npx: npm passes ~/.npmrc's nodedir to node-gyp, which then builds against Node's
 * own headers and reports success (stack.md, pitfall P4), so the result is checked too.
 */
function rebuildSqliteForElectron() {
  const electronDir = dirname(require.resolve('electron/package.json'));
  const want = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  if (sqliteAbi() === want) return;
  console.error(`atomflow start: rebuilding better-sqlite3 for Electron (ABI ${want}); this takes a while`);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^npm_config_(nodedir|target|runtime|disturl)$/i.test(key),
    ),
  );
  run(
    'rebuilding native modules for Electron (electron-builder install-app-deps)',
    process.execPath,
    [packageFile('electron-builder', 'cli.js'), 'install-app-deps'],
    env,
    '; `npm rebuild better-sqlite3` puts back the build for Node (it needs Electron’s headers from the network)',
  );
  const got = sqliteAbi();
  if (got !== want) {
    console.error(
      `atomflow start: better-sqlite3 was rebuilt for ABI ${String(got)}, not Electron's ${want}; ` +
        'Electron could not load it. (npm rebuild better-sqlite3 makes it work with Node again.)',
    );
    process.exit(1);
  }
  console.error(
    'atomflow start: better-sqlite3 is now built for Electron; `npm rebuild better-sqlite3` ' +
      'makes it work with Node again (the CLI and the tests).',
  );
}

const electron = electronBinary();
if (electron) {
  rebuildSqliteForElectron();
  buildRenderer();
  run('building the Electron bundles', process.execPath, [
    join(root, 'scripts', 'build-electron.mjs'),
    '--quiet',
  ]);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // `electron .` uses package.json's main; without it, the main bundle is named directly.
  const app = pkg.main === 'out/main/index.js' ? '.' : join(root, 'out', 'main', 'index.js');
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  hand(electron, [app, ...args], env);
} else {
  console.log(
    'The Electron binary is not installed here, so Atomflow runs in the browser instead: open the URL below.',
  );
  buildRenderer();
  hand(process.execPath, [join(root, 'bin', 'atomflow.mjs'), 'serve', ...args]);
}
