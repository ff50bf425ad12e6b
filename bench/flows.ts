/**
 * The flows the benchmark runs, built exactly like the peer TaskFlow scripts
 * build theirs (w1_linear.py, w3_graph.py, w5_revert.py), so that both
 * engines do the same work: same task names, same requires/provides, same
 * task bodies.
 */
import { graph, linear, task, type LinearFlow, type GraphFlow, type Task } from '../engine/index.js';

/**
 * The one no-op body every no-op task shares (TaskFlow's `NoOp.execute` is
 * one method too), and the function W1-limit awaits.
 */
export function noop(): void {
  // Nothing: the point is to measure what surrounds the call.
}

/** W1-noop: a linear flow of `n` no-op tasks `t0`…`t<n-1>` with no data between them. */
export function linearNoop(n: number): LinearFlow {
  const tasks: Task[] = [];
  for (let i = 0; i < n; i++) tasks.push(task({ name: `t${i}`, execute: noop }));
  return linear('w1').add(...tasks);
}

/**
 * W1-chain: task 0 provides `v0` = 0; task i rebinds its `x` to `v<i-1>`,
 * provides `v<i>` and returns x + 1, so `v<n-1>` must end as n - 1.
 */
export function linearChain(n: number): LinearFlow {
  const tasks: Task[] = [task({ name: 't0', provides: 'v0', execute: () => 0 })];
  for (let i = 1; i < n; i++) {
    tasks.push(
      task<{ x: number }, number>({
        name: `t${i}`,
        provides: `v${i}`,
        requires: ['x'],
        rebind: { x: `v${i - 1}` },
        execute: ({ x }) => x + 1,
      }),
    );
  }
  return linear('w1').add(...tasks);
}

/** Shape of a layered DAG: `layers` × `width` tasks, each needing `fanIn` tasks of the layer before. */
export interface GraphShape {
  layers: number;
  width: number;
  fanIn: 1 | 2;
}

/** `50x20 fan-in 1`: how shapes are labelled in the output. */
export function shapeLabel(s: GraphShape): string {
  return `${s.layers}x${s.width} fan-in ${s.fanIn}`;
}

/**
 * W3: a layered DAG added in one `graph(...).add(...)` call, so every edge is
 * inferred from requires/provides. Task (l, j) provides `r_l_j`; for l > 0 it
 * requires `r_(l-1)_j` and, with fan-in 2, `r_(l-1)_((j+1) mod width)`. With
 * fan-in 1 both parameters are rebound to the same symbol, as the peer does.
 */
export function layeredGraph({ layers, width, fanIn }: GraphShape): GraphFlow {
  const tasks: Task[] = [];
  for (let l = 0; l < layers; l++) {
    for (let j = 0; j < width; j++) {
      const name = `r_${l}_${j}`;
      if (l === 0) {
        tasks.push(task({ name, provides: name, execute: () => 1 }));
        continue;
      }
      const a = `r_${l - 1}_${j}`;
      const b = fanIn === 2 ? `r_${l - 1}_${(j + 1) % width}` : a;
      tasks.push(task({ name, provides: name, requires: ['a', 'b'], rebind: { a, b }, execute: () => 1 }));
    }
  }
  return graph('w3').add(...tasks);
}

/** What {@link revertingLinear} returns: the flow, its task names, and when its last task threw. */
export interface RevertingFlow {
  flow: LinearFlow;
  names: string[];
  /** `performance.now()` at the throw of the last task (NaN until it ran). */
  raisedAt: () => number;
}

/**
 * W5: `n - 1` no-op tasks with a no-op revert, then one that throws
 * `Error('boom')` and records when, so the revert can be timed from the throw.
 */
export function revertingLinear(n: number): RevertingFlow {
  const names = Array.from({ length: n }, (_, i) => `t${i}`);
  let raisedAt = Number.NaN;
  const tasks: Task[] = names.slice(0, -1).map((name) => task({ name, execute: noop, revert: noop }));
  tasks.push(
    task({
      name: names.at(-1)!,
      execute: () => {
        raisedAt = performance.now();
        throw new Error('boom');
      },
      revert: noop,
    }),
  );
  return { flow: linear('w5').add(...tasks), names, raisedAt: () => raisedAt };
}
