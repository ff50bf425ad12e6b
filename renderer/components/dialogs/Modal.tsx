import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import '../../styles/panels.css';

const FOCUSABLE =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

export interface ModalProps {
  readonly title: string;
  /** Escape, a click on the overlay and the close button call it. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** Buttons at the bottom, right-aligned. */
  readonly footer?: ReactNode;
  /** A line under the title. */
  readonly subtitle?: ReactNode;
  readonly size?: 'sm' | 'md' | 'lg';
  /** What gets focus on open (else the first focusable element, else the dialog). */
  readonly initialFocus?: RefObject<HTMLElement | null>;
  /** Whether the header shows a close button (questions have their own Cancel). */
  readonly closeButton?: boolean;
  readonly role?: 'dialog' | 'alertdialog';
  readonly testId?: string;
}

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('inert'));
}

/** A dialog over the app: an overlay and a centred card; focus stays inside until it closes, then goes back. */
export function Modal({
  title,
  onClose,
  children,
  footer,
  subtitle,
  size = 'md',
  initialFocus,
  closeButton = true,
  role = 'dialog',
  testId,
}: ModalProps) {
  const titleId = useId();
  const card = useRef<HTMLDivElement>(null);
  const pressedOnOverlay = useRef(false);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const root = card.current;
    if (root) {
      const target = initialFocus?.current ?? focusables(root).find((el) => !el.dataset.modalClose) ?? root;
      target.focus();
    }
    return () => {
      if (before?.isConnected) before.focus();
    };
    // Focus moves in once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !card.current) return;
    const list = focusables(card.current);
    const first = list[0];
    const last = list.at(-1);
    if (!first || !last) {
      e.preventDefault();
      return;
    }
    if (e.shiftKey && (document.activeElement === first || document.activeElement === card.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dlg-overlay"
      data-testid={testId === undefined ? undefined : `${testId}-overlay`}
      onMouseDown={(e) => {
        pressedOnOverlay.current = e.target === e.currentTarget;
      }}
      onClick={(e) => {
        // A press that starts inside the card (selecting text) and ends outside does not close.
        if (e.target === e.currentTarget && pressedOnOverlay.current) onClose();
        pressedOnOverlay.current = false;
      }}
    >
      <div
        ref={card}
        className={`dlg-card dlg-${size}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <header className="dlg-header">
          <div className="dlg-heading">
            <h2 className="dlg-title" id={titleId}>
              {title}
            </h2>
            {subtitle !== undefined && <p className="dlg-subtitle">{subtitle}</p>}
          </div>
          {closeButton && (
            <button
              type="button"
              className="dlg-icon-button"
              aria-label="Close"
              data-modal-close="true"
              onClick={onClose}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M6 6l12 12M18 6 6 18" />
              </svg>
            </button>
          )}
        </header>
        <div className="dlg-body">{children}</div>
        {footer !== undefined && <footer className="dlg-footer">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}
