/**
 * Runs a JavaScript function body written in a document (a `script` task, a
 * link decider) in a fresh `node:vm` context with a time limit.
 *
 * The body is wrapped in an `async function`, so it may `await`. The context
 * runs its own microtasks right after the body (`microtaskMode:
 * 'afterEvaluate'`), inside vm's `timeout`: the limit covers the whole body,
 * code after an `await` included, and a runaway loop anywhere in it is
 * interrupted. The context has no timers and no I/O, so whatever the body
 * awaits settles within that run; a body still pending at the end (it awaited
 * a promise that never settles) is an error, reported at once.
 *
 * `node:vm` keeps a body's globals apart from the host's; it is not a
 * security boundary (the Node documentation says so). Documents are trusted
 * like the shell commands they can also run.
 */
import vm from 'node:vm';

/** A body compiled once, run many times. */
export interface CompiledBody {
  readonly script: vm.Script;
  readonly filename: string;
}

const SETTLED = '__atomflowSettled';

/** Compiles a function body; throws a `SyntaxError` naming `filename` and the line. */
export function compileBody(code: string, filename: string): CompiledBody {
  const source =
    `(async function () {\n${code}\n})().then(` +
    `(value) => { globalThis.${SETTLED} = { ok: true, value }; }, ` +
    `(error) => { globalThis.${SETTLED} = { ok: false, error }; });`;
  // lineOffset -1: the body's first line is line 1 in messages, as the author wrote it.
  return { script: new vm.Script(source, { filename, lineOffset: -1 }), filename };
}

/** A body ran longer than its time limit. */
export class CodeTimeout extends Error {
  override readonly name = 'CodeTimeout';
}

const STANDARD_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/**
 * An error thrown by the body belongs to the context's realm (`instanceof
 * Error` is false in the host); this makes a host error with the same class
 * name, message and stack, so failures record it like any other.
 */
function hostError(thrown: unknown): Error {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const t = thrown as { name?: unknown; message?: unknown; stack?: unknown };
    const name = typeof t.name === 'string' ? t.name : 'Error';
    const Ctor = STANDARD_ERRORS[name] ?? Error;
    const err = new Ctor(String(t.message));
    if (err.name !== name) Object.defineProperty(err, 'name', { value: name, configurable: true });
    if (typeof t.stack === 'string') err.stack = t.stack;
    return err;
  }
  return new Error(`Threw a non-error value: ${String(thrown)}`);
}

/**
 * Copies a value out of the context's realm into the host's (plain objects,
 * arrays, dates… of the host), so storage and listeners see ordinary values.
 * A value that cannot be copied (a function, a symbol) is an error.
 */
function hostValue(value: unknown, filename: string): unknown {
  try {
    return structuredClone(value);
  } catch (e) {
    throw new TypeError(
      `${filename} returned a value that cannot be stored (${e instanceof Error ? e.message : String(e)}); ` +
        'return JSON-like data',
      { cause: e },
    );
  }
}

/**
 * Runs a compiled body with `globals` as its global variables and returns its
 * result (host values), or throws what it threw, a {@link CodeTimeout} after
 * `timeoutMs`, or an error when it is left waiting on a promise that never settles.
 */
export function runBody(body: CompiledBody, globals: Record<string, unknown>, timeoutMs: number): unknown {
  const context = vm.createContext(Object.assign(Object.create(null) as object, globals), {
    microtaskMode: 'afterEvaluate',
    codeGeneration: { strings: true, wasm: false },
  });
  try {
    body.script.runInContext(context, { timeout: timeoutMs });
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new CodeTimeout(`${body.filename} ran longer than its time limit of ${timeoutMs} ms`);
    }
    throw hostError(e);
  }
  const settled = (context as Record<string, unknown>)[SETTLED] as
    { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  if (settled === undefined) {
    throw new Error(
      `${body.filename} is waiting on a promise that never settles (code here has no timers or I/O; ` +
        'use a shell or http task for those)',
    );
  }
  if (!settled.ok) throw hostError(settled.error);
  return hostValue(settled.value, body.filename);
}
