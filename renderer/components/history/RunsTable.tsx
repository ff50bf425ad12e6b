import type { KeyboardEvent } from 'react';
import type { RunSummaryData } from '../../../app/contract/results';
import { formatDuration, RUN_LOOKS } from '../../run/looks';
import { StateBadge } from './StateBadge';
import { formatFull, formatStarted } from './time';
import { isGoing, shownState } from './use-run-page';

/** What a person can do with a row. */
export interface RunActions {
  readonly open: (run: RunSummaryData) => void;
  readonly rerun: (run: RunSummaryData) => void;
  readonly resume: (run: RunSummaryData) => void;
  readonly remove: (run: RunSummaryData) => void;
  readonly toggle: (run: RunSummaryData, selected: boolean) => void;
  readonly toggleAll: (selected: boolean) => void;
}

interface RunsTableProps {
  readonly runs: readonly RunSummaryData[];
  readonly selected: ReadonlySet<string>;
  readonly actions: RunActions;
  /** A run command (open, rerun, resume) is under way: the others wait. */
  readonly busy: boolean;
  /** The rows are of a page or filter no longer asked for (the new one is loading). */
  readonly stale: boolean;
  readonly loading: boolean;
  readonly now: number;
}

/** Whether a run can be resumed: suspended, or left running by a host that is gone. */
export function canResume(run: RunSummaryData): boolean {
  return run.interrupted === true || run.state === 'SUSPENDED';
}

function durationText(run: RunSummaryData): string {
  if (run.durationMs !== undefined) return formatDuration(run.durationMs);
  return isGoing(run) ? 'running…' : '—';
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Moves focus to the row above or below, as a list box would. */
function focusSibling(row: HTMLElement, down: boolean): void {
  const next = down ? row.nextElementSibling : row.previousElementSibling;
  if (next instanceof HTMLElement) next.focus();
}

/** The runs of one page: one row per run, with its state, timing and actions. */
export function RunsTable({ runs, selected, actions, busy, stale, loading, now }: RunsTableProps) {
  const selectedHere = runs.filter((r) => selected.has(r.id)).length;
  const allHere = runs.length > 0 && selectedHere === runs.length;

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, run: RunSummaryData) => {
    // Keys typed in the row's own buttons and checkbox are theirs.
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!busy) actions.open(run);
    } else if (e.key === ' ') {
      e.preventDefault();
      actions.toggle(run, !selected.has(run.id));
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusSibling(e.currentTarget, e.key === 'ArrowDown');
    } else if (e.key === 'Delete') {
      e.preventDefault();
      actions.remove(run);
    }
  };

  return (
    <table className={`hist-table${stale ? ' is-stale' : ''}`} aria-label="Runs" aria-busy={loading}>
      <colgroup>
        <col className="hist-col-select" />
        <col className="hist-col-state" />
        <col className="hist-col-flow" />
        <col className="hist-col-engine" />
        <col className="hist-col-started" />
        <col className="hist-col-duration" />
        <col className="hist-col-id" />
        <col className="hist-col-actions" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col" className="hist-cell-select">
            <input
              type="checkbox"
              aria-label="Select all runs on this page"
              data-testid="history-select-all"
              checked={allHere}
              ref={(el) => {
                // Some but not all: the box says so (a DOM-only property).
                if (el) el.indeterminate = selectedHere > 0 && !allHere;
              }}
              disabled={runs.length === 0}
              onChange={(e) => {
                actions.toggleAll(e.target.checked);
              }}
            />
          </th>
          <th scope="col">State</th>
          <th scope="col">Flow</th>
          <th scope="col">Engine</th>
          <th scope="col">Started</th>
          <th scope="col" className="hist-num">
            Duration
          </th>
          <th scope="col">Run</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const state = shownState(run);
          const isSelected = selected.has(run.id);
          const short = shortId(run.id);
          return (
            <tr
              key={run.id}
              className={`hist-row${isSelected ? ' is-selected' : ''}`}
              data-testid="history-row"
              data-run-id={run.id}
              data-state={state}
              tabIndex={0}
              aria-label={`Run ${short} of ${run.flow}, ${RUN_LOOKS[state].label}`}
              onDoubleClick={(e) => {
                if ((e.target as HTMLElement).closest('button, input')) return;
                if (!busy) actions.open(run);
              }}
              onKeyDown={(e) => {
                onRowKey(e, run);
              }}
            >
              <td className="hist-cell-select">
                <input
                  type="checkbox"
                  data-testid="history-select"
                  aria-label={`Select run ${short}`}
                  checked={isSelected}
                  onChange={(e) => {
                    actions.toggle(run, e.target.checked);
                  }}
                />
              </td>
              <td>
                <StateBadge
                  look={RUN_LOOKS[state]}
                  {...(run.interrupted === true
                    ? { title: 'Left running by a host that is gone: it can be resumed' }
                    : {})}
                />
              </td>
              <td className="hist-flow" title={run.flow}>
                {run.flow}
              </td>
              <td className="hist-engine">{run.engine ?? '—'}</td>
              <td className="hist-started" title={formatFull(run.createdAt)}>
                <time dateTime={run.createdAt}>{formatStarted(run.createdAt, now)}</time>
              </td>
              <td className="hist-num hist-duration">{durationText(run)}</td>
              <td className="hist-id" title={run.id}>
                {short}
              </td>
              <td className="hist-actions">
                <button
                  type="button"
                  className="hist-action"
                  data-testid="history-open"
                  disabled={busy}
                  title="Open this run on its flow in the Design view (double-click or Enter on the row)"
                  aria-label={`Open run ${short}`}
                  onClick={() => {
                    actions.open(run);
                  }}
                >
                  Open
                </button>
                <button
                  type="button"
                  className="hist-action"
                  data-testid="history-rerun"
                  disabled={busy}
                  title="Run this flow again with the same inputs and engine"
                  aria-label={`Rerun run ${short}`}
                  onClick={() => {
                    actions.rerun(run);
                  }}
                >
                  Rerun
                </button>
                {canResume(run) && (
                  <button
                    type="button"
                    className="hist-action hist-action-resume"
                    data-testid="history-resume"
                    disabled={busy}
                    title="Go on from where it stopped (finished tasks are not run again)"
                    aria-label={`Resume run ${short}`}
                    onClick={() => {
                      actions.resume(run);
                    }}
                  >
                    Resume
                  </button>
                )}
                <button
                  type="button"
                  className="hist-action hist-action-danger"
                  data-testid="history-delete"
                  title="Delete this run from the history"
                  aria-label={`Delete run ${short}`}
                  onClick={() => {
                    actions.remove(run);
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
