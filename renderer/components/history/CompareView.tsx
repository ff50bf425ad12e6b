import { useEffect, useState } from 'react';
import type { AtomViewData, RunViewData } from '../../../app/contract/results';
import { ATOM_LOOKS, formatDuration, RUN_LOOKS } from '../../run/looks';
import { currentClient } from '../../state/connection';
import { compareAtoms, formatDelta, longestDuration, type AtomComparison } from './compare';
import { StateBadge } from './StateBadge';
import { formatFull, formatStarted, reason, useNow } from './time';
import { ACTIVE_REFRESH_MS, isGoing, shownState } from './use-run-page';

type Order = 'flow' | 'change';

/** The latest answer; a failed refresh keeps the runs read before. */
interface Loaded {
  readonly key: string;
  readonly runs: { readonly a: RunViewData; readonly b: RunViewData } | undefined;
  readonly error: string | undefined;
}

/** Both runs in full, read again every few seconds while either is still going. */
function useBothRuns(
  a: string,
  b: string,
): { loaded: Loaded | undefined; loading: boolean; retry: () => void } {
  const [tick, setTick] = useState(0);
  const key = `${a}|${b}|${String(tick)}`;
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  useEffect(() => {
    let dropped = false;
    let again: ReturnType<typeof setTimeout> | undefined;
    const client = currentClient();
    const both = client
      ? Promise.all([client.call('runs.detail', { runId: a }), client.call('runs.detail', { runId: b })])
      : Promise.reject(new Error('Not connected to the host'));
    both.then(
      ([runA, runB]) => {
        if (dropped) return;
        setLoaded({ key, runs: { a: runA, b: runB }, error: undefined });
        if (isGoing(runA) || isGoing(runB)) {
          again = setTimeout(() => {
            setTick((t) => t + 1);
          }, ACTIVE_REFRESH_MS);
        }
      },
      (e: unknown) => {
        if (!dropped) setLoaded((prev) => ({ key, runs: prev?.runs, error: reason(e) }));
      },
    );
    return () => {
      dropped = true;
      clearTimeout(again);
    };
  }, [a, b, key]);
  return {
    loaded,
    loading: loaded?.key !== key,
    retry: () => {
      setTick((t) => t + 1);
    },
  };
}

