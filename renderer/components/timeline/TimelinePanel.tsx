import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { LiveRun } from '../../run/live';
import { formatDuration } from '../../run/looks';
import {
  contentWidth,
  resumeMarkers,
  ROW_HEIGHT,
  rowWindow,
  segmentExtent,
  timeDomain,
  timelineRows,
  timeScale,
  timeTicks,
  timeToX,
  type TimelineRow,
} from '../../run/timeline';
import { select, useDesigner } from '../../state/designer';
import { useRuns } from '../../state/runs';
import { AXIS_HEIGHT, NAMES_WIDTH, RIGHT_PAD } from './layout';
import { TimelineAxis } from './TimelineAxis';
import { TimelineLanes, TimelineNames } from './TimelineRows';
import { TimelineToolbar } from './TimelineToolbar';
import { TimelineTooltip } from './TimelineTooltip';
import { useElementSize, type Size } from './use-element-size';
import { useTimelineZoom } from './use-timeline-zoom';

/** How often open bars grow while the run goes on. */
const LIVE_TICK_MS = 250;
/** The scroller's size before it is laid out: about the dock's (and what tests, unlaid out, get). */
const FALLBACK_SIZE: Size = { width: 960, height: 236 };
const NO_ROWS: readonly TimelineRow[] = [];

/** The time, redrawn every {@link LIVE_TICK_MS} while `live`; frozen otherwise (an ended run needs no clock). */
function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, LIVE_TICK_MS);
    return () => {
      clearInterval(timer);
    };
  }, [live]);
  return now;
}

function summaryOf(live: LiveRun | undefined, ran: number, rows: number, span: number | undefined): string {
  if (!live) return 'No run';
  const atoms = `${ran.toLocaleString()} of ${rows.toLocaleString()} atoms ran`;
  return span === undefined ? atoms : `${atoms} · ${formatDuration(span)}`;
}

interface Hover {
  readonly row: number;
  readonly segment: number;
  readonly x: number;
  readonly y: number;
}

/**
 * The run's timeline: a Gantt chart of every atom's executes and reverts
 * over time, rows in document order (names indented by group; a click
 * selects the node on the canvas), a sticky time axis, dashed lines where
 * the run was resumed. Open bars grow while the run goes on. Zoom with the
 * buttons or Ctrl/Cmd+wheel; only the rows in view are rendered, so a run
 * of thousands of atoms scrolls smoothly.
 */
