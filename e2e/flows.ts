/**
 * Flow documents the specs generate (rather than keep as files): the same
 * input on every run, so that measurements can be compared between runs.
 */

/** A task of a generated flow (the document format's fields the generator uses). */
interface GeneratedTask {
  type: 'task';
  name: string;
  kind: 'noop' | 'value' | 'delay';
  config?: Record<string, unknown>;
  provides?: string;
  requires?: string[];
}

interface GeneratedGroup {
  type: 'linear' | 'unordered' | 'graph';
  name: string;
  children: (GeneratedTask | GeneratedGroup)[];
  links?: { from: string; to: string }[];
}

export interface GeneratedFlow {
  format: 'atomflow.flow/1';
  name: string;
  flow: GeneratedGroup;
}

export interface BigFlowShape {
  /** Unordered groups in the root linear group. */
  readonly lanes: number;
  /** Groups in each lane: linear ones, and a graph one every {@link graphEvery}. */
  readonly groupsPerLane: number;
  readonly tasksPerGroup: number;
  /** Every how many groups of a lane one is a graph group (its members placed by elkjs). */
  readonly graphEvery: number;
}

/** 10 × 10 × 10 = 1,000 tasks; 20 of the 100 inner groups are graph groups. */
export const THOUSAND_TASKS: BigFlowShape = {
  lanes: 10,
  groupsPerLane: 10,
  tasksPerGroup: 10,
  graphEvery: 5,
};

/** The name {@link bigFlow} gives a task: lane, group in the lane, task in the group. */
export function bigFlowTask(lane: number, group: number, task: number): string {
  return `t-${String(lane)}-${String(group)}-${String(task)}`;
}

/** Whether the inner group `group` of a lane is a graph group in {@link bigFlow}. */
export function isGraphGroup(shape: BigFlowShape, group: number): boolean {
  return group % shape.graphEvery === shape.graphEvery - 2;
}

/**
 * A valid flow of nested groups: a root linear group of unordered lanes,
 * each holding linear and graph groups of tasks. In every inner group the
 * first task (`value`) provides a symbol that later tasks of the group
 * require, so data edges are drawn; the rest are `noop` and `delay` tasks.
 * Graph groups also carry explicit links.
 */
export function bigFlow(shape: BigFlowShape = THOUSAND_TASKS): GeneratedFlow {
  const lanes: GeneratedGroup[] = [];
  for (let l = 0; l < shape.lanes; l++) {
    const groups: GeneratedGroup[] = [];
    for (let g = 0; g < shape.groupsPerLane; g++) {
      const graph = isGraphGroup(shape, g);
      const symbol = `v-${String(l)}-${String(g)}`;
      const tasks: GeneratedTask[] = [];
      for (let t = 0; t < shape.tasksPerGroup; t++) {
        const name = bigFlowTask(l, g, t);
        if (t === 0) {
          tasks.push({ type: 'task', name, kind: 'value', provides: symbol, config: { value: l * 100 + g } });
        } else if (t % 4 === 1) {
          // Readers of the group's symbol: the data edges.
          tasks.push({ type: 'task', name, kind: 'noop', requires: [symbol] });
        } else if (t % 3 === 0) {
          tasks.push({ type: 'task', name, kind: 'delay', config: { ms: 0 } });
        } else {
          tasks.push({ type: 'task', name, kind: 'noop' });
        }
      }
      const group: GeneratedGroup = {
        type: graph ? 'graph' : 'linear',
        name: `${graph ? 'graph' : 'seq'}-${String(l)}-${String(g)}`,
        children: tasks,
      };
      if (graph) {
        // A chain through the tasks after the readers (the readers follow the provider by data alone).
        group.links = [];
        for (let t = 3; t < shape.tasksPerGroup; t++) {
          group.links.push({ from: bigFlowTask(l, g, t - 1), to: bigFlowTask(l, g, t) });
        }
      }
      groups.push(group);
    }
    lanes.push({ type: 'unordered', name: `lane-${String(l)}`, children: groups });
  }
  return {
    format: 'atomflow.flow/1',
    name: 'perf-1000',
    flow: { type: 'linear', name: 'perf', children: lanes },
  };
}

/** How many tasks a flow of this shape holds. */
export function taskCount(shape: BigFlowShape = THOUSAND_TASKS): number {
  return shape.lanes * shape.groupsPerLane * shape.tasksPerGroup;
}
