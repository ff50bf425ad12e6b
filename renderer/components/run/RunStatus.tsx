/**
 * The run on the canvas, in one line at the run bar's right: its state, its
 * short id and engine, its time and how far it got.
 */
import { useMemo } from 'react';
import { useDesigner } from '../../state/designer';
import { useRuns, type RunsState } from '../../state/runs';
import { RUN_LOOKS, type RunLookKey } from '../../run/looks';
import { Elapsed } from '../canvas/Elapsed';
import { allTasks, countsLine, decodeSummary, encodeSummary, summarize } from '../canvas/group-summary';

const NO_TASKS: readonly string[] = [];

/** The key a run is looked up by in {@link RUN_LOOKS}: its state, or INTERRUPTED. */
export function runLookKey(s: Pick<RunsState, 'live' | 'info'>): RunLookKey | undefined {
  if (!s.live) return undefined;
  return s.info?.interrupted === true ? 'INTERRUPTED' : s.live.state;
}

/** The run's time: ticking from its first start while it goes, up to its end once it stopped. */
export function RunElapsed({ className, testId }: { readonly className?: string; readonly testId?: string }) {
  const startedAt = useRuns((s) => s.live?.startedAt);
  const stopped = useRuns((s) => s.live?.ended !== false || s.info?.interrupted === true);
  // Read only once stopped, so a going run's batches do not redraw this.
  const end = useRuns((s) =>
    s.live?.ended !== false || s.info?.interrupted === true
      ? (s.live?.endedAt ?? s.live?.lastEventAt)
      : undefined,
  );
  return <Elapsed className={className} testId={testId} start={startedAt} end={end} ticking={!stopped} />;
}

/** "12/40 done · 1 failed", over the flow's tasks; redrawn only when the counts change. */
export function useRunCounts(): { readonly line: string; readonly done: number } | undefined {
  const shown = useRuns((s) => s.live !== undefined);
  // Without a run, the designer's edits need not list the flow's tasks.
  const names = useDesigner((s) => (shown ? allTasks(s.index) : NO_TASKS));
  const key = useRuns((s) => (s.live ? encodeSummary(summarize(s.live, names, undefined)) : ''));
  return useMemo(() => {
    const summary = decodeSummary(key);
    return summary ? { line: countsLine(summary), done: summary.done } : undefined;
  }, [key]);
}

/** The status at the bar's right; nothing while no run is shown. */
export function RunStatus() {
  const key = useRuns(runLookKey);
  const runId = useRuns((s) => s.live?.runId);
  const engine = useRuns((s) => s.info?.engine);
  const busy = useRuns((s) => s.busy);
  const counts = useRunCounts();
  if (key === undefined || runId === undefined) return null;
  const look = RUN_LOOKS[key];
  return (
    <div
      className={`run-status run-${look.tone}`}
      data-testid="run-state"
      data-state={key}
      data-run-id={runId}
      data-done={counts?.done}
      title={`Run ${runId}`}
    >
      <span className="run-status-look">
        <span className="run-status-icon" aria-hidden="true">
          {look.icon}
        </span>
        <span className="run-status-label">
          {busy === undefined ? look.label : `${look.label} (${busy}…)`}
        </span>
      </span>
      <span className="run-status-id">{runId.slice(0, 8)}</span>
      {engine !== undefined && <span className="run-status-engine">{engine}</span>}
      <RunElapsed className="run-status-time" testId="run-elapsed" />
      {counts !== undefined && (
        <span className="run-status-counts" data-testid="run-counts">
          {counts.line}
        </span>
      )}
    </div>
  );
}
