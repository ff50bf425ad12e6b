import { useState } from 'react';
import type { RunSummaryData } from '../../../app/contract/results';
import { useHostStore } from '../../state/host';
import { deleteRuns, openRun, rerun, resumeRun, setView, useRuns } from '../../state/runs';
import { CompareView } from './CompareView';
import { HistoryFilters } from './HistoryFilters';
import { KeepHistory } from './KeepHistory';
import { RunsTable, type RunActions } from './RunsTable';
import { useNow } from './time';
import { useRunPage, useSettled, type RunPage } from './use-run-page';

/** How long the flow filter waits for typing to pause before it asks the host. */
export const FLOW_FILTER_DELAY_MS = 300;

type Selection = ReadonlyMap<string, RunSummaryData>;

/** Why Compare is not possible for these selected runs, or undefined when it is. */
export function compareBlocker(selected: Selection): string | undefined {
  const runs = [...selected.values()];
  if (runs.length !== 2)
    return `Select two runs of the same flow to compare them (${String(runs.length)} selected)`;
  const [a, b] = runs as [RunSummaryData, RunSummaryData];
  if (a.flow !== b.flow) return `Only runs of the same flow can be compared (“${a.flow}” and “${b.flow}”)`;
  return undefined;
}

/** The two selected runs, the older first. */
function inOrder(selected: Selection): [string, string] {
  const [a, b] = [...selected.values()].sort((x, y) => x.createdAt.localeCompare(y.createdAt));
  return [a?.id ?? '', b?.id ?? ''];
}

function countText(page: RunPage): string {
  if (page.runs.length === 0) return page.loading ? 'Loading…' : 'No runs';
  return `Showing ${String(page.start + 1)}–${String(page.start + page.runs.length)}`;
}

