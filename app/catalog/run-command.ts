/**
 * Runs one command for a `shell` task: captures and streams its output,
 * enforces its time limit, and turns a bad ending into an error that says
 * why (exit code, signal, time-out) with the tail of stderr.
 */
import { spawn } from 'node:child_process';
import type { TaskContext } from '../../engine/index.js';

/** What `runCommand` needs (a `shell` config, defaults applied). */
export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly shell: boolean;
  readonly cwd?: string | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs: number;
}

/** The result of a command that exited with 0. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command that could not start, exited non-zero, was killed or timed out. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    /** `null` when it never started or was killed by a signal. */
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

/** How much of stderr a failure message carries. */
const TAIL_LINES = 10;
const TAIL_CHARS = 2000;

function tailOf(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n').slice(-TAIL_LINES).join('\n');
  return lines.length > TAIL_CHARS ? `…${lines.slice(-TAIL_CHARS)}` : lines;
}

function shown(spec: CommandSpec): string {
  return [spec.command, ...spec.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
}

/** Splits a stream into lines as they arrive; `flush` gives the last one if it had no newline. */
function lineSplitter(emit: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        emit(pending.slice(0, i).replace(/\r$/, ''));
        pending = pending.slice(i + 1);
      }
    },
    flush() {
      if (pending !== '') emit(pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}

/**
 * What to spawn. With `shell: true` on POSIX the command line goes to
 * `/bin/sh -c` and `args` become its positional parameters (`$1`, `$2`…),
 * so they are never parsed by the shell; Node's own `shell: true` would
 * paste them, unquoted, after the command line. On Windows (cmd.exe has no
 * positional parameters) Node's `shell: true` is used, which does paste them.
 */
function commandLine(spec: CommandSpec): [file: string, args: string[], viaNodeShell: boolean] {
  if (!spec.shell) return [spec.command, [...spec.args], false];
  if (process.platform === 'win32') return [spec.command, [...spec.args], true];
  return ['/bin/sh', ['-c', spec.command, 'sh', ...spec.args], false];
}

/** Runs a command to its end; resolves with its output, rejects with a {@link CommandFailed}. */
export function runCommand(spec: CommandSpec, ctx: TaskContext): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const what = shown(spec);
    const [file, argv, viaNodeShell] = commandLine(spec);
    const child = spawn(file, argv, {
      cwd: spec.cwd,
      env: spec.env ? { ...process.env, ...spec.env } : process.env,
      shell: viaNodeShell,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: string[] = [];
    const err: string[] = [];
    const outLines = lineSplitter((line) => {
      ctx.log(line, 'stdout');
    });
    const errLines = lineSplitter((line) => {
      ctx.log(line, 'stderr');
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out.push(chunk);
      outLines.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err.push(chunk);
      errLines.push(chunk);
    });
    let timedOut = false;
    let done = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      // A grandchild may keep the pipes open after the command is killed; stop waiting for them.
      child.stdout.destroy();
      child.stderr.destroy();
    }, spec.timeoutMs);
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      outLines.flush();
      errLines.flush();
      fn();
    };
    child.on('error', (e) => {
      finish(() => {
        reject(new CommandFailed(`Command ${what} could not be started: ${e.message}`, null, null, ''));
      });
    });
    child.on('close', (code, signal) => {
      finish(() => {
        const stdout = out.join('');
        const stderr = err.join('');
        const tail = tailOf(stderr);
        const withTail = tail === '' ? '' : `; stderr:\n${tail}`;
        if (timedOut) {
          reject(
            new CommandFailed(
              `Command ${what} timed out after ${spec.timeoutMs} ms${withTail}`,
              null,
              'SIGKILL',
              tail,
            ),
          );
        } else if (signal !== null) {
          reject(new CommandFailed(`Command ${what} was killed by ${signal}${withTail}`, null, signal, tail));
        } else if (code !== 0) {
          reject(new CommandFailed(`Command ${what} exited with code ${code}${withTail}`, code, null, tail));
        } else {
          resolve({ exitCode: 0, stdout, stderr });
        }
      });
    });
  });
}
