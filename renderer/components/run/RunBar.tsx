import { useDesigner } from '../../state/designer';
import { useHostStore } from '../../state/host';
import { runBlocker } from '../../state/run';
import { startRun } from '../../state/runs';

/** The run bar (being built): Run, with the reason it is disabled. */
export function RunBar() {
  const blocker = useDesigner((s) => runBlocker(s, useHostStore.getState()));
  const connection = useHostStore((s) => s.connection);
  const reason = connection.status !== 'connected' ? 'Not connected to the host' : blocker;
  return (
    <div className="runbar">
      {reason !== undefined && <span data-testid="run-reason">{reason}</span>}
      <button type="button" disabled={reason !== undefined} onClick={() => void startRun()} data-testid="run">
        Run
      </button>
    </div>
  );
}
