import { useId, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import { addItem, PALETTE_MIME, type PaletteItem } from '../../state/commands';
import { useHostStore } from '../../state/host';
import { GROUP_LOOK, kindGlyph } from '../canvas/kind-glyph';
import { categorize, GROUP_ENTRIES, matches } from './catalog';
import '../../styles/panels.css';

interface EntryProps {
  readonly item: PaletteItem;
  readonly testId: string;
  readonly name: string;
  readonly description: string;
  readonly glyph: string;
  readonly tone: string;
  readonly runsCode?: boolean;
}

const ADD_HINT = 'Drag or double-click to add (Enter) to add to the selected group';

/** One draggable palette item: a kind's task or an empty group. */
function Entry({ item, testId, name, description, glyph, tone, runsCode = false }: EntryProps) {
  const descriptionId = useId();
  const onDragStart = (e: DragEvent<HTMLDivElement>) => {
    e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
    e.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    addItem(item);
  };
  const title = description === '' ? `${name}\n\n${ADD_HINT}` : `${name} — ${description}\n\n${ADD_HINT}`;
  return (
    <li>
      <div
        role="button"
        tabIndex={0}
        draggable
        className="pal-item"
        data-testid={testId}
        aria-label={name}
        aria-describedby={descriptionId}
        title={title}
        onDragStart={onDragStart}
        onDoubleClick={() => addItem(item)}
        onKeyDown={onKeyDown}
      >
        <span className={`pal-glyph pal-tone-${tone}`} aria-hidden="true">
          {glyph}
        </span>
        <span className="pal-text">
          <span className="pal-name-row">
            <span className="pal-name">{name}</span>
            {runsCode && (
              <span className="pal-badge" title="Runs code or commands: workers offer it only when allowed">
                code
              </span>
            )}
          </span>
          <span className="pal-desc" id={descriptionId}>
            {description}
          </span>
        </span>
      </div>
    </li>
  );
}

function Section({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="pal-section" aria-labelledby={headingId}>
      <h3 className="pal-heading" id={headingId}>
        <span>{title}</span>
        <span className="pal-heading-count">{count}</span>
      </h3>
      <ul className="pal-list">{children}</ul>
    </section>
  );
}

function SearchIcon() {
  return (
    <svg className="pal-search-icon" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="11" cy="11" r="6.5" />
      <path d="m16 16 4.5 4.5" />
    </svg>
  );
}

function Skeleton() {
  return (
    <div className="pal-skeleton" role="status" aria-live="polite">
      <span className="pal-state-text">Loading kinds…</span>
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="pal-skeleton-row" aria-hidden="true">
          <span className="pal-skeleton-glyph" />
          <span className="pal-skeleton-lines">
            <span className="pal-skeleton-line" />
            <span className="pal-skeleton-line pal-skeleton-line-short" />
          </span>
        </div>
      ))}
    </div>
  );
}

/** The palette: groups and the host's task kinds, to drag onto the canvas or add with a double-click. */
export function Palette() {
  const kinds = useHostStore((s) => s.kinds);
  const kindsError = useHostStore((s) => s.kindsError);
  const [query, setQuery] = useState('');
  const searchBox = useRef<HTMLInputElement>(null);

  const groups = GROUP_ENTRIES.filter((g) => matches(query, g.label, g.description));
  const categories = useMemo(
    () =>
      categorize(kinds ?? [])
        .map((c) => ({ ...c, kinds: c.kinds.filter((k) => matches(query, k.kind, k.description)) }))
        .filter((c) => c.kinds.length > 0),
    [kinds, query],
  );

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Escape') return;
    // Escape clears the search first; on an empty one it leaves the box.
    e.stopPropagation();
    if (query !== '') setQuery('');
    else e.currentTarget.blur();
  };

  let kindsPart: ReactNode;
  if (kinds === undefined) {
    kindsPart =
      kindsError === undefined ? (
        <Skeleton />
      ) : (
        <p className="pal-state pal-state-error" role="alert">
          Task kinds unavailable: {kindsError}
        </p>
      );
  } else if (kinds.length === 0) {
    kindsPart = <p className="pal-state">The host offers no task kinds.</p>;
  } else if (categories.length === 0) {
    kindsPart = <p className="pal-state">No kind matches “{query.trim()}”</p>;
  } else {
    kindsPart = categories.map((c) => (
      <Section key={c.title} title={c.title} count={c.kinds.length}>
        {c.kinds.map((k) => {
          const look = kindGlyph(k.kind);
          return (
            <Entry
              key={k.kind}
              item={{ kind: k.kind }}
              testId={`palette-item-${k.kind}`}
              name={k.kind}
              description={k.description}
              glyph={look.glyph}
              tone={look.tone}
              runsCode={k.runsCode}
            />
          );
        })}
      </Section>
    ));
  }

  return (
    <aside className="palette" data-testid="palette" aria-label="Palette">
      <div className="pal-search">
        <SearchIcon />
        <input
          ref={searchBox}
          type="search"
          className="pal-search-input"
          aria-label="Search task kinds"
          placeholder="Search…"
          spellCheck={false}
          autoComplete="off"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
          }}
          onKeyDown={onSearchKey}
        />
        {query !== '' && (
          <button
            type="button"
            className="pal-search-clear"
            aria-label="Clear search"
            title="Clear search (Escape)"
            onClick={() => {
              setQuery('');
              searchBox.current?.focus();
            }}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M7 7l10 10M17 7 7 17" />
            </svg>
          </button>
        )}
      </div>
      <div className="pal-scroll">
        {groups.length > 0 && (
          <Section title="Groups" count={groups.length}>
            {groups.map((g) => (
              <Entry
                key={g.type}
                item={{ group: g.type }}
                testId={`palette-group-${g.type}`}
                name={g.label}
                description={g.description}
                glyph={GROUP_LOOK[g.type]?.glyph ?? '□'}
                tone="group"
              />
            ))}
          </Section>
        )}
        {kindsPart}
      </div>
      <p className="pal-hint">Drag or double-click to add</p>
    </aside>
  );
}
