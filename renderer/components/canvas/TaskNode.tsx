import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useCallback } from 'react';
import { symbolsOf } from '../../designer/document';
import type { TaskFlowNode } from '../../designer/canvas-graph';
import { kindGlyph } from './kind-glyph';
import { ProblemBadge } from './ProblemBadge';
import { ProgressRing } from './ProgressRing';
import { registerCard } from './run-painter';

/**
 * A task on the canvas: its kind, its name, what it provides; outlined when it
 * has a problem. While a run is shown, its state instead of its kind glyph,
 * and its time, executions and "kept" in the meta line instead of what it
 * provides (the card keeps its size: the layout is computed from it).
 *
 * The run is not rendered here: thousands of cards re-rendering per batch of
 * events was too slow. The card is a static skeleton that `run-painter.ts`
 * paints: data attributes on the root (which the CSS styles by), and the text
 * of the spans rendered empty below. Both glyphs are always there; the CSS
 * shows one of them.
 */
export const TaskNode = memo(function TaskNode({ id, data, selected }: NodeProps<TaskFlowNode>) {
  const { task, problems } = data;
  const look = kindGlyph(task.kind);
  const provides = symbolsOf(task.provides);
  // React 19 calls the returned cleanup when the card unmounts or its task is renamed.
  const paintRun = useCallback(
    (card: HTMLDivElement | null) => (card === null ? undefined : registerCard(task.name, card)),
    [task.name],
  );
  const classes = [
    'task-node',
    `tone-${look.tone}`,
    selected ? 'is-selected' : '',
    problems.length > 0 ? 'has-problem' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div ref={paintRun} className={classes} data-testid={`node-${id}`} data-kind={task.kind}>
      <Handle type="target" position={Position.Left} className="node-handle" />
      <span className="task-glyph kind-glyph" aria-hidden="true">
        {look.glyph}
      </span>
      <span className="task-glyph run-glyph" role="img">
        <ProgressRing progress={0} />
        <span className="run-glyph-icon" aria-hidden="true" />
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
          <span className="task-run-time" data-testid="task-elapsed" />
          <span className="task-executions" data-testid="task-executions" />
          <span className="task-kept" />
        </span>
      </span>
      <ProblemBadge problems={problems} />
      <Handle type="source" position={Position.Right} className="node-handle" />
    </div>
  );
});
