/**
 * The run on the canvas at a glance, at the output panel's left: its state,
 * flow, engine, id and times, its tasks counted by state, and its failures
 * (a click on one selects the node it happened on).
 */
import { useMemo } from 'react';
import type { FailureData } from '../../../app/contract/results';
import type { LiveRun } from '../../run/live';
import { ATOM_LOOKS, RUN_LOOKS } from '../../run/looks';
import { select, useDesigner } from '../../state/designer';
import { useRuns } from '../../state/runs';
import {
  allTasks,
  decodeSummary,
  encodeSummary,
  nodeOfAtom,
  STATE_ORDER,
  summarize,
} from '../canvas/group-summary';
import { RunElapsed, runLookKey } from './RunStatus';

/**
 * The run's failures: the end event's list once it ended, and until then
 * the ones its atoms reported so far (execute failures, then revert failures).
 */
export function failuresOf(live: LiveRun): readonly FailureData[] {
  if (live.ended && live.failures.length > 0) return live.failures;
  const out: FailureData[] = [];
  for (const a of Object.values(live.atoms)) {
    if (a.failure) out.push(a.failure);
    if (a.revertFailure) out.push(a.revertFailure);
  }
  return out.length > 0 ? out : live.failures;
}

function Counts() {
  // Shown only with a run: the flow's tasks are listed once per index.
  const names = useDesigner((s) => allTasks(s.index));
  const key = useRuns((s) => (s.live ? encodeSummary(summarize(s.live, names, undefined)) : ''));
  const summary = useMemo(() => decodeSummary(key), [key]);
  if (!summary) return null;
  return (
    <div className="summary-counts" aria-label="Tasks by state">
      <span className="summary-done" data-testid="summary-done">
        {summary.done}/{summary.total} done
      </span>
      {STATE_ORDER.filter((s) => (summary.counts[s] ?? 0) > 0).map((s) => (
        <span
          key={s}
          className={`state-chip run-${ATOM_LOOKS[s].tone}`}
          data-testid={`summary-count-${s}`}
          data-count={summary.counts[s]}
          title={ATOM_LOOKS[s].label}
        >
          <span aria-hidden="true">{ATOM_LOOKS[s].icon}</span> {summary.counts[s]}{' '}
          {ATOM_LOOKS[s].label.toLowerCase()}
        </span>
      ))}
    </div>
  );
}

function Failures() {
  const live = useRuns((s) => s.live);
  const index = useDesigner((s) => s.index);
  const failures = useMemo(() => (live ? failuresOf(live) : []), [live]);
  if (failures.length === 0) return null;
  return (
    <div className="summary-failures">
      <div className="summary-heading">
        {failures.length} failure{failures.length === 1 ? '' : 's'}
      </div>
      <ul className="summary-failure-list">
        {failures.map((f, i) => {
          const id = nodeOfAtom(index, f.atom);
          return (
            <li key={`${f.atom}:${f.phase}:${String(i)}`}>
              <button
                type="button"
                className="summary-failure"
                disabled={id === undefined}
                title={`${f.type}: ${f.message}${id === undefined ? '' : `\n\nClick to select ${f.atom}`}`}
                data-testid="failure-row"
                data-atom={f.atom}
                onClick={() => {
                  if (id !== undefined) select([id]);
                }}
              >
                <span className="summary-failure-atom">
                  {f.atom}
                  {f.phase === 'revert' && <span className="summary-failure-phase"> (revert)</span>}
                </span>
                <span className="summary-failure-message">
                  {f.type}: {f.message}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The summary (see the module comment); nothing while no run is shown. */
export function RunSummary() {
  const key = useRuns(runLookKey);
  const info = useRuns((s) => s.info);
  const runId = useRuns((s) => s.live?.runId);
  const startedAt = useRuns((s) => s.live?.startedAt);
  if (key === undefined || runId === undefined) return null;
  const look = RUN_LOOKS[key];
  return (
    <section className="run-summary" data-testid="run-summary" aria-label="Run summary">
      <div className={`summary-state run-${look.tone}`} data-testid="summary-state" data-state={key}>
        <span aria-hidden="true">{look.icon}</span> {look.label}
      </div>
      <dl className="summary-facts">
        <dt>Flow</dt>
        <dd data-testid="summary-flow">{info?.flow || '—'}</dd>
        <dt>Engine</dt>
        <dd data-testid="summary-engine">{info?.engine ?? '—'}</dd>
        <dt>Run</dt>
        <dd className="summary-id" data-testid="summary-run-id" title={runId}>
          {runId}
        </dd>
        <dt>Started</dt>
        <dd data-testid="summary-started">
          {startedAt === undefined ? 'not yet' : new Date(startedAt).toLocaleString()}
        </dd>
        <dt>Duration</dt>
        <dd>
          <RunElapsed testId="summary-duration" />
        </dd>
      </dl>
      <Counts />
      <Failures />
    </section>
  );
}
