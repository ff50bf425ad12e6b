/**
 * The run bar's engine: serial, parallel (with how many tasks at once) or
 * worker-based (with the broker, its exchange and the workers listening
 * there, counted live).
 */
import { useEffect, useRef, useState } from 'react';
import { useHostStore } from '../../state/host';
import { ENGINE_KINDS, refreshWorkers, setSettings, useRuns, type EngineKind } from '../../state/runs';

const ENGINE_LABELS: Readonly<Record<EngineKind, string>> = {
  serial: 'Serial',
  parallel: 'Parallel',
  'worker-based': 'Worker-based',
};

const POLL_MS = 5_000;
const EDIT_DEBOUNCE_MS = 600;
const MAX_WORKERS = 1024;

/** Tasks at once: the typed text is kept while it is not a number from 1 to 1024, and saved once it is. */
function MaxWorkers() {
  const saved = useRuns((s) => s.settings.maxWorkers);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const text = draft ?? String(saved);
  const n = Number(text);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS;
  return (
    <label className="runbar-field" title="Tasks run at once (1–1024)">
      <span className="runbar-field-label">Workers</span>
      <input
        type="number"
        className={`runbar-input runbar-number${valid ? '' : ' is-invalid'}`}
        min={1}
        max={MAX_WORKERS}
        step={1}
        value={text}
        aria-invalid={!valid}
        data-testid="max-workers"
        onChange={(e) => {
          const value = e.target.value;
          setDraft(value);
          const v = Number(value);
          if (Number.isInteger(v) && v >= 1 && v <= MAX_WORKERS) setSettings({ maxWorkers: v });
        }}
        onBlur={() => {
          // Back to what is saved (the last valid number).
          setDraft(undefined);
        }}
      />
    </label>
  );
}

/** How many workers the broker knows of: "● 2 workers", "no workers", or why it cannot tell. */
function WorkerCount() {
  const workers = useRuns((s) => s.workers);
  const { count, error } = workers;
  const known = error === undefined && count !== undefined;
  let text: string;
  let tone: string;
  if (error !== undefined) {
    text = '⚠ broker unreachable';
    tone = 'is-error';
  } else if (count === undefined) {
    text = 'checking…';
    tone = 'is-unknown';
  } else if (count === 0) {
    text = 'no workers';
    tone = 'is-none';
  } else {
    text = `● ${String(count)} worker${count === 1 ? '' : 's'}`;
    tone = 'is-some';
  }
  const at = workers.at === undefined ? '' : ` (checked ${new Date(workers.at).toLocaleTimeString()})`;
  return (
    <span
      className={`worker-count ${tone}`}
      data-testid="worker-count"
      data-count={known ? count : undefined}
      title={error ?? (known ? `Workers listening on the exchange${at}` : 'Asking the broker…')}
      role="status"
    >
      {text}
    </span>
  );
}

/** Broker URL and exchange; the workers are counted again a moment after an edit, and every 5 s. */
function BrokerFields() {
  const url = useRuns((s) => s.settings.url);
  const exchange = useRuns((s) => s.settings.exchange);
  const design = useRuns((s) => s.view === 'design');
  const connected = useHostStore((s) => s.connection.status === 'connected');
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!design || !connected) return;
    void refreshWorkers();
    const timer = setInterval(() => void refreshWorkers(), POLL_MS);
    return () => {
      clearInterval(timer);
    };
  }, [design, connected]);

  useEffect(
    () => () => {
      clearTimeout(debounce.current);
    },
    [],
  );

  const edited = (): void => {
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => void refreshWorkers(), EDIT_DEBOUNCE_MS);
  };

  return (
    <>
      <input
        type="text"
        className="runbar-input runbar-url"
        value={url}
        placeholder="amqp://user:password@host:5672"
        aria-label="Broker URL"
        title="The AMQP broker the workers listen on"
        spellCheck={false}
        data-testid="broker-url"
        onChange={(e) => {
          setSettings({ url: e.target.value });
          edited();
        }}
      />
      <input
        type="text"
        className="runbar-input runbar-exchange"
        value={exchange}
        placeholder="exchange"
        aria-label="Exchange"
        title="The exchange the workers listen on"
        spellCheck={false}
        data-testid="broker-exchange"
        onChange={(e) => {
          setSettings({ exchange: e.target.value });
          edited();
        }}
      />
      <WorkerCount />
    </>
  );
}

/** The engine select and the options of the chosen engine. */
export function EngineControls() {
  const engine = useRuns((s) => s.settings.engine);
  return (
    <div className="runbar-engine">
      <label className="runbar-field">
        <span className="runbar-field-label">Engine</span>
        <select
          className="runbar-input runbar-select"
          value={engine}
          data-testid="engine-select"
          onChange={(e) => {
            setSettings({ engine: e.target.value as EngineKind });
          }}
        >
          {ENGINE_KINDS.map((k) => (
            <option key={k} value={k}>
              {ENGINE_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {engine === 'parallel' && <MaxWorkers />}
      {engine === 'worker-based' && <BrokerFields />}
    </div>
  );
}
