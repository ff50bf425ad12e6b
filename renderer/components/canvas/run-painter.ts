/**
 * Paints the run on the task cards straight onto the DOM, outside React.
 *
 * Why: a big flow has thousands of cards mounted, and one batch of events
 * can change a thousand atoms. As React components subscribed to the store,
 * those cards re-rendered a thousand at a time (main-thread tasks of 1–2 s,
 * the end shown seconds late). Here a batch costs a few DOM writes per
 * changed atom and no render at all.
 *
 * How: each mounted card registers its root element under its task name
 * ({@link registerCard}). One store listener compares the previous and the
 * next run and repaints only the cards whose atom object changed (the
 * reducer keeps unchanged atoms the same objects), or every card when the
 * run itself changed. One one-second timer ticks the times of running cards,
 * and only while there are some.
 *
 * What React renders and what the painter writes never overlap: React owns
 * the root's `className` (the painter sets data attributes only) and renders
 * the spans the painter fills empty, so a re-render (selection, problems)
 * neither wipes the paint nor diffs the painter's text.
 */
import { atomSpan, runClock, spanText, type RunClock } from '../../run/atom-time';
import { keptFromEarlier, type LiveRun } from '../../run/live';
import { ATOM_LOOKS } from '../../run/looks';
import { useRuns, type RunsState } from '../../state/runs';

/** The parts of a card the painter writes, found once per card. */
interface Parts {
  readonly glyph: HTMLElement | null;
  readonly icon: HTMLElement | null;
  readonly ring: SVGElement | null;
  readonly ringValue: SVGElement | null;
  /** Of the ring's value circle, read from its radius (so it matches what ProgressRing drew). */
  readonly circumference: number;
  readonly time: HTMLElement | null;
  readonly executions: HTMLElement | null;
  readonly kept: HTMLElement | null;
}

const TICK_MS = 1000;
const KEPT_TITLE = 'Finished before the resume; not run again';

/** Mounted task cards by task name. */
const cards = new Map<string, HTMLElement>();
const partsByCard = new WeakMap<HTMLElement, Parts>();
/** Cards whose time counts up now: the only ones the timer touches. */
const ticking = new Set<string>();
let unsubscribe: (() => void) | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function partsOf(card: HTMLElement): Parts {
  let parts = partsByCard.get(card);
  if (parts === undefined) {
    const ringValue = card.querySelector<SVGElement>('.progress-value');
    parts = {
      glyph: card.querySelector<HTMLElement>('.run-glyph'),
      icon: card.querySelector<HTMLElement>('.run-glyph-icon'),
      ring: card.querySelector<SVGElement>('.progress-ring'),
      ringValue,
      circumference: 2 * Math.PI * Number(ringValue?.getAttribute('r') ?? 0),
      time: card.querySelector<HTMLElement>('.task-run-time'),
      executions: card.querySelector<HTMLElement>('.task-executions'),
      kept: card.querySelector<HTMLElement>('.task-kept'),
    };
    partsByCard.set(card, parts);
  }
  return parts;
}

// Writes only what differs: an unchanged card costs reads, and no style or layout work.

