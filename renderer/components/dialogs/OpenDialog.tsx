import { useCallback, useEffect, useRef, useState } from 'react';
import { useDesigner } from '../../state/designer';
import { deleteSaved, listSaved, openSaved } from '../../state/files';
import { modKey } from '../../state/shortcuts';
import { closeDialog } from '../../state/ui';
import { Modal } from './Modal';

type Saved = Awaited<ReturnType<typeof listSaved>>[number];

type Listing =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly reason: string }
  | { readonly status: 'ready'; readonly documents: readonly Saved[]; readonly at: number };

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the local date. */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${String(minutes)} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${String(hours)} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${String(days)} days ago`;
  return new Date(then).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "812 B", "4.2 KB", "1.3 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function TrashIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
    </svg>
  );
}

/** Open flow: the flows saved in the app's database, to open or delete. */
export function OpenDialog() {
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [filter, setFilter] = useState('');
  const current = useDesigner((s) => s.savedAs);
  const filterBox = useRef<HTMLInputElement>(null);
  const ticket = useRef(0);

  const load = useCallback(() => {
    const mine = ++ticket.current;
    listSaved().then(
      (documents) => {
        if (mine !== ticket.current) return;
        const sorted = [...documents].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
        setListing({ status: 'ready', documents: sorted, at: Date.now() });
      },
      (e: unknown) => {
        if (mine === ticket.current) setListing({ status: 'error', reason: reason(e) });
      },
    );
  }, []);

  useEffect(() => {
    const tickets = ticket;
    load();
    return () => {
      // Answers that arrive after the dialog closed are dropped.
      tickets.current++;
    };
  }, [load]);

  const open = (name: string) => {
    void openSaved(name).then((done) => {
      if (done) closeDialog();
    });
  };
  const remove = (name: string) => {
    void deleteSaved(name).then((done) => {
      if (done) load();
    });
  };

  const q = filter.trim().toLowerCase();
  const shown =
    listing.status === 'ready' ? listing.documents.filter((d) => d.name.toLowerCase().includes(q)) : [];

  let body;
  if (listing.status === 'loading') {
    body = (
      <p className="dlg-state" role="status">
        Loading saved flows…
      </p>
    );
  } else if (listing.status === 'error') {
    body = (
      <div className="dlg-state dlg-state-error" role="alert">
        <span>Could not list saved flows: {listing.reason}</span>
        <button
          type="button"
          className="dlg-button dlg-button-small"
          onClick={() => {
            setListing({ status: 'loading' });
            load();
          }}
        >
          Retry
        </button>
      </div>
    );
  } else if (listing.documents.length === 0) {
    body = (
      <p className="dlg-state">No saved flows yet — Save ({modKey()}+S) keeps the flow on the canvas here</p>
    );
  } else {
    body =
      shown.length === 0 ? (
        <p className="dlg-state">No saved flow matches “{filter.trim()}”</p>
      ) : (
        <ul className="dlg-rows" aria-label="Saved flows">
          {shown.map((d) => (
            <li
              key={d.name}
              className="dlg-row"
              data-testid={`open-row-${d.name}`}
              onDoubleClick={(e) => {
                if ((e.target as HTMLElement).closest('button')) return;
                open(d.name);
              }}
            >
              <span className="dlg-row-main">
                <span className="dlg-row-name">
                  {d.name}
                  {d.name === current && <span className="dlg-tag">current</span>}
                </span>
                <span className="dlg-row-meta">
                  <span title={new Date(d.updatedAt).toLocaleString()}>
                    updated {relativeTime(d.updatedAt, listing.at)}
                  </span>
                  <span aria-hidden="true">·</span>
                  <span>{formatSize(d.bytes)}</span>
                </span>
              </span>
              <span className="dlg-row-actions">
                <button
                  type="button"
                  className="dlg-icon-button dlg-icon-danger"
                  aria-label={`Delete ${d.name}`}
                  title={`Delete ${d.name}`}
                  onClick={() => {
                    remove(d.name);
                  }}
                >
                  <TrashIcon />
                </button>
                <button
                  type="button"
                  className="dlg-button dlg-button-small dlg-button-primary"
                  aria-label={`Open ${d.name}`}
                  onClick={() => {
                    open(d.name);
                  }}
                >
                  Open
                </button>
              </span>
            </li>
          ))}
        </ul>
      );
  }

  return (
    <Modal
      title="Open flow"
      subtitle="Flows saved in this app’s database."
      onClose={closeDialog}
      size="md"
      initialFocus={filterBox}
      testId="open-dialog"
    >
      <input
        ref={filterBox}
        type="search"
        className="dlg-filter"
        aria-label="Filter saved flows"
        placeholder="Filter by name…"
        spellCheck={false}
        autoComplete="off"
        value={filter}
        onChange={(e) => {
          setFilter(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && filter !== '') {
            e.stopPropagation();
            setFilter('');
          } else if (e.key === 'Enter' && shown[0] && q !== '') {
            // Enter opens the first flow the filter leaves.
            e.preventDefault();
            open(shown[0].name);
          }
        }}
      />
      <div className="dlg-list-area">{body}</div>
    </Modal>
  );
}
