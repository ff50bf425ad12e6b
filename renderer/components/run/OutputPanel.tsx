/**
 * The run dock's Output tab: the run's summary at the left; at the right the
 * selected node's output, or, with nothing selected, every task's output
 * lines merged by time.
 */
import { useMemo } from 'react';
import { select, useDesigner } from '../../state/designer';
import { useRuns } from '../../state/runs';
import { nodeOfAtom } from '../canvas/group-summary';
import { LogLines, mergeLogs } from './LogLines';
import { NodeOutput } from './NodeOutput';
import { RunSummary } from './RunSummary';

const NO_LOGS = {};

/** All output of the run, newest last; a task's name selects it. */
function RunOutput() {
  const logs = useRuns((s) => s.live?.logs) ?? NO_LOGS;
  const merged = useMemo(() => mergeLogs(logs), [logs]);
  return (
    <div className="output-node">
      <header className="output-head">
        <span className="output-hint" data-testid="output-hint">
          Select a task to see its output
        </span>
        <span className="output-meta">
          all output · {merged.total} line{merged.total === 1 ? '' : 's'}
        </span>
      </header>
      <div className="output-body">
        <LogLines
          lines={merged.lines}
          total={merged.total}
          withName
          onName={(name) => {
            const id = nodeOfAtom(useDesigner.getState().index, name);
            if (id !== undefined) select([id]);
          }}
          empty="No output yet."
        />
      </div>
    </div>
  );
}

/** The Output tab (see the module comment). */
export function OutputPanel() {
  const shown = useRuns((s) => s.live !== undefined);
  const loc = useDesigner((s) => (s.selection[0] === undefined ? undefined : s.index.get(s.selection[0])));
  if (!shown) {
    return (
      <div className="output-panel" data-testid="output">
        <div className="output-placeholder">No run on the canvas.</div>
      </div>
    );
  }
  return (
    <div className="output-panel" data-testid="output">
      <RunSummary />
      <div className="output-main">{loc ? <NodeOutput key={loc.id} loc={loc} /> : <RunOutput />}</div>
    </div>
  );
}