function setAttr(el: Element | null, name: string, value: string | undefined): void {
  if (el === null) return;
  if (value === undefined) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function setText(el: Element | null, text: string): void {
  if (el !== null && el.textContent !== text) el.textContent = text;
}

function setClass(el: Element | null, name: string, on: boolean): void {
  if (el !== null && el.classList.contains(name) !== on) el.classList.toggle(name, on);
}

/** The ring's value, or a turning arc for a task that has reported no progress (as ProgressRing draws it). */
function paintRing(parts: Parts, progress: number): void {
  const known = progress > 0;
  const shown = known ? Math.min(1, progress) : 0.25;
  setClass(parts.ring, 'is-indeterminate', !known);
  setAttr(parts.ring, 'data-progress', known ? progress.toFixed(2) : undefined);
  const c = parts.circumference;
  setAttr(parts.ringValue, 'stroke-dasharray', `${String(c * shown)} ${String(c)}`);
}

/** The time in the meta line; keeps the ticking set in step with it. */
function paintTime(
  name: string,
  card: HTMLElement,
  live: LiveRun | undefined,
  clock: RunClock,
  now: number,
): void {
  const atom = live?.atoms[name];
  const span = atom === undefined ? undefined : atomSpan(atom, clock);
  const { time } = partsOf(card);
  setText(time, span === undefined ? '' : spanText(span, now));
  setClass(time, 'is-revert', span?.revert === true);
  setAttr(time, 'data-ticking', span?.ticking === true ? 'true' : undefined);
  if (span?.ticking === true) ticking.add(name);
  else ticking.delete(name);
}

/** Paints one card from the run (no run: every mark taken off). */
function paint(
  name: string,
  card: HTMLElement,
  live: LiveRun | undefined,
  clock: RunClock,
  now: number,
): void {
  const atom = live?.atoms[name];
  const state = live === undefined ? undefined : (atom?.state ?? 'PENDING');
  const look = state === undefined ? undefined : ATOM_LOOKS[state];
  const kept = live !== undefined && atom !== undefined && keptFromEarlier(live, atom);
  setAttr(card, 'data-run-state', state);
  setAttr(card, 'data-run-tone', look?.tone);
  setAttr(card, 'data-kept', kept ? 'true' : undefined);

  const parts = partsOf(card);
  setAttr(parts.glyph, 'aria-label', look?.label);
  setAttr(parts.glyph, 'title', look?.label);
  setText(parts.icon, look?.icon ?? '');
  paintRing(parts, atom?.progress ?? 0);
  paintTime(name, card, live, clock, now);
  const runs = atom?.executions ?? 0;
  setText(parts.executions, runs > 1 ? `×${String(runs)}` : '');
  setAttr(parts.executions, 'title', runs > 1 ? `Ran ${String(runs)} times` : undefined);
  setText(parts.kept, kept ? 'kept' : '');
  setAttr(parts.kept, 'title', kept ? KEPT_TITLE : undefined);
}

function tick(): void {
  const { live, info } = useRuns.getState();
  const clock = runClock(live, info);
  const now = Date.now();
  // Deleting the entry being visited is safe while iterating a Set.
  for (const name of ticking) {
    const card = cards.get(name);
    if (card === undefined) ticking.delete(name);
    else paintTime(name, card, live, clock, now);
  }
  updateTimer();
}

/** Runs the timer while some card ticks, and only then. */
function updateTimer(): void {
  if (ticking.size > 0 && timer === undefined) timer = setInterval(tick, TICK_MS);
  else if (ticking.size === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}

/**
 * Another run altogether, as far as every card is concerned: shown or taken
 * off, another run, or a resume (which makes earlier atoms "kept").
 */
function runChanged(prev: LiveRun | undefined, next: LiveRun | undefined): boolean {
  if (prev === undefined || next === undefined) return prev !== next;
  return prev.runId !== next.runId || prev.sessions.length !== next.sessions.length;
}

function going(state: string | undefined): boolean {
  return state === 'RUNNING' || state === 'REVERTING';
}

/**
 * Cards painted in one go at most: more (a run shown on thousands of cards, a
 * batch that changed thousands of atoms) are painted in slices, one per turn
 * of the event loop, so no task holds the main thread for long.
 */
const SLICE = 250;
/** Cards still to paint, by name (each painted from the run as it is when its slice runs). */
const dirty = new Set<string>();
let sliceTimer: ReturnType<typeof setTimeout> | undefined;

function paintSlice(): void {
  sliceTimer = undefined;
  const { live, info } = useRuns.getState();
  const clock = runClock(live, info);
  const now = Date.now();
  let painted = 0;
  for (const name of dirty) {
    if (painted >= SLICE) break;
    dirty.delete(name);
    const card = cards.get(name);
    if (card === undefined) continue;
    paint(name, card, live, clock, now);
    painted += 1;
  }
  if (dirty.size > 0) sliceTimer = setTimeout(paintSlice, 0);
  updateTimer();
}

function markDirty(names: Iterable<string>): void {
  for (const name of names) dirty.add(name);
  if (sliceTimer === undefined) paintSlice();
}

function onStoreChange(next: RunsState, prev: RunsState): void {
  if (next.live === prev.live && next.info === prev.info) return;
  const { live } = next;
  const clock = runClock(live, next.info);
  const now = Date.now();
  if (runChanged(prev.live, live)) {
    markDirty(cards.keys());
  } else if (live !== undefined && prev.live !== undefined) {
    const before = prev.live.atoms;
    const after = live.atoms;
    const was = runClock(prev.live, prev.info);
    // The run stopped or went on: the times of what was going stop or tick again.
    const clockChanged = was.stopped !== clock.stopped || was.stoppedAt !== clock.stoppedAt;
    if (before === after && !clockChanged) return;
    const changed: string[] = [];
    for (const [name, card] of cards) {
      const atom = after[name];
      if (atom !== before[name]) changed.push(name);
      else if (clockChanged && going(atom?.state)) paintTime(name, card, live, clock, now);
    }
    markDirty(changed);
  }
  updateTimer();
}

/**
 * Registers a mounted task card and paints it at once from the run shown
 * now; it is repainted whenever its atom changes. Returns the function that
 * unregisters it (a React 19 ref callback can return it as its cleanup).
 */
export function registerCard(name: string, card: HTMLElement): () => void {
  cards.set(name, card);
  const { live, info } = useRuns.getState();
  paint(name, card, live, runClock(live, info), Date.now());
  updateTimer();
  unsubscribe ??= useRuns.subscribe(onStoreChange);
  return () => {
    // Another card may have taken the name since (a rename, a card mounted again first).
    if (cards.get(name) !== card) return;
    cards.delete(name);
    ticking.delete(name);
    dirty.delete(name);
    updateTimer();
    if (cards.size === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
    }
  };
}

/** How many cards are registered (for tests: none should be left once they unmount). */
export function registeredCount(): number {
  return cards.size;
}