export function TimelinePanel() {
  const live = useRuns((s) => s.live);
  const index = useDesigner((s) => s.index);
  const selection = useDesigner((s) => s.selection);
  const root = useRef<HTMLDivElement>(null);
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const view = useElementSize(scroller, FALLBACK_SIZE);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const [hover, setHover] = useState<Hover | undefined>(undefined);
  const running = live !== undefined && !live.ended;
  const now = useNow(running);

  const atoms = live?.atoms;
  const segments = live?.segments;
  const rows = useMemo(
    () => (atoms && segments ? timelineRows({ atoms, segments }, index) : NO_ROWS),
    [atoms, segments, index],
  );
  // Counted per batch, not per frame: the panel redraws on every scroll and clock tick.
  const ran = useMemo(() => rows.reduce((n, r) => (r.segments.length > 0 ? n + 1 : n), 0), [rows]);
  const extent = useMemo(() => (segments ? segmentExtent(segments) : undefined), [segments]);
  const domain = live && extent ? timeDomain(live, extent, now) : undefined;
  const chartView = Math.max(1, view.width - NAMES_WIDTH);
  const fitWidth = Math.max(1, chartView - RIGHT_PAD);
  const zoom = useTimelineZoom(scroller, domain, NAMES_WIDTH, fitWidth, live?.runId);

  const selected = useMemo(() => new Set(selection), [selection]);
  const onSelect = useCallback((row: TimelineRow) => {
    if (row.canvasId !== undefined) select([row.canvasId]);
  }, []);

  const rowsHeight = Math.max(0, view.height - AXIS_HEIGHT);
  const { first, end } = rowWindow(scroll.top, rowsHeight, rows.length);
  // One object per window, so the names column redraws only when the window moves.
  const rowsInView = useMemo(() => ({ first, end }), [first, end]);

  // A node selected on the canvas scrolls its row into view (only when the selection changes).
  const reveal = useEffectEvent((id: string) => {
    const i = rows.findIndex((r) => r.canvasId === id);
    if (i < 0 || !scroller) return;
    const top = i * ROW_HEIGHT;
    if (top < scroller.scrollTop || top + ROW_HEIGHT > scroller.scrollTop + rowsHeight) {
      scroller.scrollTo({ top: Math.max(0, top - rowsHeight / 2) });
    }
  });
  const only = selection.length === 1 ? selection[0] : undefined;
  useEffect(() => {
    if (only !== undefined) reveal(only);
  }, [only]);

  const onHover = useCallback((row: number, segment: number, e: MouseEvent) => {
    const box = root.current?.getBoundingClientRect();
    const x = e.clientX - (box?.left ?? 0);
    const y = e.clientY - (box?.top ?? 0);
    // Left of the pointer near the right edge, above it near the bottom, so it stays in the panel.
    const width = box?.width ?? Infinity;
    const height = box?.height ?? Infinity;
    setHover({
      row,
      segment,
      x: x + 240 > width ? Math.max(0, x - 232) : x + 12,
      y: y + 110 > height ? Math.max(0, y - 102) : y + 14,
    });
  }, []);
  const onLeave = useCallback(() => {
    setHover(undefined);
  }, []);

  const span = domain ? domain.end - domain.start : undefined;
  const toolbar = (
    <TimelineToolbar
      summary={summaryOf(live, ran, rows.length, span)}
      live={running}
      zoom={zoom}
      disabled={!domain}
    />
  );
  if (!live || !domain) {
    return (
      <div className="tl" data-testid="timeline" data-zoom={String(zoom.zoom)}>
        {toolbar}
        <div className="tl-empty" data-testid="timeline-empty">
          {!live
            ? 'No run on the canvas. Start one from the run bar, or open one from the history.'
            : live.ended
              ? 'Nothing ran in this run.'
              : 'Waiting for the first task to start…'}
        </div>
      </div>
    );
  }

  // Positions are in the chart's content (scroll 0): the scroller moves them, not React.
  const scale = timeScale(domain, fitWidth, zoom.zoom);
  const { pxPerMs } = scale;
  const width = contentWidth(fitWidth, zoom.zoom);
  const viewLeft = scroll.left;
  const viewRight = scroll.left + chartView;
  const ticks = timeTicks(viewLeft / pxPerMs, viewRight / pxPerMs, chartView);
  const resumes = resumeMarkers(live).map((m) => ({
    session: m.session,
    offset: m.at - domain.start,
    x: timeToX(scale, m.at),
  }));
  const hovered = hover ? rows[hover.row] : undefined;
  const hoveredSegment = hover ? hovered?.segments[hover.segment] : undefined;

  return (
    <div className="tl" ref={root} data-testid="timeline" data-zoom={String(zoom.zoom)}>
      {toolbar}
      <div
        className="tl-scroll"
        ref={setScroller}
        onScroll={(e) => {
          const { scrollTop, scrollLeft } = e.currentTarget;
          setScroll((s) =>
            s.top === scrollTop && s.left === scrollLeft ? s : { top: scrollTop, left: scrollLeft },
          );
        }}
      >
        <div
          className="tl-canvas"
          style={{ width: NAMES_WIDTH + width + RIGHT_PAD, height: AXIS_HEIGHT + rows.length * ROW_HEIGHT }}
        >
          <TimelineAxis
            ticks={ticks}
            pxPerMs={pxPerMs}
            width={width + RIGHT_PAD}
            resumes={resumes}
            corner={live.sessions.length > 1 ? `Atom · ${String(live.sessions.length)} parts` : 'Atom'}
          />
          <div className="tl-body" style={{ height: rows.length * ROW_HEIGHT }} data-first-row={first}>
            <TimelineNames rows={rows} window={rowsInView} selected={selected} onSelect={onSelect} />
            <TimelineLanes
              rows={rows}
              window={rowsInView}
              selected={selected}
              start={domain.start}
              pxPerMs={pxPerMs}
              width={width + RIGHT_PAD}
              openEnd={domain.end}
              live={running}
              viewLeft={viewLeft}
              viewRight={viewRight}
              gridXs={ticks.map((t) => t.offset * pxPerMs)}
              resumes={resumes}
              onHover={onHover}
              onLeave={onLeave}
              onSelect={onSelect}
            />
          </div>
        </div>
      </div>
      {hover && hovered && hoveredSegment && (
        <TimelineTooltip
          row={hovered}
          segment={hoveredSegment}
          start={domain.start}
          openEnd={domain.end}
          live={running}
          x={hover.x}
          y={hover.y}
        />
      )}
    </div>
  );
}
