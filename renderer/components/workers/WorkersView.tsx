import type { WorkerData } from '../../../app/contract/results';
import { useRuns } from '../../state/runs';
import { formatAgo, formatFull, formatStarted, useNow } from '../history/time';
import { BrokerSettings, maskUrl } from './BrokerSettings';
import { LIST_WAIT_MS, useWorkers } from './use-workers';

/** A worker not heard from for this many heartbeats is shown as silent. */
const SILENT_AFTER_HEARTBEATS = 3;

/** Workers in a stable order: by topic, then id. */
function sorted(workers: readonly WorkerData[]): WorkerData[] {
  return [...workers].sort((a, b) => a.topic.localeCompare(b.topic) || a.id.localeCompare(b.id));
}

function WorkerStatus({ worker, now }: { readonly worker: WorkerData; readonly now: number }) {
  if (worker.draining) {
    return (
      <span className="wrk-status" data-status="draining" title="Shutting down: it takes no new tasks">
        Draining
      </span>
    );
  }
  if (now - worker.lastSeen > SILENT_AFTER_HEARTBEATS * Math.max(worker.heartbeatMs, 1_000)) {
    return (
      <span className="wrk-status" data-status="silent" title="No heartbeat for several periods">
        Silent
      </span>
    );
  }
  return (
    <span className="wrk-status" data-status="ready">
      Ready
    </span>
  );
}

function WorkerRow({ worker, now }: { readonly worker: WorkerData; readonly now: number }) {
  return (
    <tr
      className="wrk-row"
      data-testid="worker-row"
      data-worker-id={worker.id}
      data-draining={worker.draining}
    >
      <td className="wrk-id" title={worker.id}>
        {worker.id}
      </td>
      <td className="wrk-topic">{worker.topic}</td>
      <td className="wrk-host" title={`${worker.host}, process ${String(worker.pid)}`}>
        {worker.host}:{worker.pid}
      </td>
      <td className="wrk-kinds">
        <ul className="wrk-chips" aria-label="Task kinds">
          {worker.kinds.map((kind) => (
            <li key={kind} className="wrk-chip">
              {kind}
            </li>
          ))}
        </ul>
      </td>
      <td className="hist-num">{worker.concurrency}</td>
      <td className="hist-num">{worker.load}</td>
      <td title={formatFull(worker.startedAt)}>{formatStarted(worker.startedAt, now)}</td>
      <td
        className="hist-num wrk-seen"
        data-testid="worker-seen"
        title={`${formatFull(worker.lastSeen)} · heartbeat every ${String(worker.heartbeatMs)} ms`}
      >
        {formatAgo(now - worker.lastSeen)}
      </td>
      <td>
        <WorkerStatus worker={worker} now={now} />
      </td>
    </tr>
  );
}

/**
 * The workers on the broker of the run bar's worker-based options: who
 * listens on which topic, what kinds each runs, and when it was last heard
 * from. Read again every few seconds while shown.
 */
export function WorkersView() {
  const { url, exchange } = useRuns((s) => s.settings);
  const listing = useWorkers(url, exchange);
  // Ticks each second so "last heartbeat" ages between listings.
  const now = useNow(1_000);
  const where = `${url.trim() ? maskUrl(url.trim()) : 'the host’s default broker'} (exchange “${exchange.trim() || 'atomflow'}”)`;
  const workers = listing.workers ? sorted(listing.workers) : undefined;

  return (
    <section className="workers-view" data-testid="workers" aria-label="Workers">
      <header className="hist-header">
        <h1 className="hist-title">Workers</h1>
        <BrokerSettings />
        <span className="hist-spacer" />
        {listing.at !== undefined && (
          <span className="hist-count" data-testid="workers-count" aria-live="polite">
            {workers ? `${String(workers.length)} worker${workers.length === 1 ? '' : 's'} · ` : ''}
            listed {formatAgo(now - listing.at)}
          </span>
        )}
        {listing.loading && (
          <span className="hist-progress" role="progressbar" aria-label="Listing workers" />
        )}
        <button
          type="button"
          className="hist-button"
          data-testid="workers-refresh"
          title="List the workers now"
          aria-busy={listing.loading}
          onClick={listing.refresh}
        >
          <svg
            className={`hist-refresh-icon${listing.loading ? ' is-spinning' : ''}`}
            viewBox="0 0 24 24"
            aria-hidden="true"
          >
            <path d="M3 12a9 9 0 0 1 15.5-6.2L21 8M21 3v5h-5M21 12a9 9 0 0 1-15.5 6.2L3 16M3 21v-5h5" />
          </svg>
          Refresh
        </button>
      </header>
      {(listing.offline ?? listing.error) !== undefined && (
        <div className="hist-message hist-message-error" role="alert" data-testid="workers-error">
          {listing.offline ?? `Could not list the workers on ${where}: ${listing.error ?? ''}`}
        </div>
      )}
      <div className="hist-table-area">
        <table className="hist-table wrk-table" aria-label="Workers" aria-busy={listing.loading}>
          <colgroup>
            <col className="wrk-col-id" />
            <col className="wrk-col-topic" />
            <col className="wrk-col-host" />
            <col className="wrk-col-kinds" />
            <col className="wrk-col-num" />
            <col className="wrk-col-num" />
            <col className="wrk-col-time" />
            <col className="wrk-col-time" />
            <col className="wrk-col-status" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Topic</th>
              <th scope="col">Host</th>
              <th scope="col">Kinds</th>
              <th scope="col" className="hist-num" title="Tasks it runs at once (its concurrency)">
                At once
              </th>
              <th scope="col" className="hist-num" title="Requests it holds for this listing client">
                Load
              </th>
              <th scope="col">Started</th>
              <th scope="col" className="hist-num">
                Last heartbeat
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {workers?.map((w) => (
              <WorkerRow key={w.id} worker={w} now={now} />
            ))}
          </tbody>
        </table>
        {workers?.length === 0 && (
          <div className="hist-empty" data-testid="workers-empty">
            <p className="hist-empty-title">No workers answered</p>
            <p>
              None answered on {where} within {(LIST_WAIT_MS / 1000).toFixed(1)} s. Start one with{' '}
              <code className="wrk-code">
                atomflow worker --amqp &lt;url&gt; --exchange {exchange.trim() || 'atomflow'}
              </code>
            </p>
          </div>
        )}
        {workers === undefined && listing.error === undefined && listing.offline === undefined && (
          <p className="hist-empty hist-loading" role="status">
            Asking the broker for its workers…
          </p>
        )}
      </div>
    </section>
  );
}
