/**
 * Running the `atomflow` bin as a user would: a child process
 * (`node bin/atomflow.mjs …`) with its own environment, whose stdout, stderr
 * and exit status are checked. HOME and XDG_DATA_HOME point into a temporary
 * folder, so no test ever touches the real app-data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'bin', 'atomflow.mjs');
export const examples = join(root, 'examples');

const folders: string[] = [];
process.on('exit', () => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** A new temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'atomflow-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** An environment without the user's run store settings, homed in a temporary folder. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data') };
  delete env.ATOMFLOW_DB;
  Object.assign(env, extra);
  mkdirSync(join(home, 'data'), { recursive: true });
  return env;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI; `detached` puts it in its own process group (so the group can be killed). */
export function spawnCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean } = {},
): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    env: options.env ?? cleanEnv(tempDir()),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI to its end. */
export function cli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return finished(spawnCli(args, options));
}

/** The JSON objects of `--json` output, one per line (every line must be one). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Resolves when a line of the child's stdout satisfies `match` (the child's
 * output so far is returned); rejects if the child exits first.
 */
export function waitForLine(child: ChildProcess, match: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let pending = '';
    const onData = (d: Buffer | string): void => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        seen += `${line}\n`;
        if (match(line)) {
          child.stdout?.off('data', onData);
          child.off('exit', onExit);
          resolve(seen);
          return;
        }
      }
    };
    const onExit = (code: number | null): void => {
      reject(
        new Error(`the CLI exited (${String(code)}) before the line expected; output:\n${seen}${pending}`),
      );
    };
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Writes a flow document into `dir` and returns its path. */
export function writeDocument(dir: string, name: string, document: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return file;
}

/**
 * A task that waits until the file `go` exists: the run stays RUNNING on it
 * for as long as a test needs (to kill or interrupt the CLI there), without
 * any timing assumption.
 */
export function waitForFileTask(name: string, go: string, provides?: string): Record<string, unknown> {
  return {
    type: 'task',
    name,
    kind: 'shell',
    ...(provides !== undefined ? { provides } : {}),
    config: {
      command: 'while [ ! -f "$GO" ]; do sleep 0.02; done; echo released',
      shell: true,
      env: { GO: go },
    },
  };
}

/** A document of three tasks in a line: `first` (a value), `gate` (waits for `go`), `last` (a value). */
export function gatedDocument(go: string, name = 'gated'): Record<string, unknown> {
  return {
    format: 'atomflow.flow/1',
    name,
    flow: {
      type: 'linear',
      name: 'steps',
      children: [
        { type: 'task', name: 'first', kind: 'value', provides: 'a', config: { value: 1 } },
        waitForFileTask('gate', go, 'gateOutput'),
        { type: 'task', name: 'last', kind: 'value', provides: 'b', config: { value: 2 } },
      ],
    },
  };
}
