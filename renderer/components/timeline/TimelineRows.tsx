import { memo, type MouseEvent, type ReactNode } from 'react';
import { ATOM_LOOKS, type Tone } from '../../run/looks';
import type { Segment } from '../../run/live';
import { ROW_HEIGHT, segmentEnd, type RowWindow, type TimelineRow } from '../../run/timeline';
import { INDENT_PX, MIN_BAR_PX, OFFSCREEN_PX } from './layout';

/** The tone a bar is drawn in: its outcome's, or running/reverting while it is open. */
export function barTone(segment: Segment): Tone {
  if (segment.outcome === undefined) return segment.phase === 'execute' ? 'running' : 'reverting';
  if (segment.outcome === 'INTERRUPTED') return 'interrupted';
  return ATOM_LOOKS[segment.outcome].tone;
}

/** Which rows are selected on the canvas (by the canvas id a row selects). */
function isSelected(row: TimelineRow, selected: ReadonlySet<string>): boolean {
  return row.canvasId !== undefined && selected.has(row.canvasId);
}

function indexes(window: RowWindow): number[] {
  const out: number[] = [];
  for (let i = window.first; i < window.end; i++) out.push(i);
  return out;
}

interface NamesProps {
  readonly rows: readonly TimelineRow[];
  readonly window: RowWindow;
  readonly selected: ReadonlySet<string>;
  readonly onSelect: (row: TimelineRow) => void;
}

/** The names column: the atoms in view, indented by group depth; a click selects the node on the canvas. */
export const TimelineNames = memo(function TimelineNames({ rows, window, selected, onSelect }: NamesProps) {
  return (
    <div className="tl-names">
      {indexes(window).map((i) => {
        const row = rows[i];
        if (!row) return null;
        const look = row.state ? ATOM_LOOKS[row.state] : undefined;
        const where = row.path === '' ? '' : ` in ${row.path}`;
        const title =
          row.canvasId === undefined
            ? `${row.name} (not in the flow on the canvas)`
            : `${row.atom === 'retry' ? 'Retry controller ' : ''}${row.name}${where}`;
        return (
          <button
            key={row.name}
            type="button"
            className={`tl-name${isSelected(row, selected) ? ' is-selected' : ''}${row.atom === 'retry' ? ' is-retry' : ''}`}
            style={{ top: i * ROW_HEIGHT, paddingLeft: 8 + row.depth * INDENT_PX }}
            data-testid="timeline-name"
            data-atom={row.name}
            aria-pressed={isSelected(row, selected)}
            disabled={row.canvasId === undefined}
            title={title}
            onClick={() => {
              onSelect(row);
            }}
          >
            <span className={`tl-state tl-tone-${look?.tone ?? 'pending'}`} aria-hidden="true">
              {look?.icon ?? '○'}
            </span>
            <span className="tl-name-text">{row.name}</span>
          </button>
        );
      })}
    </div>
  );
});

interface LanesProps {
  readonly rows: readonly TimelineRow[];
  readonly window: RowWindow;
  readonly selected: ReadonlySet<string>;
  /** The time at chart x = 0 and the scale, ms since the epoch and px per ms. */
  readonly start: number;
  readonly pxPerMs: number;
  readonly width: number;
  /** Where open bars end: now while the run goes on, else the run's end. */
  readonly openEnd: number;
  /** The run is going on: open bars are animated. */
  readonly live: boolean;
  /** The chart x range in view. */
  readonly viewLeft: number;
  readonly viewRight: number;
  /** Grid lines (tick positions) and resume lines, chart x. */
  readonly gridXs: readonly number[];
  readonly resumes: readonly { readonly x: number; readonly session: number }[];
  readonly onHover: (row: number, segment: number, e: MouseEvent) => void;
  readonly onLeave: () => void;
  readonly onSelect: (row: TimelineRow) => void;
}

/** Which bar an event is on, from its data attributes (one listener for all bars). */
function barOf(e: MouseEvent): { row: number; segment: number } | undefined {
  const el = (e.target as Element).closest<HTMLElement>('[data-testid="timeline-bar"]');
  if (!el) return undefined;
  return { row: Number(el.dataset.row), segment: Number(el.dataset.segment) };
}

/** The chart: the bars of the rows in view, grid lines at the ticks, dashed lines at resumes. */
export function TimelineLanes(props: LanesProps) {
  const { rows, window, selected, start, pxPerMs, width, openEnd, live, viewLeft, viewRight } = props;
  const minX = viewLeft - OFFSCREEN_PX;
  const maxX = viewRight + OFFSCREEN_PX;
  const bars: ReactNode[] = [];
  const highlights: ReactNode[] = [];
  for (const i of indexes(window)) {
    const row = rows[i];
    if (!row) continue;
    if (isSelected(row, selected)) {
      highlights.push(
        <div key={`sel-${row.name}`} className="tl-row-selected" style={{ top: i * ROW_HEIGHT }} />,
      );
    }
    row.segments.forEach((segment, j) => {
      const x0 = (segment.start - start) * pxPerMs;
      const x1 = Math.max(x0 + MIN_BAR_PX, (segmentEnd(segment, openEnd) - start) * pxPerMs);
      if (x1 < minX || x0 > maxX) return;
      // Only the part near the view is laid out: at deep zooms a bar may be millions of px wide.
      const left = Math.max(x0, minX);
      const right = Math.min(x1, maxX);
      const open = segment.end === undefined;
      const classes = [
        'tl-bar',
        `is-${segment.phase}`,
        `tl-tone-${barTone(segment)}`,
        open ? (live ? 'is-open' : 'is-unfinished') : '',
        x0 < minX ? 'is-cut-left' : '',
        x1 > maxX ? 'is-cut-right' : '',
      ];
      bars.push(
        <div
          key={`${row.name}:${String(j)}`}
          className={classes.filter(Boolean).join(' ')}
          style={{ top: i * ROW_HEIGHT, left, width: right - left }}
          data-testid="timeline-bar"
          data-atom={row.name}
          data-phase={segment.phase}
          data-outcome={segment.outcome ?? 'RUNNING'}
          data-row={i}
          data-segment={j}
        />,
      );
    });
  }
  return (
    <div
      className="tl-lanes"
      style={{ width }}
      onMouseMove={(e) => {
        const bar = barOf(e);
        if (bar) props.onHover(bar.row, bar.segment, e);
        else props.onLeave();
      }}
      onMouseLeave={props.onLeave}
      onClick={(e) => {
        const bar = barOf(e);
        const row = bar ? rows[bar.row] : undefined;
        if (row && row.canvasId !== undefined) props.onSelect(row);
      }}
    >
      {highlights}
      {props.gridXs.map((x) => (
        <div key={x} className="tl-grid" style={{ left: x }} />
      ))}
      {props.resumes.map((r) => (
        <div key={r.session} className="tl-resume" style={{ left: r.x }} data-testid="timeline-resume" />
      ))}
      {bars}
    </div>
  );
}
