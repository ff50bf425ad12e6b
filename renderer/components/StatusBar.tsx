import type { Connection } from '../state/host';
import { useHostStore } from '../state/host';
import { Icon } from './Icon';

function connectionText(connection: Connection): string {
  switch (connection.status) {
    case 'connecting':
      return connection.attempt > 1 ? 'Reconnecting to the host…' : 'Connecting to the host…';
    case 'connected':
      return `Connected to ${connection.host.label}`;
    case 'disconnected': {
      const retry =
        connection.retryInMs === undefined
          ? ''
          : ` · retrying in ${Math.ceil(connection.retryInMs / 1000)} s`;
      return `Disconnected: ${connection.reason}${retry}`;
    }
  }
}

function KindsCount() {
  const kinds = useHostStore((s) => s.kinds);
  const error = useHostStore((s) => s.kindsError);
  const connected = useHostStore((s) => s.connection.status === 'connected');
  if (error !== undefined && connected) {
    return (
      <span className="status-item status-warning" title={error} data-testid="kinds">
        Task kinds unavailable
      </span>
    );
  }
  if (kinds === undefined) return null;
  const title = kinds.map((k) => (k.description === '' ? k.kind : `${k.kind} — ${k.description}`)).join('\n');
  return (
    <span className="status-item" title={title} data-testid="kinds">
      <Icon name="kinds" />
      {kinds.length} task {kinds.length === 1 ? 'kind' : 'kinds'}
    </span>
  );
}

/** The bottom bar: how the host connection stands, and what the host offers. */
export function StatusBar() {
  const connection = useHostStore((s) => s.connection);
  return (
    <footer className="statusbar">
      <span
        className={`status-item connection connection-${connection.status}`}
        role="status"
        data-testid="connection"
        data-status={connection.status}
      >
        <span className="connection-dot" aria-hidden="true" />
        {connectionText(connection)}
      </span>
      <span className="statusbar-spacer" />
      <KindsCount />
    </footer>
  );
}
