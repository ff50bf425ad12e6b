/**
 * Failures as values (spec §13.1): an error captured without keeping it thrown,
 * serialisable to JSON and back so it can cross processes, SQLite and AMQP.
 */
import { InvalidFormat, WrappedFailure } from './errors.js';

/** The JSON shape of a {@link Failure} (format version 1). */
export interface FailureDict {
  version: 1;
  exceptionStr: string;
  tracebackStr: string;
  excTypeNames: string[];
  excArgs?: unknown[];
  causes?: FailureDict[];
}

type ErrorType = string | (abstract new (...args: never[]) => unknown);

function typeNamesOf(err: unknown): string[] {
  if (!(err instanceof Error)) return ['Error'];
  const names: string[] = [];
  let proto: unknown = Object.getPrototypeOf(err);
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: string } }).constructor;
    const name = ctor?.name;
    if (name && !names.includes(name)) names.push(name);
    if (proto === Error.prototype) break;
    proto = Object.getPrototypeOf(proto);
  }
  if (names.length === 0) names.push('Error');
  return names;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

function isJsonSafe(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

/** An error captured as a value: its type names, message, stack and causes. */
export class Failure {
  /** The original error when captured in this process; `undefined` after deserialisation. */
  readonly error: unknown;
  readonly exceptionStr: string;
  readonly tracebackStr: string;
  /** Class names from the error's class up to and including `Error`. Never empty. */
  readonly excTypeNames: readonly string[];
  readonly excArgs: readonly unknown[];
  /** Failures built from the error's `cause` chain, nearest first, without repeats. */
  readonly causes: readonly Failure[];
  private readonly hasError: boolean;

  private constructor(init: {
    error?: unknown;
    hasError: boolean;
    exceptionStr: string;
    tracebackStr: string;
    excTypeNames: readonly string[];
    excArgs: readonly unknown[];
    causes: readonly Failure[];
  }) {
    if (init.excTypeNames.length === 0) throw new InvalidFormat('A failure needs at least one type name');
    this.error = init.error;
    this.hasError = init.hasError;
    this.exceptionStr = init.exceptionStr;
    this.tracebackStr = init.tracebackStr;
    this.excTypeNames = init.excTypeNames;
    this.excArgs = init.excArgs;
    this.causes = init.causes;
  }

  /** Captures any thrown value. A {@link Failure} is returned as is. */
  static fromError(err: unknown): Failure {
    if (err instanceof Failure) return err;
    return Failure.capture(err, new Set());
  }

  private static capture(err: unknown, seen: Set<unknown>): Failure {
    seen.add(err);
    const causes: Failure[] = [];
    let cause = err instanceof Error ? err.cause : undefined;
    while (cause !== undefined && cause !== null && !seen.has(cause)) {
      seen.add(cause);
      causes.push(Failure.captureOne(cause));
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    const msg = messageOf(err);
    return new Failure({
      error: err,
      hasError: true,
      exceptionStr: msg,
      tracebackStr: err instanceof Error ? (err.stack ?? '') : '',
      excTypeNames: typeNamesOf(err),
      excArgs: [msg],
      causes,
    });
  }

  private static captureOne(err: unknown): Failure {
    const msg = messageOf(err);
    return new Failure({
      error: err,
      hasError: true,
      exceptionStr: msg,
      tracebackStr: err instanceof Error ? (err.stack ?? '') : '',
      excTypeNames: typeNamesOf(err),
      excArgs: [msg],
      causes: [],
    });
  }

  /** Checks the shape of a failure dict; throws {@link InvalidFormat} when it is wrong. */
  static validate(data: unknown): asserts data is FailureDict {
    const fail = (why: string): never => {
      throw new InvalidFormat(`Invalid failure dict: ${why}`);
    };
    if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('not an object');
    const d = data as Record<string, unknown>;
    if (d.version !== 1) fail(`unsupported version ${JSON.stringify(d.version)} (expected 1)`);
    if (typeof d.exceptionStr !== 'string') fail('exceptionStr must be a string');
    if (typeof d.tracebackStr !== 'string') fail('tracebackStr must be a string');
    if (
      !Array.isArray(d.excTypeNames) ||
      d.excTypeNames.length === 0 ||
      !d.excTypeNames.every((n) => typeof n === 'string')
    ) {
      fail('excTypeNames must be a non-empty list of strings');
    }
    if (d.excArgs !== undefined && !Array.isArray(d.excArgs)) fail('excArgs must be a list');
    if (d.causes !== undefined) {
      if (!Array.isArray(d.causes)) fail('causes must be a list');
      for (const c of d.causes as unknown[]) Failure.validate(c);
    }
  }

  /** Rebuilds a failure from its dict (validated first). It holds no error object. */
  static fromDict(data: unknown): Failure {
    Failure.validate(data);
    return new Failure({
      hasError: false,
      exceptionStr: data.exceptionStr,
      tracebackStr: data.tracebackStr,
      excTypeNames: [...data.excTypeNames],
      excArgs: data.excArgs ? [...data.excArgs] : [],
      causes: (data.causes ?? []).map((c) => Failure.fromDict(c)),
    });
  }

  /** JSON form; arguments that are not JSON-serialisable are left out. */
  toDict(includeArgs = true): FailureDict {
    const d: FailureDict = {
      version: 1,
      exceptionStr: this.exceptionStr,
      tracebackStr: this.tracebackStr,
      excTypeNames: [...this.excTypeNames],
      causes: this.causes.map((c) => c.toDict(includeArgs)),
    };
    if (includeArgs && isJsonSafe(this.excArgs)) d.excArgs = [...this.excArgs];
    else d.excArgs = [];
    return d;
  }

  toJSON(): FailureDict {
    return this.toDict();
  }

  /** The first of `types` (class or name) found among the type names, else `undefined`. */
  check(...types: ErrorType[]): string | undefined {
    for (const t of types) {
      const name = typeof t === 'string' ? t : t.name;
      if (this.excTypeNames.includes(name)) return name;
    }
    return undefined;
  }

  /** Equality that tolerates a lost error object (compares the serialisable parts). */
  matches(other: Failure): boolean {
    if (this === other) return true;
    if (this.hasError && other.hasError) return this.error === other.error && this.sameParts(other);
    return this.sameParts(other);
  }

  private sameParts(other: Failure): boolean {
    return (
      this.exceptionStr === other.exceptionStr &&
      this.tracebackStr === other.tracebackStr &&
      this.excTypeNames.length === other.excTypeNames.length &&
      this.excTypeNames.every((n, i) => n === other.excTypeNames[i]) &&
      this.causes.length === other.causes.length &&
      this.causes.every((c, i) => {
        const o = other.causes[i];
        return o !== undefined && c.matches(o);
      })
    );
  }

  /** Throws the original error when present, else a {@link WrappedFailure} of this failure. */
  reraise(): never {
    if (this.hasError) throw this.error;
    throw new WrappedFailure([this]);
  }

  /** None: returns; one: re-raises it; several: throws a {@link WrappedFailure}. */
  static reraiseIfAny(failures: readonly Failure[]): void {
    if (failures.length === 0) return;
    if (failures.length === 1) failures[0]?.reraise();
    throw new WrappedFailure(failures);
  }

  /** `Failure: <first type name>: <message>`, with the stack when asked. */
  pformat(traceback = false): string {
    const head = `Failure: ${this.excTypeNames[0] ?? 'Error'}: ${this.exceptionStr}`;
    if (!traceback) return head;
    return `${head}\n${this.tracebackStr || 'Traceback not available.'}`;
  }

  toString(): string {
    return this.pformat();
  }
}
