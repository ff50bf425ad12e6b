import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { symbolsOf } from '../../designer/document';
import type { TaskFlowNode } from '../../designer/canvas-graph';
import { kindGlyph } from './kind-glyph';
import { ProblemBadge } from './ProblemBadge';

/** A task on the canvas: its kind, its name, what it provides; outlined when it has a problem. */
export const TaskNode = memo(function TaskNode({ id, data, selected }: NodeProps<TaskFlowNode>) {
  const { task, problems } = data;
  const look = kindGlyph(task.kind);
  const provides = symbolsOf(task.provides);
  return (
    <div
      className={`task-node tone-${look.tone}${selected ? ' is-selected' : ''}${problems.length > 0 ? ' has-problem' : ''}`}
      data-testid={`node-${id}`}
      data-kind={task.kind}
    >
      <Handle type="target" position={Position.Left} className="node-handle" />
      <span className="task-glyph" aria-hidden="true">
        {look.glyph}
      </span>
      <span className="task-text">
        <span className="task-name" title={task.name}>
          {task.name || '(no name)'}
        </span>
        <span className="task-meta">
          <span className="task-kind">{task.kind || 'no kind'}</span>
          {provides.length > 0 && (
            <span className="task-provides" title={`Provides ${provides.join(', ')}`}>
              → {provides.join(', ')}
            </span>
          )}
        </span>
      </span>
      <ProblemBadge problems={problems} />
      <Handle type="source" position={Position.Right} className="node-handle" />
    </div>
  );
});
