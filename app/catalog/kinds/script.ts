/**
 * `script`: a JavaScript function body that receives the task's named inputs
 * and returns its result. See `../run-code.ts` for how it runs and how the
 * time limit applies (async bodies included).
 */
import { formatWithOptions } from 'node:util';
import { z } from 'zod';
import { Failure, type TaskContext } from '../../../engine/index.js';
import { timeoutMs } from '../fields.js';
import { defineKind } from '../kind.js';
import { compileBody, runBody, type CompiledBody } from '../run-code.js';

/** The default time limit of a script (execute and revert each). */
export const SCRIPT_TIMEOUT_MS = 5000;

const configSchema = z.strictObject({
  /** A function body: `return x + y`. May `await`. */
  code: z.string(),
  /** Run on revert, with the same inputs plus `result`, `failure` and `flowFailures`. */
  revertCode: z.string().optional(),
  /** Time limit of one execution (and of one revert), in ms. */
  timeoutMs: timeoutMs(SCRIPT_TIMEOUT_MS),
});
type ScriptConfig = z.output<typeof configSchema>;

/** Compiled bodies per config object (one per task instance), compiled on first use. */
const compiled = new WeakMap<ScriptConfig, { execute?: CompiledBody; revert?: CompiledBody }>();

function bodyOf(config: ScriptConfig, which: 'execute' | 'revert', ctx: TaskContext): CompiledBody {
  let entry = compiled.get(config);
  if (!entry) compiled.set(config, (entry = {}));
  const code = which === 'execute' ? config.code : (config.revertCode ?? '');
  return (entry[which] ??= compileBody(
    code,
    `${ctx.name}.config.${which === 'execute' ? 'code' : 'revertCode'}`,
  ));
}

/** `console` for a body: log/info/debug go to stdout, warn/error to stderr, as log events. */
function consoleFor(ctx: TaskContext): Record<string, (...a: unknown[]) => void> {
  const out = (...a: unknown[]): void => {
    ctx.log(formatWithOptions({ colors: false }, ...a), 'stdout');
  };
  const err = (...a: unknown[]): void => {
    ctx.log(formatWithOptions({ colors: false }, ...a), 'stderr');
  };
  return { log: out, info: out, debug: out, warn: err, error: err };
}

/**
 * The globals of a body: every input under its parameter name (names that
 * are not identifiers are still in `args`), `args`, `console` and
 * `progress(fraction)`. Inputs are copied, so a body cannot change another
 * task's stored result.
 */
function globalsFor(args: Record<string, unknown>, ctx: TaskContext): Record<string, unknown> {
  // No prototype: an input named `toString` or `valueOf` that was not given reads as undefined, not
  // as Object.prototype's function.
  const copy = Object.create(null) as Record<string, unknown>;
  try {
    Object.assign(copy, structuredClone(args));
  } catch {
    Object.assign(copy, args);
  }
  return {
    ...copy,
    args: copy,
    console: consoleFor(ctx),
    progress: (fraction: unknown) => {
      ctx.updateProgress(Number(fraction));
    },
  };
}

function failureInfo(f: Failure): { type: string; message: string } {
  return { type: f.excTypeNames[0] ?? 'Error', message: f.exceptionStr };
}

/**
 * Runs `code` with the task's inputs as variables; what it returns is the
 * result (copied out as plain data). `timeoutMs` (default 5000) bounds each
 * execution and each revert, awaited parts included. Under the parallel
 * engine a script task runs in a pool process, which is killed if it
 * overruns the limit by more than a second.
 *
 * `revertCode` sees the same variables plus `result` (what execute returned,
 * `undefined` if it failed), `failure` (`{ type, message }` when this task's
 * own execute failed) and `flowFailures` (`{ [task]: { type, message } }`).
 */
export const script = defineKind({
  kind: 'script',
  description: 'Runs a JavaScript function body with the task’s inputs as variables; it returns the result.',
  configSchema,
  pool: true,
  execute: (config, args, ctx) =>
    runBody(bodyOf(config, 'execute', ctx), globalsFor(args, ctx), config.timeoutMs),
  revert: (config, args, info, ctx) => {
    if (config.revertCode === undefined) return undefined;
    const own = info.result instanceof Failure ? info.result : undefined;
    const flowFailures: Record<string, { type: string; message: string }> = {};
    for (const [name, f] of Object.entries(info.flowFailures)) flowFailures[name] = failureInfo(f);
    const globals = {
      ...globalsFor(args, ctx),
      result: own ? undefined : info.result,
      failure: own ? failureInfo(own) : undefined,
      flowFailures,
    };
    return runBody(bodyOf(config, 'revert', ctx), globals, config.timeoutMs);
  },
});
