/**
 * The timeline's model: a Gantt chart of a {@link LiveRun}, one row per atom
 * in document order, drawn over the run's time span. Plain TypeScript with no
 * React, so what is drawn where can be tested alone; the panel
 * (`components/timeline/`) only places what this computes.
 *
 * Times are ms since the epoch; offsets are ms since the start of the run's
 * time domain; x positions are pixels of the chart's content, left of which
 * the scroll offset is subtracted to get a position in the viewport.
 */
import type { AtomStateData } from '../../app/contract/results';
import { isGroup } from '../designer/document';
import type { Located } from '../designer/tree';
import type { LiveRun, Segment } from './live';

/** One row of the chart: a task or a retry controller. */
export interface TimelineRow {
  /** The atom's name, as the run's events know it. */
  readonly name: string;
  readonly atom: 'task' | 'retry';
  /** Indentation: 0 for a member of the root flow, one more per nested group. */
  readonly depth: number;
  /**
   * The canvas node a click selects: the task's own node, or for a retry
   * controller its group (the canvas draws the retry on the group). Absent
   * for an atom that is not in the document on the canvas.
   */
  readonly canvasId: string | undefined;
  /** The groups it lies in, outermost first ("main › fanout"); empty when not in the document. */
  readonly path: string;
  readonly segments: readonly Segment[];
  /** Its current state in the run; absent while the run has not reached it. */
  readonly state: AtomStateData | undefined;
}

const NO_SEGMENTS: readonly Segment[] = [];

/** The name a group's retry controller runs under (the engine's default when the document names none). */
function retryName(group: { readonly name: string; readonly retry?: { readonly name?: unknown } }): string {
  return typeof group.retry?.name === 'string' ? group.retry.name : `${group.name}_retry`;
}

/**
 * The chart's rows: every task of the document in document order, each
 * group's retry controller right above the group's members (at the group's
 * own indentation, so it reads as their header), then the run's atoms that
 * the document does not hold (edited since, or another flow), in the order
 * the run reported them. O(nodes + atoms).
 *
 * @param index the designer's index (parents before children, in document order).
 */
export function timelineRows(
  run: Pick<LiveRun, 'atoms' | 'segments'>,
  index: ReadonlyMap<string, Located>,
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const seen = new Set<string>();
  // Paths of groups by canvas id; parents come before children, so a parent's path is always known.
  const paths = new Map<string, string>();
  const add = (
    name: string,
    atom: 'task' | 'retry',
    depth: number,
    canvasId: string | undefined,
    path: string,
  ) => {
    // A name used twice (an invalid document) is one atom to the run: one row.
    if (seen.has(name)) return;
    seen.add(name);
    rows.push({
      name,
      atom: run.atoms[name]?.atom ?? atom,
      depth: Math.max(0, depth),
      canvasId,
      path,
      segments: run.segments[name] ?? NO_SEGMENTS,
      state: run.atoms[name]?.state,
    });
  };
  for (const loc of index.values()) {
    const parentPath = loc.parentId === undefined ? '' : (paths.get(loc.parentId) ?? '');
    const node = loc.node;
    if (isGroup(node)) {
      const path = parentPath === '' ? node.name : `${parentPath} › ${node.name}`;
      paths.set(loc.id, path);
      // The root flow is depth 0 and its members depth 0 too: indentation counts nested groups.
      if (node.retry) add(retryName(node), 'retry', loc.depth - 1, loc.id, path);
    } else {
      add(node.name, 'task', loc.depth - 1, loc.id, parentPath);
    }
  }
  const others = new Set([...Object.keys(run.atoms), ...Object.keys(run.segments)]);
  for (const name of others) add(name, run.atoms[name]?.atom ?? 'task', 0, undefined, '');
  return rows;
}

