import type { ReactNode } from 'react';

/** The top of a panel: what is inspected (a glyph, its kind of thing, its name) and a line about it. */
export function PanelHeader({
  glyph,
  tone = 'slate',
  eyebrow,
  title,
  subtitle,
  description,
}: {
  readonly glyph: string;
  readonly tone?: string;
  readonly eyebrow: string;
  readonly title: string;
  readonly subtitle?: ReactNode;
  readonly description?: string | undefined;
}) {
  return (
    <header className="insp-header">
      <div className="insp-header-row">
        <span className={`insp-header-glyph tone-${tone}`} aria-hidden="true">
          {glyph}
        </span>
        <div className="insp-header-text">
          <div className="insp-eyebrow">{eyebrow}</div>
          <h2 className="insp-title" title={title}>
            {title === '' ? <span className="insp-untitled">unnamed</span> : title}
          </h2>
        </div>
      </div>
      {subtitle !== undefined && <div className="insp-subtitle">{subtitle}</div>}
      {description !== undefined && description !== '' && <p className="insp-description">{description}</p>}
    </header>
  );
}
