/**
 * Retries: atoms attached to a flow that decide what happens when something in
 * that flow fails (spec §1.5): retry it, revert it, or revert everything.
 */
import { Atom, type AtomOptions, type Values } from './atom.js';
import { NotFound } from '../errors.js';
import type { Failure } from '../failure.js';

/** What a retry decides after a failure in its flow. */
export const Decision = {
  /** Revert the retry's subflow and run it again. */
  RETRY: 'RETRY',
  /** Revert the retry's subflow; the parent retry may widen that (spec §6.8). */
  REVERT: 'REVERT',
  /** Revert the whole flow. */
  REVERT_ALL: 'REVERT_ALL',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** One execution of a retry: the value it provided and the failures seen in that attempt. */
export type HistoryEntry = readonly [unknown, Readonly<Record<string, Failure>>];

/** The attempts a retry has made so far, oldest first. */
export class History {
  constructor(
    readonly entries: readonly HistoryEntry[],
    /** The retry's own execute failure, if any. */
    readonly failure?: Failure,
  ) {}

  /** Number of attempts so far, including the current one. */
  get length(): number {
    return this.entries.length;
  }

  /** The values provided by each attempt. */
  *providedIter(): IterableIterator<unknown> {
    for (const [value] of this.entries) yield value;
  }

  /** The failures of one attempt (`index`), or of every attempt. */
  *outcomesIter(index?: number): IterableIterator<readonly [string, Failure]> {
    const entries =
      index === undefined ? this.entries : [this.entries.at(index)].filter((e) => e !== undefined);
    for (const [, failures] of entries) for (const pair of Object.entries(failures)) yield pair;
  }

  /** Whether any failure (or the retry's own, with `includeRetry`) is of the given type. */
  causedBy(
    type: string | (abstract new (...args: never[]) => unknown),
    index?: number,
    includeRetry = false,
  ): boolean {
    if (includeRetry && this.failure?.check(type) !== undefined) return true;
    for (const [, f] of this.outcomesIter(index)) if (f.check(type) !== undefined) return true;
    return false;
  }

  [Symbol.iterator](): Iterator<HistoryEntry> {
    return this.entries[Symbol.iterator]();
  }
}

/** What `revert` of a retry is told. */
export interface RetryRevertInfo {
  readonly flowFailures: Readonly<Record<string, Failure>>;
}

/**
 * Base of retry controllers. A retry is given to a flow (`linear('f', retry)`),
 * never added as a child. Its `execute` result is recorded in its history and
 * published under `provides`; `onFailure` returns a {@link Decision}.
 */
export abstract class Retry<A extends Values = Values, T = unknown> extends Atom {
  constructor(options: AtomOptions = {}) {
    // A retry has no default name: the flow it is given to names it `<flow>_retry`.
    super(options, '');
  }

  abstract execute(history: History, args: A): T | Promise<T>;

  /** Undoes the retry; its history is cleared afterwards. The default does nothing. */
  revert(_history: History, _args: A, _info: RetryRevertInfo): unknown {
    return undefined;
  }

  abstract onFailure(history: History, args: A): Decision;
}

/** Options of the built-in retries. */
export interface RetryStrategyOptions extends AtomOptions {
  /** Answer `REVERT_ALL` instead of `REVERT` once exhausted. */
  revertAll?: boolean;
}

/** Revert this flow only. */
export class AlwaysRevert extends Retry {
  constructor(options: AtomOptions = {}) {
    super(options);
  }
  execute(): undefined {
    return undefined;
  }
  onFailure(): Decision {
    return Decision.REVERT;
  }
}

/** Revert everything. */
export class AlwaysRevertAll extends Retry {
  constructor(options: AtomOptions = {}) {
    super(options);
  }
  execute(): undefined {
    return undefined;
  }
  onFailure(): Decision {
    return Decision.REVERT_ALL;
  }
}

/** Runs the subflow at most `attempts` times in all; provides the attempt number (1, 2, …). */
export class Times extends Retry<Values, number> {
  private readonly revertAll: boolean;

  constructor(
    readonly attempts = 1,
    options: RetryStrategyOptions = {},
  ) {
    super(options);
    this.revertAll = options.revertAll ?? false;
  }

  execute(history: History): number {
    return history.length + 1;
  }

  onFailure(history: History): Decision {
    if (history.length < this.attempts) return Decision.RETRY;
    return this.revertAll ? Decision.REVERT_ALL : Decision.REVERT;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** Values not yet used up by the history (multiset difference, order kept). */
function remaining(values: Iterable<unknown>, history: History): unknown[] {
  const left = [...values];
  for (const used of history.providedIter()) {
    const i = left.findIndex((v) => sameValue(v, used));
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

function nextValue(values: Iterable<unknown>, history: History): unknown {
  const left = remaining(values, history);
  if (left.length === 0) throw new NotFound('No elements left in collection of iterable retry controller');
  return left[0];
}

function decideForEach(values: Iterable<unknown>, history: History, revertAll: boolean): Decision {
  if (remaining(values, history).length > 0) return Decision.RETRY;
  return revertAll ? Decision.REVERT_ALL : Decision.REVERT;
}

/** Tries each value in turn (duplicates as often as they occur); provides the value. */
export class ForEach extends Retry {
  private readonly values: readonly unknown[];
  private readonly revertAll: boolean;

  constructor(values: Iterable<unknown>, options: RetryStrategyOptions = {}) {
    super(options);
    this.values = [...values];
    this.revertAll = options.revertAll ?? false;
  }

  execute(history: History): unknown {
    return nextValue(this.values, history);
  }

  onFailure(history: History): Decision {
    return decideForEach(this.values, history, this.revertAll);
  }
}

/** Like {@link ForEach}, with the values taken from the required argument `values`. */
export class ParameterizedForEach extends Retry<{ values: Iterable<unknown> }> {
  private readonly revertAll: boolean;

  constructor(options: RetryStrategyOptions = {}) {
    super({ requires: ['values'], ...options });
    this.revertAll = options.revertAll ?? false;
  }

  execute(history: History, args: { values: Iterable<unknown> }): unknown {
    return nextValue(args.values, history);
  }

  onFailure(history: History, args: { values: Iterable<unknown> }): Decision {
    return decideForEach(args.values, history, this.revertAll);
  }
}
