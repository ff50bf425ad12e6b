import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { GroupFlowNode } from '../../designer/canvas-graph';
import type { RetryDoc } from '../../designer/document';
import { GROUP_LOOK } from './kind-glyph';
import { ProblemBadge } from './ProblemBadge';

function retryText(retry: RetryDoc): string {
  switch (retry.type) {
    case 'times':
      return `retry ×${String(retry.attempts ?? '?')}`;
    case 'for-each':
      return `for each of ${String(Array.isArray(retry.values) ? retry.values.length : '?')}`;
    case 'parameterized-for-each':
      return 'for each (input)';
    case 'always-revert':
      return 'always revert';
    case 'always-revert-all':
      return 'always revert all';
    default:
      return String(retry.type);
  }
}

/** A linear, unordered or graph group: a frame around its members, with its type and retry in the header. */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const { group, isRoot, problems, dropTarget } = data;
  const look = GROUP_LOOK[group.type] ?? { glyph: '?', label: group.type, hint: '' };
  const classes = [
    'group-node',
    `group-${group.type}`,
    isRoot ? 'is-root' : '',
    selected ? 'is-selected' : '',
    problems.length > 0 ? 'has-problem' : '',
    dropTarget ? 'is-drop-target' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} data-testid={`node-${id}`} data-group-type={group.type}>
      {!isRoot && <Handle type="target" position={Position.Left} className="node-handle" />}
      <div className="group-header" title={look.hint}>
        <span className="group-glyph" aria-hidden="true">
          {look.glyph}
        </span>
        <span className="group-type">{look.label}</span>
        <span className="group-name">{group.name || '(no name)'}</span>
        {group.retry && (
          <span className="group-retry" title={`Retry controller: ${group.retry.type}`}>
            ↻ {retryText(group.retry)}
          </span>
        )}
        <ProblemBadge problems={problems} />
      </div>
      {group.children.length === 0 && <div className="group-empty">Drop task kinds here</div>}
      {!isRoot && <Handle type="source" position={Position.Right} className="node-handle" />}
    </div>
  );
});