/** The earliest start and latest known time (end, or start of an open segment) of a run's segments. */
export interface SegmentExtent {
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/** The span the run's segments cover; undefined when there are none. O(segments). */
export function segmentExtent(segments: LiveRun['segments']): SegmentExtent | undefined {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  for (const list of Object.values(segments)) {
    for (const s of list) {
      count += 1;
      if (s.start < first) first = s.start;
      const known = s.end ?? s.start;
      if (known > last) last = known;
    }
  }
  return count === 0 ? undefined : { first, last, count };
}

/** A time span, ms since the epoch. */
export interface TimeDomain {
  readonly start: number;
  readonly end: number;
}

/**
 * The shortest domain drawn: a run that has just started fills its first
 * second rather than the whole width with a few milliseconds.
 */
export const MIN_LIVE_DOMAIN_MS = 1_000;
/** The shortest domain of an ended run (so a run of noops still draws). */
export const MIN_DOMAIN_MS = 1;

/**
 * The time the chart covers: from the run's start to its end, or to `now`
 * while it is going on (open bars grow up to now). Undefined for a run
 * nothing is known of yet (no start, no segments).
 *
 * @param extent the run's {@link segmentExtent} (passed in so it is computed once per batch, not per frame).
 */
export function timeDomain(
  run: Pick<LiveRun, 'startedAt' | 'endedAt' | 'ended' | 'lastEventAt'>,
  extent: SegmentExtent | undefined,
  now: number,
): TimeDomain | undefined {
  const start = Math.min(run.startedAt ?? Infinity, extent?.first ?? Infinity);
  if (!Number.isFinite(start)) return undefined;
  const known = Math.max(extent?.last ?? start, run.lastEventAt ?? start, run.endedAt ?? start);
  // The host's clock may be ahead of this one: never end before what was reported.
  const end = run.ended ? known : Math.max(known, now);
  const min = run.ended ? MIN_DOMAIN_MS : MIN_LIVE_DOMAIN_MS;
  return { start, end: Math.max(end, start + min) };
}

/** Where a segment ends on the chart: its end, or `openEnd` (now, or the run's end) while it is open. */
export function segmentEnd(segment: Segment, openEnd: number): number {
  return segment.end ?? Math.max(segment.start, openEnd);
}

/** A resume of the run: where the part it started begins. */
export interface ResumeMarker {
  /** ms since the epoch. */
  readonly at: number;
  /** 1 for the first resume, 2 for the second… */
  readonly session: number;
}

/** The run's resumes (every part after the first start). */
export function resumeMarkers(run: Pick<LiveRun, 'sessions'>): ResumeMarker[] {
  return run.sessions.slice(1).map((at, i) => ({ at, session: i + 1 }));
}

// ------------------------------------------------------------ ticks

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Steps above a second that read well on a clock (no 2-minute-and-5-second steps). */
const CLOCK_STEPS: readonly number[] = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/** The smallest 1-2-5 multiple of `unit` times a power of ten that is at least `min`. */
function oneTwoFive(min: number, unit: number): number {
  const scaled = min / unit;
  const power = 10 ** Math.floor(Math.log10(scaled));
  for (const m of [1, 2, 5, 10]) if (m * power >= scaled * (1 - 1e-9)) return m * power * unit;
  return 10 * power * unit;
}

/**
 * The "nice" tick step for at least `minMs` between ticks: 1-2-5 steps
 * below a second (1 ms, 2 ms, 5 ms… 500 ms), clock steps above (1 s, 15 s,
 * 1 min, 30 min, 1 h…), 1-2-5 days beyond.
 */
export function niceStep(minMs: number): number {
  if (!(minMs > 0) || !Number.isFinite(minMs)) return SECOND;
  if (minMs <= SECOND) return Math.min(SECOND, oneTwoFive(minMs, 1));
  for (const step of CLOCK_STEPS) if (step >= minMs) return step;
  return oneTwoFive(minMs, DAY);
}

/** Drops the zeros a fixed-point number ends with ("1.50" → "1.5", "2.0" → "2"). */
function trimmed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return decimals > 0 ? text.replace(/\.?0+$/, '') : text;
}

function clock(ms: number): string {
  const s = Math.round(ms / SECOND);
  if (s < 60) return `${String(s)} s`;
  const h = Math.floor(s / 3600);
  const min = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h === 0) return sec === 0 ? `${String(min)} min` : `${String(min)} min ${String(sec)} s`;
  return min === 0 ? `${String(h)} h` : `${String(h)} h ${String(min)} min`;
}

/**
 * A tick's label, as precise as its step needs: "250 ms" when the whole
 * window is under a second, "1.5 s" for sub-second steps, "30 s",
 * "1 min 30 s", "2 min", "1 h 30 min" for clock steps. Zero is "0 s"
 * (or "0 ms").
 *
 * @param offset ms since the start of the domain.
 * @param step the ticks' step, in ms.
 * @param msUnit label in milliseconds (the whole visible window is under a second).
 */
export function tickLabel(offset: number, step: number, msUnit = false): string {
  if (msUnit) return `${trimmed(offset, step >= 1 ? 0 : 3)} ms`;
  if (offset === 0) return '0 s';
  if (step < SECOND) {
    const decimals = Math.max(0, Math.ceil(-Math.log10(step / SECOND) - 1e-9));
    return `${trimmed(offset / SECOND, decimals)} s`;
  }
  return clock(offset);
}

/** One tick of the time axis. */
export interface Tick {
  /** ms since the start of the domain. */
  readonly offset: number;
  readonly label: string;
}

/** Least room between two ticks, so their labels do not touch. */
export const MIN_TICK_SPACING_PX = 80;

/**
 * The ticks of a visible window of the axis: a nice step leaving at least
 * `minSpacingPx` between ticks at this scale, every multiple of it in the
 * window (ends included).
 *
 * @param from offset (ms) at the window's left edge.
 * @param to offset (ms) at its right edge.
 * @param widthPx the window's width in pixels.
 */
