import { useState } from 'react';
import { setSettings, useRuns } from '../../state/runs';

/** A broker URL with its password hidden ("amqp://guest:***@host"). */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/**
 * Which broker and exchange are listed: the run bar's worker-based options,
 * shown with the password hidden and changed here for both places.
 */
export function BrokerSettings() {
  const { url, exchange } = useRuns((s) => s.settings);
  const [editing, setEditing] = useState<{ url: string; exchange: string } | undefined>(undefined);

  if (editing) {
    return (
      <form
        className="wrk-broker wrk-broker-form"
        aria-label="Broker"
        onSubmit={(e) => {
          e.preventDefault();
          setSettings({ url: editing.url.trim(), exchange: editing.exchange.trim() || exchange });
          setEditing(undefined);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            setEditing(undefined);
          }
        }}
      >
        <label className="hist-field">
          <span className="hist-field-label">Broker</span>
          <input
            className="hist-input wrk-url-input"
            data-testid="workers-url"
            value={editing.url}
            spellCheck={false}
            autoComplete="off"
            placeholder="amqp://user:password@host:5672"
            // The form opens to change the broker: start there.
            autoFocus
            onChange={(e) => {
              setEditing({ ...editing, url: e.target.value });
            }}
          />
        </label>
        <label className="hist-field">
          <span className="hist-field-label">Exchange</span>
          <input
            className="hist-input wrk-exchange-input"
            data-testid="workers-exchange"
            value={editing.exchange}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setEditing({ ...editing, exchange: e.target.value });
            }}
          />
        </label>
        <button type="submit" className="hist-button hist-button-primary" data-testid="workers-apply">
          Apply
        </button>
        <button
          type="button"
          className="hist-button hist-button-quiet"
          onClick={() => {
            setEditing(undefined);
          }}
        >
          Cancel
        </button>
      </form>
    );
  }

  return (
    <div className="wrk-broker" data-testid="workers-broker">
      <span className="hist-field-label">Broker</span>
      <code className="wrk-code" title="The run bar's worker-based broker">
        {url.trim() ? maskUrl(url.trim()) : 'the host’s default'}
      </code>
      <span className="hist-field-label">Exchange</span>
      <code className="wrk-code">{exchange.trim() || 'atomflow'}</code>
      <button
        type="button"
        className="hist-link"
        data-testid="workers-edit"
        title="These are the run bar's worker-based options: a change applies to runs too"
        onClick={() => {
          setEditing({ url, exchange });
        }}
      >
        Change…
      </button>
    </div>
  );
}
