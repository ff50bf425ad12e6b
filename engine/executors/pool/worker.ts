/**
 * The program a pool process runs: it rebuilds each task from its reference,
 * runs `execute` or `revert`, and reports progress, output and the outcome to
 * the engine. One task at a time; a new task object for every run.
 *
 * It talks to the engine over one of two transports, with the same messages:
 * Node's IPC channel (`process.send` / `process.on('message')`) when
 * `child_process.fork` started it, or `process.parentPort` when Electron's
 * `utilityProcess.fork` did (the desktop app, `main/electron/utility-spawner.ts`).
 * The port is found by duck typing, so the engine never imports Electron.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Values } from '../../atoms/atom.js';
import type { Task, TaskContext, TaskRef } from '../../atoms/task.js';
import { Failure } from '../../failure.js';
import { asText } from '../serial.js';
import { toWorker, type FromWorker, type RunMessage } from './protocol.js';

/** What this program uses of Electron's `process.parentPort` (a utility process's channel to its parent). */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** Set (and truthy) only in an Electron utility process; `undefined` under Node, `null` elsewhere in Electron. */
const parentPort = (process as { parentPort?: ParentPort | null }).parentPort ?? undefined;

function send(message: FromWorker): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

/** Calls `listener` with each message from the engine, whichever the transport. */
function onMessage(listener: (raw: unknown) => void): void {
  if (parentPort) {
    parentPort.on('message', (event) => {
      listener(event.data);
    });
  } else {
    process.on('message', listener);
  }
}

function moduleUrl(module: string): string {
  return isAbsolute(module) ? pathToFileURL(module).href : module;
}

async function rebuild(ref: TaskRef): Promise<Task> {
  const mod = (await import(moduleUrl(ref.module))) as Record<string, unknown>;
  const exported = mod[ref.export];
  if (typeof exported !== 'function') {
    throw new TypeError(`'${ref.export}' is not a class or function exported by ${ref.module}`);
  }
  const args = ref.args ?? [];
  const isClass = /^class\b/.test(Function.prototype.toString.call(exported));
  const made: unknown = isClass
    ? new (exported as new (...a: unknown[]) => unknown)(...args)
    : (exported as (...a: unknown[]) => unknown)(...args);
  if (typeof made !== 'object' || made === null || typeof (made as Task).execute !== 'function') {
    throw new TypeError(`${ref.module} '${ref.export}' did not give a task`);
  }
  return made as Task;
}

function clamp(p: number): number {
  if (!(p >= 0)) return 0;
  return p > 1 ? 1 : p;
}

async function run(m: RunMessage): Promise<void> {
  const id = m.id;
  try {
    const task = await rebuild(m.ref);
    // Loading the task's module is not its run time (on a worker neither): the limit starts now.
    send({ type: 'started', id });
    const ctx: TaskContext = {
      name: m.name,
      uuid: m.uuid,
      attempt: m.attempt,
      updateProgress(fraction: number, details?: Values) {
        send({ type: 'progress', id, progress: clamp(fraction), details: details ?? {} });
      },
      log(text: string, stream: 'stdout' | 'stderr' = 'stdout') {
        send({
          type: 'log',
          id,
          stream: stream === 'stderr' ? 'stderr' : 'stdout',
          text: asText(text),
        });
      },
    };
    let result: unknown;
    if (m.action === 'execute') {
      result = await task.execute(m.args, ctx);
    } else {
      const flowFailures: Record<string, Failure> = {};
      for (const [k, f] of Object.entries(m.failures ?? {})) flowFailures[k] = Failure.fromDict(f);
      const executeResult = m.resultFailure ? Failure.fromDict(m.resultFailure) : m.result;
      result = await task.revert(m.args, { result: executeResult, flowFailures }, ctx);
    }
    try {
      send({ type: 'done', id, result });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const err = new TypeError(`The result of '${m.name}' cannot be sent back to the engine: ${why}`);
      send({ type: 'done', id, failure: Failure.fromError(err).toDict() });
    }
  } catch (e) {
    send({ type: 'done', id, failure: Failure.fromError(e).toDict() });
  }
}

onMessage((raw) => {
  const parsed = toWorker.safeParse(raw);
  if (!parsed.success) {
    // Nothing to answer to: the engine only sends valid messages, so this is a bug or a stranger.
    process.stderr.write(`atomflow pool process: ignored an invalid message: ${parsed.error.message}\n`);
    return;
  }
  if (parsed.data.type === 'stop') process.exit(0);
  else void run(parsed.data);
});
// Ctrl-C in a terminal reaches the whole process group; the engine decides what stops, not the signal.
process.on('SIGINT', () => undefined);
// The engine is gone: so is the reason to live. (A utility process has no such event:
// Electron ends it with the app.)
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
