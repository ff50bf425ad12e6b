import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { GroupFlowNode } from '../../designer/canvas-graph';
import type { GroupDoc, RetryDoc } from '../../designer/document';
import { ATOM_LOOKS } from '../../run/looks';
import { useDesigner } from '../../state/designer';
import { useRuns } from '../../state/runs';
import {
  decodeSummary,
  encodeSummary,
  retryAtomName,
  summarize,
  tasksWithin,
  type GroupSummary,
} from './group-summary';
import { GroupRun } from './GroupRun';
import { GROUP_LOOK } from './kind-glyph';
import { ProblemBadge } from './ProblemBadge';

const NO_TASKS: readonly string[] = [];

/**
 * The run as seen from a group, or undefined while no run is shown. The
 * selector returns a string, so the group redraws only when its own summary
 * changes, not on every batch of the run.
 */
function useGroupRun(id: string, group: GroupDoc): GroupSummary | undefined {
  const shown = useRuns((s) => s.live !== undefined);
  // Without a run, no need to follow the index at all.
  const names = useDesigner((s) => (shown ? tasksWithin(s.index, id) : NO_TASKS));
  const retryName = retryAtomName(group);
  const key = useRuns((s) => (s.live ? encodeSummary(summarize(s.live, names, retryName)) : ''));
  return useMemo(() => decodeSummary(key), [key]);
}

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

/**
 * A linear, unordered or graph group: a frame around its members, with its
 * type and retry in the header; while a run is shown, one state for the
 * group (see `groupState`), its tasks' states as a bar, and its retry
 * controller's attempt.
 */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const { group, isRoot, problems, dropTarget } = data;
  const look = GROUP_LOOK[group.type] ?? { glyph: '?', label: group.type, hint: '' };
  const run = useGroupRun(id, group);
  const retry = run?.retry;
  const classes = [
    'group-node',
    `group-${group.type}`,
    isRoot ? 'is-root' : '',
    selected ? 'is-selected' : '',
    problems.length > 0 ? 'has-problem' : '',
    dropTarget ? 'is-drop-target' : '',
    run ? `has-run run-${ATOM_LOOKS[run.state].tone} run-state-${run.state.toLowerCase()}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={classes}
      data-testid={`node-${id}`}
      data-group-type={group.type}
      data-run-state={run?.state}
      data-run-summary={run ? `${String(run.done)}/${String(run.total)}` : undefined}
    >
      {!isRoot && <Handle type="target" position={Position.Left} className="node-handle" />}
      <div className="group-header" title={look.hint}>
        <span className="group-glyph" aria-hidden="true">
          {look.glyph}
        </span>
        <span className="group-type">{look.label}</span>
        <span className="group-name">{group.name || '(no name)'}</span>
        {group.retry && (
          <span
            className={`group-retry${retry ? ` run-${ATOM_LOOKS[retry.state].tone}` : ''}`}
            title={`Retry controller: ${group.retry.type}${retry ? ` (${ATOM_LOOKS[retry.state].label})` : ''}`}
            data-retry-state={retry?.state}
            data-testid="group-retry"
          >
            ↻ {retryText(group.retry)}
            {retry && retry.executions > 0 && (
              <span className="group-retry-attempt"> · attempt {retry.executions}</span>
            )}
          </span>
        )}
        {run && <GroupRun summary={run} />}
        <ProblemBadge problems={problems} />
      </div>
      {group.children.length === 0 && <div className="group-empty">Drop task kinds here</div>}
      {!isRoot && <Handle type="source" position={Position.Right} className="node-handle" />}
    </div>
  );
});
