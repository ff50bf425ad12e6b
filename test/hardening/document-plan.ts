/**
 * The shape of a generated document, before names and values are filled in:
 * a tree of flows (linear, unordered, graph; with or without a retry) and
 * tasks of the catalog's kinds, each with a seed for its own choices.
 *
 * Keeping the shape apart from the names lets a mutation rebuild the very
 * same document with one name replaced (see `document-builder.ts`), so a
 * renamed document has a known expected outcome too.
 */
import fc from 'fast-check';

/** The kinds generated documents use. `http` only when the test has a server to call. */
export type PlanKind = 'noop' | 'value' | 'delay' | 'fail' | 'script' | 'shell' | 'http';
export type FlowType = 'linear' | 'unordered' | 'graph';
export type RetryType =
  'times' | 'for-each' | 'parameterized-for-each' | 'always-revert' | 'always-revert-all';

export interface TaskPlan {
  readonly t: 'task';
  readonly kind: PlanKind;
  readonly seed: number;
}
export interface FlowPlan {
  readonly t: FlowType;
  readonly retry: RetryType | null;
  readonly children: readonly NodePlan[];
  readonly seed: number;
}
export type NodePlan = TaskPlan | FlowPlan;

/** A whole document's plan. */
export interface DocumentPlan {
  readonly root: FlowPlan;
  /** Make one `fail` task fail for good, so the run must end REVERTED. */
  readonly failing: boolean;
  readonly seed: number;
}

const seed = fc.integer({ min: 0, max: 0x7fffffff });

function kinds(withHttp: boolean): fc.Arbitrary<PlanKind> {
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant<PlanKind>('script') },
    { weight: 22, arbitrary: fc.constant<PlanKind>('value') },
    { weight: 10, arbitrary: fc.constant<PlanKind>('noop') },
    { weight: 12, arbitrary: fc.constant<PlanKind>('fail') },
    { weight: 4, arbitrary: fc.constant<PlanKind>('delay') },
    // Each starts a process or a request: real, but slower than the rest, so rarer.
    { weight: 2, arbitrary: fc.constant<PlanKind>('shell') },
    { weight: withHttp ? 2 : 0, arbitrary: fc.constant<PlanKind>('http') },
  );
}

const retryType = fc.option(
  fc.constantFrom<RetryType>(
    'times',
    'for-each',
    'parameterized-for-each',
    'always-revert',
    'always-revert-all',
  ),
  { freq: 3, nil: null },
);

/**
 * Plans of documents: up to `maxDepth` levels of flows, a few children
 * each. Flows may be empty (a valid, if useless, document).
 */
export function documentPlan(options: { withHttp: boolean; maxDepth?: number }): fc.Arbitrary<DocumentPlan> {
  const maxDepth = options.maxDepth ?? 4;
  const tree = fc.letrec<{ node: NodePlan; task: TaskPlan; flow: FlowPlan }>((tie) => ({
    node: fc.oneof({ maxDepth, depthIdentifier: 'plan', withCrossShrink: true }, tie('task'), tie('flow')),
    task: fc.record({ t: fc.constant('task' as const), kind: kinds(options.withHttp), seed }),
    flow: fc.record({
      t: fc.constantFrom<FlowType>('linear', 'unordered', 'graph'),
      retry: retryType,
      children: fc.array(tie('node'), { maxLength: 5, depthIdentifier: 'plan' }),
      seed,
    }),
  }));
  return fc.record({
    root: tree.flow,
    // About one document in seven is meant to fail (when it has a `fail` task to fail with).
    failing: fc.nat({ max: 6 }).map((n) => n === 0),
    seed,
  });
}