function RunCard({
  label,
  run,
  now,
}: {
  readonly label: 'A' | 'B';
  readonly run: RunViewData;
  readonly now: number;
}) {
  const started = run.startedAt ?? run.createdAt;
  return (
    <section
      className="cmp-run"
      data-testid={`compare-run-${label.toLowerCase()}`}
      aria-label={`Run ${label}: ${run.id.slice(0, 8)}`}
    >
      <div className="cmp-run-head">
        <span className={`cmp-tag cmp-tag-${label.toLowerCase()}`}>{label}</span>
        <StateBadge look={RUN_LOOKS[shownState(run)]} />
        <span className="cmp-run-id" title={run.id}>
          {run.id.slice(0, 8)}
        </span>
      </div>
      <dl className="cmp-facts">
        <div>
          <dt>Engine</dt>
          <dd>{run.engine ?? '—'}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd title={formatFull(started)}>{formatStarted(started, now)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="hist-num">{run.durationMs !== undefined ? formatDuration(run.durationMs) : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}

function AtomState({ atom }: { readonly atom: AtomViewData | undefined }) {
  if (!atom) return <span className="cmp-absent">not in this run</span>;
  return (
    <span className="cmp-state">
      <StateBadge look={ATOM_LOOKS[atom.state]} />
      {atom.executions > 1 && (
        <span className="cmp-exec" title={`Executed ${String(atom.executions)} times`}>
          ×{atom.executions}
        </span>
      )}
    </span>
  );
}

/** A change worth a colour: a tenth or more, either way. */
function changeClass(row: Pick<AtomComparison, 'deltaMs' | 'deltaPct'>): string {
  if (row.deltaPct === undefined || Math.abs(row.deltaPct) < 10) return '';
  return row.deltaPct > 0 ? ' is-slower' : ' is-faster';
}

function widthOf(ms: number | undefined, scale: number): string {
  if (ms === undefined || scale <= 0) return '0%';
  return `${String(Math.max(0.5, (ms / scale) * 100))}%`;
}

function CompareTable({
  a,
  b,
  order,
}: {
  readonly a: RunViewData;
  readonly b: RunViewData;
  readonly order: Order;
}) {
  const rows = compareAtoms(a, b);
  const shown =
    order === 'change'
      ? [...rows].sort((x, y) => Math.abs(y.deltaMs ?? -1) - Math.abs(x.deltaMs ?? -1))
      : rows;
  const scale = longestDuration(rows);
  const totalDelta =
    a.durationMs !== undefined && b.durationMs !== undefined ? b.durationMs - a.durationMs : undefined;
  const totalPct =
    totalDelta !== undefined && a.durationMs !== undefined && a.durationMs > 0
      ? (totalDelta / a.durationMs) * 100
      : undefined;
  const differing = rows.filter((r) => r.differs).length;

  return (
    <>
      <p className="cmp-summary" data-testid="compare-summary">
        {rows.length} atoms
        {differing > 0 ? ` · ${String(differing)} in a different state` : ' · same states'}
        {' · whole run '}
        <span className={`hist-num${changeClass({ deltaMs: totalDelta, deltaPct: totalPct })}`}>
          {formatDelta(totalDelta, totalPct)}
        </span>
      </p>
      <div className="cmp-table-area">
        <table className="cmp-table" aria-label="Atoms of both runs">
          <colgroup>
            <col className="cmp-col-atom" />
            <col className="cmp-col-state" />
            <col className="cmp-col-dur" />
            <col className="cmp-col-state" />
            <col className="cmp-col-dur" />
            <col className="cmp-col-delta" />
            <col className="cmp-col-bars" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Atom</th>
              <th scope="col">
                <span className="cmp-tag cmp-tag-a">A</span> State
              </th>
              <th scope="col" className="hist-num">
                A time
              </th>
              <th scope="col">
                <span className="cmp-tag cmp-tag-b">B</span> State
              </th>
              <th scope="col" className="hist-num">
                B time
              </th>
              <th scope="col" className="hist-num">
                B − A
              </th>
              <th scope="col">
                <span className="visually-hidden">Durations on one scale</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr
                key={row.name}
                className={`cmp-row${row.differs ? ' is-different' : ''}`}
                data-testid="compare-row"
                data-atom={row.name}
                data-differs={row.differs}
              >
                <th scope="row" className="cmp-atom" title={row.name}>
                  {row.name}
                </th>
                <td className="cmp-state-a">
                  <AtomState atom={row.a} />
                </td>
                <td className="hist-num cmp-dur-a">{formatDuration(row.a?.durationMs)}</td>
                <td className="cmp-state-b">
                  <AtomState atom={row.b} />
                </td>
                <td className="hist-num cmp-dur-b">{formatDuration(row.b?.durationMs)}</td>
                <td className={`hist-num cmp-delta${changeClass(row)}`}>
                  {formatDelta(row.deltaMs, row.deltaPct)}
                </td>
                <td
                  className="cmp-bars"
                  title={`A ${formatDuration(row.a?.durationMs)} · B ${formatDuration(row.b?.durationMs)}`}
                >
                  <span className="cmp-bar cmp-bar-a" style={{ width: widthOf(row.a?.durationMs, scale) }} />
                  <span className="cmp-bar cmp-bar-b" style={{ width: widthOf(row.b?.durationMs, scale) }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

interface CompareViewProps {
  /** The two runs, the older first: differences read as "B since A". */
  readonly runIds: readonly [string, string];
  readonly onBack: () => void;
}

/** Two runs of one flow compared atom by atom: states, durations and their change. */
export function CompareView({ runIds, onBack }: CompareViewProps) {
  const [idA, idB] = runIds;
  const { loaded, loading, retry } = useBothRuns(idA, idB);
  const [order, setOrder] = useState<Order>('flow');
  const now = useNow(30_000);
  const runs = loaded?.runs;

  return (
    <div className="cmp" data-testid="compare" aria-busy={loading}>
      <header className="cmp-header">
        <button type="button" className="hist-button" data-testid="compare-back" onClick={onBack}>
          ← Back to runs
        </button>
        <h2 className="cmp-title">
          Compare runs
          {runs && (
            <>
              {' of '}
              <span className="cmp-flow">{runs.a.flow}</span>
            </>
          )}
        </h2>
        <span className="hist-spacer" />
        <label className="hist-field">
          <span className="hist-field-label">Order</span>
          <select
            className="hist-select"
            data-testid="compare-order"
            value={order}
            onChange={(e) => {
              setOrder(e.target.value === 'change' ? 'change' : 'flow');
            }}
          >
            <option value="flow">Flow order</option>
            <option value="change">Biggest change first</option>
          </select>
        </label>
      </header>
      {loaded?.error !== undefined && (
        <div className="hist-message hist-message-error" role="alert">
          <span>Could not read the runs: {loaded.error}</span>
          <button type="button" className="hist-button" onClick={retry}>
            Retry
          </button>
        </div>
      )}
      {loaded === undefined && (
        <p className="hist-message" role="status">
          Loading both runs…
        </p>
      )}
      {runs && (
        <>
          <div className="cmp-runs">
            <RunCard label="A" run={runs.a} now={now} />
            <RunCard label="B" run={runs.b} now={now} />
          </div>
          <CompareTable a={runs.a} b={runs.b} order={order} />
        </>
      )}
    </div>
  );
}
