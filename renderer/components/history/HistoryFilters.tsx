import { useEffect, useId, useState } from 'react';
import { currentClient } from '../../state/connection';
import { useHostStore } from '../../state/host';
import { ENGINE_KINDS } from '../../state/runs';
import { RUN_LOOKS, type RunLookKey } from '../../run/looks';

/** The states the history can be narrowed to, in the order offered. */
export const STATE_CHOICES: readonly RunLookKey[] = [
  'SUCCESS',
  'REVERTED',
  'FAILURE',
  'RUNNING',
  'SUSPENDED',
  'CANCELLED',
  'INTERRUPTED',
  'PENDING',
];

interface HistoryFiltersProps {
  /** The flow name as typed (applied by the view once typing pauses). */
  readonly flowText: string;
  readonly state: string;
  readonly engine: string;
  /** Flow names seen in the rows loaded, offered besides the saved flows. */
  readonly seenFlows: readonly string[];
  readonly loading: boolean;
  readonly onFlowText: (text: string) => void;
  readonly onState: (state: string) => void;
  readonly onEngine: (engine: string) => void;
  readonly onRefresh: () => void;
  readonly onClear: () => void;
}

/** The saved flows' names, for the flow filter's suggestions (none when they cannot be read). */
function useSavedFlowNames(): readonly string[] {
  const connected = useHostStore((s) => s.connection.status === 'connected');
  const [names, setNames] = useState<readonly string[]>([]);
  useEffect(() => {
    const client = currentClient();
    if (!connected || !client) return;
    let dropped = false;
    client.call('documents.list', {}).then(
      (r) => {
        if (!dropped) setNames(r.documents.map((d) => d.name));
      },
      () => {
        // Only suggestions: the filter works without them.
      },
    );
    return () => {
      dropped = true;
    };
  }, [connected]);
  return names;
}

/** A filter offering "All" and its choices. */
function FilterSelect(props: {
  readonly label: string;
  readonly testId: string;
  readonly value: string;
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  readonly onChange: (value: string) => void;
}) {
  return (
    <label className="hist-field">
      <span className="hist-field-label">{props.label}</span>
      <select
        className="hist-select"
        data-testid={props.testId}
        value={props.value}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      >
        <option value="">All</option>
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The history's filters: flow (exact name, with suggestions), state, engine, and Refresh. */
export function HistoryFilters(props: HistoryFiltersProps) {
  const { flowText, state, engine, seenFlows, loading } = props;
  const saved = useSavedFlowNames();
  const listId = useId();
  const suggestions = [...new Set([...saved, ...seenFlows])].sort((a, b) => a.localeCompare(b));
  const filtered = flowText.trim() !== '' || state !== '' || engine !== '';

  return (
    <div className="hist-filters" role="search" aria-label="Filter runs">
      <label className="hist-field hist-field-flow">
        <span className="hist-field-label">Flow</span>
        <input
          type="search"
          className="hist-input"
          data-testid="history-filter-flow"
          list={listId}
          placeholder="Any flow (exact name)"
          spellCheck={false}
          autoComplete="off"
          value={flowText}
          onChange={(e) => {
            props.onFlowText(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && flowText !== '') {
              e.preventDefault();
              props.onFlowText('');
            }
          }}
        />
        <datalist id={listId}>
          {suggestions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <FilterSelect
        label="State"
        testId="history-filter-state"
        value={state}
        choices={STATE_CHOICES.map((s) => ({ value: s, label: RUN_LOOKS[s].label }))}
        onChange={props.onState}
      />
      <FilterSelect
        label="Engine"
        testId="history-filter-engine"
        value={engine}
        choices={ENGINE_KINDS.map((k) => ({ value: k, label: k }))}
        onChange={props.onEngine}
      />
      {filtered && (
        <button type="button" className="hist-button hist-button-quiet" onClick={props.onClear}>
          Clear filters
        </button>
      )}
      <span className="hist-spacer" />
      <button
        type="button"
        className="hist-button"
        data-testid="history-refresh"
        title="Read this page again"
        aria-busy={loading}
        onClick={props.onRefresh}
      >
        <svg
          className={`hist-refresh-icon${loading ? ' is-spinning' : ''}`}
          viewBox="0 0 24 24"
          aria-hidden="true"
        >
          <path d="M3 12a9 9 0 0 1 15.5-6.2L21 8M21 3v5h-5M21 12a9 9 0 0 1-15.5 6.2L3 16M3 21v-5h5" />
        </svg>
        Refresh
      </button>
    </div>
  );
}