export function timeTicks(
  from: number,
  to: number,
  widthPx: number,
  minSpacingPx = MIN_TICK_SPACING_PX,
): Tick[] {
  if (!(to > from) || !(widthPx > 0)) return [];
  const step = niceStep((minSpacingPx * (to - from)) / widthPx);
  // A window within the first second reads best in milliseconds.
  const msUnit = to < SECOND;
  const ticks: Tick[] = [];
  // Multiples of the step from an integer count, so that labels do not collect rounding errors.
  for (let k = Math.ceil(from / step - 1e-9); k * step <= to + step * 1e-9; k++) {
    const offset = Math.abs(k * step) < step * 1e-9 ? 0 : k * step;
    if (offset < 0) continue;
    ticks.push({ offset, label: tickLabel(offset, step, msUnit) });
  }
  return ticks;
}

// ------------------------------------------------------------ scale and zoom

/** How time maps to x: content x = (t − start) × pxPerMs; viewport x = content x − scroll. */
export interface TimeScale {
  /** The time at content x = 0, ms since the epoch. */
  readonly start: number;
  readonly pxPerMs: number;
  /** Horizontal scroll offset of the chart, px. */
  readonly scroll: number;
}

/**
 * The scale at a zoom factor: zoom 1 fits the whole domain in `fitWidthPx`,
 * zoom 2 draws it twice as wide (so the chart scrolls).
 */
export function timeScale(domain: TimeDomain, fitWidthPx: number, zoom: number, scroll = 0): TimeScale {
  const span = Math.max(domain.end - domain.start, MIN_DOMAIN_MS);
  return { start: domain.start, pxPerMs: (Math.max(1, fitWidthPx) * zoom) / span, scroll };
}

/** The viewport x of time `t` (ms since the epoch). */
export function timeToX(scale: TimeScale, t: number): number {
  return (t - scale.start) * scale.pxPerMs - scale.scroll;
}

/** The time (ms since the epoch) at viewport x. */
export function xToTime(scale: TimeScale, x: number): number {
  return scale.start + (x + scale.scroll) / scale.pxPerMs;
}

/** The chart's content width at a zoom: the fit width times the zoom. */
export function contentWidth(fitWidthPx: number, zoom: number): number {
  return Math.max(1, fitWidthPx) * zoom;
}

/** Widest chart drawn: browsers stop laying out elements some 17 to 33 million px wide. */
export const MAX_CONTENT_PX = 8_000_000;
/** Most pixels per millisecond: 1 ms is 10 px at the deepest zoom (times are recorded to the ms)… */
export const MAX_PX_PER_MS = 10;
/** …except that even a run of a few ms can be zoomed this far, to tell its bars apart. */
export const MIN_MAX_ZOOM = 16;

/** The deepest zoom for a domain at a fit width (1 at least: the chart is never narrower than the fit). */
export function maxZoom(domain: TimeDomain, fitWidthPx: number): number {
  const width = Math.max(1, fitWidthPx);
  const span = Math.max(domain.end - domain.start, MIN_DOMAIN_MS);
  const byTime = Math.max(MIN_MAX_ZOOM, (span * MAX_PX_PER_MS) / width);
  return Math.max(1, Math.min(MAX_CONTENT_PX / width, byTime));
}

/** A zoom factor kept between 1 (the whole run) and {@link maxZoom}. */
export function clampZoom(zoom: number, domain: TimeDomain, fitWidthPx: number): number {
  if (!Number.isFinite(zoom)) return 1;
  return Math.min(maxZoom(domain, fitWidthPx), Math.max(1, zoom));
}

/**
 * The scroll offset that keeps the time under viewport x `anchorX` under it
 * when the zoom goes from `zoom` to `nextZoom` (content x scales with the zoom).
 */
export function scrollForZoom(scroll: number, anchorX: number, zoom: number, nextZoom: number): number {
  const contentX = scroll + anchorX;
  return Math.max(0, (contentX * nextZoom) / zoom - anchorX);
}

// ------------------------------------------------------------ rows in view

/** Height of one row, px. */
export const ROW_HEIGHT = 22;

/** A range of row indexes, `end` excluded. */
export interface RowWindow {
  readonly first: number;
  readonly end: number;
}

/**
 * The rows to render for a viewport: those in view plus `overscan` on each
 * side (so a fast scroll does not show blank rows before the next render).
 *
 * @param scrollTop how far the rows are scrolled, px.
 * @param heightPx the height rows are visible in, px.
 */
export function rowWindow(
  scrollTop: number,
  heightPx: number,
  count: number,
  rowHeight = ROW_HEIGHT,
  overscan = 8,
): RowWindow {
  if (count <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.min(count, Math.max(0, Math.floor(top / rowHeight) - overscan));
  const end = Math.min(count, Math.ceil((top + Math.max(0, heightPx)) / rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}
