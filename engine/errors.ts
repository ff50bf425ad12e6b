/**
 * The errors the engine raises (spec §13.2). Each names the atoms, symbols or
 * states involved so that a message alone tells what to fix.
 */
import type { Failure } from './failure.js';

/** Base of every error the engine raises on its own account. */
export class AtomflowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A persistence backend failed to read or write. */
export class StorageFailure extends AtomflowError {}
/** Something went wrong while running atoms. */
export class ExecutionFailure extends AtomflowError {}
/** A remote request was not picked up by a worker in time. */
export class RequestTimeout extends ExecutionFailure {}
/** A state transition that the state tables forbid: a bug, never ignored. */
export class InvalidState extends ExecutionFailure {}
/** A structural problem with the dependencies between atoms. */
export class DependencyFailure extends AtomflowError {}
/** Two or more providers could satisfy the same requirement. */
export class AmbiguousDependency extends DependencyFailure {}
/** Something that cannot be compiled. */
export class CompilationFailure extends AtomflowError {}
/** Two things share a name that must be unique. */
export class Duplicate extends AtomflowError {}
/** A name, atom or result that does not exist (or is not readable). */
export class NotFound extends AtomflowError {}
/** Data that does not have the expected shape. */
export class InvalidFormat extends AtomflowError {}
/** An option or engine kind that does not exist yet or at all. */
export class NotImplementedError extends AtomflowError {}

/** Access to an atom's result refused because of the atom's state (so, for the caller, not found). */
export class DisallowedAccess extends NotFound {
  constructor(
    message: string,
    readonly state?: string,
  ) {
    super(message);
  }
}

/** Required symbols that no atom, store value or injection can supply. */
export class MissingDependencies extends DependencyFailure {
  /** The missing symbol names, sorted. */
  readonly missingRequirements: readonly string[];
  /** The atom or flow that needs them. */
  readonly who: string;
  /** `'execute'` or `'revert'` for an atom-level error. */
  readonly method: string | undefined;

  constructor(who: string, requirements: readonly string[], cause?: unknown, method?: string, why?: string) {
    const list = `[${requirements.map((r) => `'${r}'`).join(', ')}]`;
    const reason = why ?? 'but no other entity produces said requirements';
    const message = method
      ? `'${method}' method on '${who}' requires ${list} ${reason}`
      : `'${who}' requires ${list} ${reason}`;
    super(message, cause === undefined ? undefined : { cause });
    this.who = who;
    this.missingRequirements = requirements;
    this.method = method;
  }
}

/**
 * Several failures at once (for example two branches failed). Not an
 * {@link AtomflowError}: it carries the failures, flattened, in storage order.
 */
export class WrappedFailure extends Error {
  readonly failures: readonly Failure[];

  constructor(failures: readonly Failure[]) {
    const flat: Failure[] = [];
    for (const f of failures) {
      const inner = f.error;
      if (inner instanceof WrappedFailure) flat.push(...inner.failures);
      else flat.push(f);
    }
    // The name is prepended by `String(err)`: `WrappedFailure: [Failure: …, Failure: …]`.
    super(`[${flat.map((f) => f.toString()).join(', ')}]`);
    this.name = 'WrappedFailure';
    this.failures = flat;
  }

  get length(): number {
    return this.failures.length;
  }

  [Symbol.iterator](): Iterator<Failure> {
    return this.failures[Symbol.iterator]();
  }

  /** The first of `types` that any contained failure matches, else `undefined`. */
  check(...types: (string | (abstract new (...args: never[]) => unknown))[]): string | undefined {
    for (const f of this.failures) {
      const hit = f.check(...types);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
}

/** A value that is of the right type but not acceptable (TaskFlow's `ValueError`). */
export class ValueError extends AtomflowError {}
