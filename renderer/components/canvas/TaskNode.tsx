import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { symbolsOf } from '../../designer/document';
import type { TaskFlowNode } from '../../designer/canvas-graph';
import { ATOM_LOOKS } from '../../run/looks';
import { kindGlyph } from './kind-glyph';
import { ProblemBadge } from './ProblemBadge';
import { RunGlyph, RunMeta, shownState, useTaskRun } from './RunOverlay';

/**
 * A task on the canvas: its kind, its name, what it provides; outlined when it
 * has a problem. While a run is shown, its state instead of its kind glyph,
 * and its time in the meta line (the card keeps its size: the layout is
 * computed from it).
 */
export const TaskNode = memo(function TaskNode({ id, data, selected }: NodeProps<TaskFlowNode>) {
  const { task, problems } = data;
  const look = kindGlyph(task.kind);
  const provides = symbolsOf(task.provides);
  const run = useTaskRun(task.name);
  const state = shownState(run);
  const classes = [
    'task-node',
    `tone-${look.tone}`,
    selected ? 'is-selected' : '',
    problems.length > 0 ? 'has-problem' : '',
    state !== undefined ? `has-run run-${ATOM_LOOKS[state].tone} run-state-${state.toLowerCase()}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={classes}
      data-testid={`node-${id}`}
      data-kind={task.kind}
      data-run-state={state}
      data-kept={run.kept ? 'true' : undefined}
    >
      <Handle type="target" position={Position.Left} className="node-handle" />
      {state !== undefined ? (
        <RunGlyph state={state} progress={run.atom?.progress ?? 0} />
      ) : (
        <span className="task-glyph" aria-hidden="true">
          {look.glyph}
        </span>
      )}
      <span className="task-text">
        <span className="task-name" title={task.name}>
          {task.name || '(no name)'}
        </span>
        <span className="task-meta">
          <span className="task-kind">{task.kind || 'no kind'}</span>
          {state !== undefined ? (
            <RunMeta atom={run.atom} kept={run.kept} />
          ) : (
            provides.length > 0 && (
              <span className="task-provides" title={`Provides ${provides.join(', ')}`}>
                → {provides.join(', ')}
              </span>
            )
          )}
        </span>
      </span>
      <ProblemBadge problems={problems} />
      <Handle type="source" position={Position.Right} className="node-handle" />
    </div>
  );
});