function EmptyState({
  filtered,
  pageIndex,
  onClear,
}: {
  readonly filtered: boolean;
  readonly pageIndex: number;
  readonly onClear: () => void;
}) {
  if (pageIndex > 0) {
    return (
      <div className="hist-empty" data-testid="history-empty">
        No more matching runs here. Older ones may be on the next page.
      </div>
    );
  }
  if (filtered) {
    return (
      <div className="hist-empty" data-testid="history-empty">
        <p>No runs match these filters.</p>
        <button type="button" className="hist-button" onClick={onClear}>
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="hist-empty" data-testid="history-empty">
      <p className="hist-empty-title">No runs yet</p>
      <p>Runs appear here after you press Run in the Design view, with their state, engine and timing.</p>
      <button
        type="button"
        className="hist-button"
        onClick={() => {
          setView('design');
        }}
      >
        Go to the Design view
      </button>
    </div>
  );
}

/**
 * The run history: past and running runs newest first, a page at a time,
 * filtered by flow, state and engine; each can be opened on its flow, run
 * again, resumed or deleted, and two runs of a flow compared.
 */
export function HistoryView() {
  const [flowText, setFlowText] = useState('');
  const [state, setState] = useState('');
  const [engine, setEngine] = useState('');
  const settledFlow = useSettled(flowText.trim(), FLOW_FILTER_DELAY_MS);
  // Clearing the box shows every flow at once; a name waits for typing to pause.
  const flow = flowText.trim() === '' ? '' : settledFlow;
  const [selected, setSelected] = useState<Selection>(new Map());
  const [comparing, setComparing] = useState<readonly [string, string] | undefined>(undefined);
  const page = useRunPage({ flow, state, engine }, comparing === undefined);
  const busy = useRuns((s) => s.busy !== undefined);
  const connecting = useHostStore((s) => s.connection.status === 'connecting');
  const now = useNow(30_000);

  const filtered = flow !== '' || state !== '' || engine !== '';
  const clearFilters = () => {
    setFlowText('');
    setState('');
    setEngine('');
  };

  const select = (runs: readonly RunSummaryData[], on: boolean) => {
    setSelected((prev) => {
      const next = new Map(prev);
      for (const run of runs) {
        if (on) next.set(run.id, run);
        else next.delete(run.id);
      }
      return next;
    });
  };

  const remove = (runs: readonly RunSummaryData[]) => {
    void deleteRuns(runs.map((r) => r.id)).then((deleted) => {
      if (deleted === 0) return;
      // Those that could not be deleted were named in a notice; the page shows what is left.
      select(runs, false);
      page.refresh();
    });
  };

  const actions: RunActions = {
    open: (run) => void openRun(run.id),
    rerun: (run) => void rerun(run.id),
    resume: (run) => void resumeRun(run.id),
    remove: (run) => {
      remove([run]);
    },
    toggle: (run, on) => {
      select([run], on);
    },
    toggleAll: (on) => {
      select(page.runs, on);
    },
  };

  if (comparing) {
    return (
      <section className="history-view" data-testid="history" aria-label="Run history">
        <CompareView
          runIds={comparing}
          onBack={() => {
            setComparing(undefined);
          }}
        />
      </section>
    );
  }

  const blocker = compareBlocker(selected);
  const seenFlows = [...new Set(page.runs.map((r) => r.flow))];
  const problem = page.offline ?? page.error;

  return (
    <section className="history-view" data-testid="history" aria-label="Run history">
      <header className="hist-header">
        <h1 className="hist-title">Run history</h1>
        <HistoryFilters
          flowText={flowText}
          state={state}
          engine={engine}
          seenFlows={seenFlows}
          loading={page.loading}
          onFlowText={setFlowText}
          onState={setState}
          onEngine={setEngine}
          onRefresh={page.refresh}
          onClear={clearFilters}
        />
      </header>
      <div className="hist-toolbar">
        <button
          type="button"
          className="hist-button"
          data-testid="history-compare"
          disabled={blocker !== undefined}
          title={blocker ?? 'Compare the two selected runs atom by atom'}
          onClick={() => {
            setComparing(inOrder(selected));
          }}
        >
          Compare
        </button>
        <button
          type="button"
          className="hist-button hist-button-danger"
          data-testid="history-delete-selected"
          disabled={selected.size === 0}
          title={selected.size === 0 ? 'Select runs to delete them' : 'Delete the selected runs'}
          onClick={() => {
            remove([...selected.values()]);
          }}
        >
          Delete selected
        </button>
        {selected.size > 0 && (
          <span className="hist-selection" data-testid="history-selection">
            {selected.size} selected
            <button
              type="button"
              className="hist-link"
              onClick={() => {
                setSelected(new Map());
              }}
            >
              Clear
            </button>
          </span>
        )}
        <KeepHistory onPruned={page.refresh} />
        <span className="hist-spacer" />
        {page.loading && <span className="hist-progress" role="progressbar" aria-label="Loading runs" />}
        <span className="hist-count" data-testid="history-count" aria-live="polite">
          {countText(page)}
        </span>
        <div className="hist-pager" role="group" aria-label="Pages">
          <button
            type="button"
            className="hist-button"
            data-testid="history-prev"
            disabled={!page.hasPrev}
            onClick={page.prev}
            aria-label="Previous page (newer runs)"
          >
            ‹ Previous
          </button>
          <button
            type="button"
            className="hist-button"
            data-testid="history-next"
            disabled={!page.hasNext}
            onClick={page.next}
            aria-label="Next page (older runs)"
          >
            Next ›
          </button>
        </div>
      </div>
      {problem !== undefined && (
        <div
          // Connecting is a wait, not a failure.
          className={`hist-message${connecting ? '' : ' hist-message-error'}`}
          role={connecting ? 'status' : 'alert'}
          data-testid="history-error"
        >
          <span>{page.offline ?? `Could not list runs: ${problem}`}</span>
          {page.offline === undefined && (
            <button type="button" className="hist-button" onClick={page.refresh}>
              Retry
            </button>
          )}
        </div>
      )}
      <div className="hist-table-area">
        <RunsTable
          runs={page.runs}
          selected={new Set(selected.keys())}
          actions={actions}
          busy={busy}
          stale={page.stale}
          loading={page.loading}
          now={now}
        />
        {page.runs.length === 0 && page.answered && page.error === undefined && (
          <EmptyState filtered={filtered} pageIndex={page.pageIndex} onClear={clearFilters} />
        )}
        {page.runs.length === 0 && !page.answered && page.loading && (
          <p className="hist-empty hist-loading" role="status">
            Loading runs…
          </p>
        )}
      </div>
    </section>
  );
}
