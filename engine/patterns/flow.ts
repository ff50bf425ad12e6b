/**
 * What the three patterns share (spec §2.1): a name, an optional retry, children
 * that are tasks or nested flows, and the links between them.
 */
import { Retry } from '../atoms/retry.js';
import { Task } from '../atoms/task.js';
import type { Depth } from './depth.js';

/** Anything a flow can hold. */
export type FlowItem = Task | Flow;

/** A decider on a graph link: given the results of the link's source atoms, run the target or not. */
export type Decider = (history: Readonly<Record<string, unknown>>) => unknown;

/** Metadata of a link between two children. */
export interface LinkMeta {
  /** Order imposed by the pattern (linear flows). */
  invariant?: true;
  /** Made by `link()`. */
  manual?: true;
  /** Symbols that caused an inferred link. */
  reasons?: Set<string>;
  decider?: Decider;
  deciderDepth?: Depth;
}

export type PatternKind = 'linear' | 'unordered' | 'graph';

/** Base of {@link LinearFlow}, {@link UnorderedFlow} and {@link GraphFlow}. */
export abstract class Flow {
  abstract readonly kind: PatternKind;
  readonly name: string;
  readonly retry: Retry | undefined;

  constructor(name: string, retry?: Retry) {
    this.name = name;
    if (retry && !retry.name) retry.name = `${this.name}_retry`;
    this.retry = retry;
  }

  /** Children in iteration order. */
  abstract children(): readonly FlowItem[];

  /** Links `[from, to, meta]` between children. */
  abstract links(): readonly (readonly [FlowItem, FlowItem, LinkMeta])[];

  /** Symbols this flow needs from outside. */
  abstract get requires(): readonly string[];

  get length(): number {
    return this.children().length;
  }

  [Symbol.iterator](): Iterator<FlowItem> {
    return this.children()[Symbol.iterator]();
  }

  /** Children with their (empty) node metadata. */
  iterNodes(): (readonly [FlowItem, Record<string, never>])[] {
    return this.children().map((c) => [c, {}] as const);
  }

  /** Symbols published by the retry or by any child. */
  get provides(): readonly string[] {
    const out = new Set<string>(this.retry?.provides ?? []);
    for (const c of this.children()) for (const p of c.provides) out.add(p);
    return [...out];
  }

  toString(): string {
    return `"${this.kind}_flow.Flow: ${this.name}(len=${this.length})"`;
  }
}

/**
 * Refuses, when it is added, anything a flow cannot hold — TaskFlow only finds
 * these at compile time. A retry is given to the flow, never added to it.
 */
export function checkItem(flow: Flow, item: unknown): asserts item is FlowItem {
  if (item instanceof Task || item instanceof Flow) return;
  if (item instanceof Retry) {
    throw new TypeError(
      `Retry '${item.name}' cannot be added to flow '${flow.name}' as a child: give it to the flow instead, ` +
        `e.g. linear('${flow.name}', retry)`,
    );
  }
  let shown: string;
  try {
    shown = typeof item === 'string' ? `'${item}'` : String(item);
  } catch {
    shown = typeof item;
  }
  throw new TypeError(
    `Unknown object ${shown} added to flow '${flow.name}': only tasks and flows can be added`,
  );
}

/** Whether a value is a flow (as opposed to an atom). */
export function isFlow(x: unknown): x is Flow {
  return x instanceof Flow;
}
