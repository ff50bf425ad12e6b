import { useEffect, useState } from 'react';
import { dismissNotice, useDesigner } from '../state/designer';
import '../styles/panels.css';

/** How long a notice stays: errors twice as long as news. */
export const NOTICE_MS = { info: 4000, error: 8000 } as const;

/** The latest notice, at the bottom centre; it goes by itself (not while the pointer is on it), or with ×. */
export function NoticeToast() {
  const notice = useDesigner((s) => s.notice);
  const [hovered, setHovered] = useState(false);
  const id = notice?.id;
  const kind = notice?.kind;

  useEffect(() => {
    if (id === undefined || kind === undefined || hovered) return;
    const timer = setTimeout(() => {
      // Only this notice: a newer one has its own time.
      if (useDesigner.getState().notice?.id === id) dismissNotice();
    }, NOTICE_MS[kind]);
    return () => {
      clearTimeout(timer);
    };
  }, [id, kind, hovered]);

  return (
    <div className="toast-region" role="status" aria-live={kind === 'error' ? 'assertive' : 'polite'}>
      {notice && (
        <div
          key={notice.id}
          className={`toast toast-${notice.kind}`}
          data-testid="notice"
          data-kind={notice.kind}
          onMouseEnter={() => {
            setHovered(true);
          }}
          onMouseLeave={() => {
            setHovered(false);
          }}
        >
          <svg className="toast-icon" viewBox="0 0 24 24" aria-hidden="true">
            {notice.kind === 'error' ? (
              <>
                <circle cx="12" cy="12" r="8.5" />
                <path d="M12 7.5v5.5M12 16.4v.1" />
              </>
            ) : (
              <>
                <circle cx="12" cy="12" r="8.5" />
                <path d="M12 11v5M12 7.6v.1" />
              </>
            )}
          </svg>
          <span className="toast-text">{notice.text}</span>
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss"
            onClick={() => {
              setHovered(false);
              dismissNotice();
            }}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M7 7l10 10M17 7 7 17" />
            </svg>
          </button>
        </div>
      )}
    </div>
  );
}
