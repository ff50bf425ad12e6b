/**
 * Runs from the renderer: the run bar's settings (engine, its options, the
 * flow's inputs), the run shown on the canvas (started here, or opened from
 * the history, replayed from its recorded events), and the commands on it:
 * start, cancel, suspend, resume, rerun, open, delete.
 *
 * Events are folded by {@link applyEvents}; batches that arrive close
 * together are applied at once (every frame for a small run, every 100 ms
 * for a big one), so a run of thousands of tasks costs one store update per
 * flush rather than one per message.
 */
import { create } from 'zustand';
import type { EngineOptionsData, RunEventData, RunViewData } from '../../app/contract/results';
import { readDocument, toSavedDocument } from '../designer/document';
import { HostError, type HostClient } from '../host';
import { applyEvents, startingRun, type LiveRun } from '../run/live';
import { currentClient } from './connection';
import { loadDocument, notify, useDesigner } from './designer';
import { mayDiscard } from './files';
import { useHostStore } from './host';
import { runBlocker } from './run';
import { ask } from './ui';

export type EngineKind = 'serial' | 'parallel' | 'worker-based';
export const ENGINE_KINDS: readonly EngineKind[] = ['serial', 'parallel', 'worker-based'];

/** The run bar's choices, kept between sessions. */
export interface RunSettings {
  readonly engine: EngineKind;
  /** Parallel: tasks at once. */
  readonly maxWorkers: number;
  /** Worker-based: the broker. */
  readonly url: string;
  /** Worker-based: the exchange the workers listen on. */
  readonly exchange: string;
}

export const DEFAULT_SETTINGS: RunSettings = {
  engine: 'serial',
  maxWorkers: 4,
  url: 'amqp://guest:guest@127.0.0.1:5672',
  exchange: 'atomflow',
};

/** The run on the canvas, with what is known of it besides its events. */
export interface RunInfo {
  readonly runId: string;
  readonly flow: string;
  readonly engine: string | undefined;
  /** Started from the run bar, or opened from the history. */
  readonly source: 'started' | 'opened';
  /** Left running by a host that is gone (from `runs.detail`); cleared by a resume. */
  readonly interrupted: boolean;
  /** The inputs it ran with, and its engine options (for a rerun). */
  readonly inputs: Record<string, unknown>;
  readonly engineOptions: EngineOptionsData;
}

export type View = 'design' | 'history' | 'workers';
export type BottomTab = 'problems' | 'output' | 'timeline';
export type Busy = 'starting' | 'cancelling' | 'suspending' | 'resuming' | 'opening';

export interface RunsState {
  readonly settings: RunSettings;
  /** Values typed for the flow's inputs, as JSON text by input name (empty: the document's own value). */
  readonly inputs: Readonly<Record<string, string>>;
  readonly live: LiveRun | undefined;
  readonly info: RunInfo | undefined;
  readonly busy: Busy | undefined;
  readonly view: View;
  readonly bottomTab: BottomTab;
  /** Workers seen on the broker for the worker-based settings; undefined until asked. */
  readonly workers: { readonly count?: number; readonly error?: string; readonly at?: number };
}

const SETTINGS_KEY = 'atomflow.run-settings';

function loadSettings(): RunSettings {
  try {
    const raw = globalThis.localStorage?.getItem(SETTINGS_KEY);
    if (!raw) return DEFAULT_SETTINGS;
    const v = JSON.parse(raw) as Partial<RunSettings>;
    return {
      engine: ENGINE_KINDS.includes(v.engine as EngineKind)
        ? (v.engine as EngineKind)
        : DEFAULT_SETTINGS.engine,
      maxWorkers:
        Number.isInteger(v.maxWorkers) && (v.maxWorkers ?? 0) >= 1 && (v.maxWorkers ?? 0) <= 1024
          ? (v.maxWorkers as number)
          : DEFAULT_SETTINGS.maxWorkers,
      url: typeof v.url === 'string' ? v.url : DEFAULT_SETTINGS.url,
      exchange: typeof v.exchange === 'string' && v.exchange ? v.exchange : DEFAULT_SETTINGS.exchange,
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export const useRuns = create<RunsState>()(() => ({
  settings: loadSettings(),
  inputs: {},
  live: undefined,
  info: undefined,
  busy: undefined,
  view: 'design',
  bottomTab: 'problems',
  workers: {},
}));

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function client(): HostClient {
  const c = currentClient();
  if (!c) throw new HostError({ code: 'unavailable', message: 'Not connected to the host' });
  return c;
}

// ------------------------------------------------------------ settings

export function setSettings(patch: Partial<RunSettings>): void {
  const settings = { ...useRuns.getState().settings, ...patch };
  useRuns.setState({ settings });
  try {
    globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    // Private mode or a full store: the choice lasts for this session only.
  }
}

export function setInput(name: string, text: string): void {
  useRuns.setState((s) => ({ inputs: { ...s.inputs, [name]: text } }));
}

export function setView(view: View): void {
  useRuns.setState({ view });
}

export function setBottomTab(bottomTab: BottomTab): void {
  useRuns.setState({ bottomTab });
}

/** The engine options the settings give for their engine. */
export function engineOptionsOf(settings: RunSettings): EngineOptionsData {
  if (settings.engine === 'parallel') return { maxWorkers: settings.maxWorkers };
  if (settings.engine === 'worker-based') {
    return {
      ...(settings.url.trim() ? { url: settings.url.trim() } : {}),
      ...(settings.exchange.trim() ? { exchange: settings.exchange.trim() } : {}),
    };
  }
  return {};
}

/**
 * The typed inputs as values, or the first one that is not JSON, named.
 * Text that is not JSON is taken as a string when it does not look like JSON
 * (so `staging` needs no quotes).
 */
export function parseInputs(
  texts: Readonly<Record<string, string>>,
  declared: Readonly<Record<string, unknown>> | undefined,
): { ok: true; inputs: Record<string, unknown> } | { ok: false; error: string } {
  const inputs: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(texts)) {
    if (declared && !(name in declared)) continue;
    const t = text.trim();
    if (t === '') continue;
    try {
      inputs[name] = JSON.parse(t);
    } catch {
      if (/^[[{"]/.test(t) || /^-?\d/.test(t)) {
        return { ok: false, error: `Input “${name}” is not valid JSON: ${t.slice(0, 40)}` };
      }
      inputs[name] = t;
    }
  }
  return { ok: true, inputs };
}

// ------------------------------------------------------------ following a run

let stopFollowing: (() => void) | undefined;
let queued: RunEventData[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function flush(): void {
  flushTimer = undefined;
  const events = queued;
  queued = [];
  const { live } = useRuns.getState();
  if (!live) return;
  const next = applyEvents(live, events);
  if (next === live) return;
  const info = useRuns.getState().info;
  // A resumed run is no longer interrupted.
  const resumed = info?.interrupted === true && next.sessions.length > live.sessions.length;
  useRuns.setState({
    live: next,
    ...(resumed && info ? { info: { ...info, interrupted: false } } : {}),
  });
}

/** A run with this many atoms or more is flushed less often. */
const BIG_RUN_ATOMS = 500;

/**
 * How long events wait to be applied together. A frame for a small run, so
 * it follows smoothly; 100 ms for a big one, whose every flush restyles and
 * lays out thousands of cards: fewer, larger batches cost far less main
 * thread, and 100 ms is still well inside the second in which a run's end
 * should show.
 */
function flushDelay(): number {
  const counts = useRuns.getState().live?.counts ?? {};
  // The counts add up to the atoms seen, in a handful of additions (not one per atom).
  let atoms = 0;
  for (const n of Object.values(counts)) atoms += n;
  return atoms < BIG_RUN_ATOMS ? 16 : 100;
}

function receive(events: readonly RunEventData[]): void {
  for (const e of events) queued.push(e);
  // Batches that arrive within the delay are applied together (a timer, not
  // requestAnimationFrame, so a hidden window still ends up current).
  flushTimer ??= setTimeout(flush, flushDelay());
}

function follow(c: HostClient, runId: string, replay: boolean): Promise<void> {
  unfollow();
  if (!replay) {
    stopFollowing = c.onRunEvents(runId, receive);
    return Promise.resolve();
  }
  return c.subscribe(runId, receive).then((stop) => {
    stopFollowing = stop;
  });
}

function unfollow(): void {
  stopFollowing?.();
  stopFollowing = undefined;
  queued = [];
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
}

/** Takes the run off the canvas (it goes on in the host if it is running). */
export function clearRun(): void {
  unfollow();
  useRuns.setState({ live: undefined, info: undefined, busy: undefined });
}

/**
 * Opens the dock's Output tab for a run just shown, unless a tab is open
 * already. A turn later than showing the run: the dock takes its room from
 * the canvas, which makes React Flow work out again which nodes are in view,
 * and on a flow of thousands of nodes that and the run's first paint are
 * each a sizeable task, better not run as one.
 */
function openDock(runId: string): void {
  setTimeout(() => {
    const s = useRuns.getState();
    if (s.info?.runId === runId && s.bottomTab === 'problems') useRuns.setState({ bottomTab: 'output' });
  }, 0);
}

// ------------------------------------------------------------ commands

/** Runs the flow on the canvas with the run bar's engine and inputs. */
export async function startRun(): Promise<string | undefined> {
  const d = useDesigner.getState();
  const blocker = runBlocker(d, useHostStore.getState());
  if (blocker !== undefined) {
    notify('error', blocker);
    return undefined;
  }
  const { settings, inputs: texts, busy } = useRuns.getState();
  if (busy !== undefined) return undefined;
  const parsed = parseInputs(texts, d.doc.inputs);
  if (!parsed.ok) {
    notify('error', parsed.error);
    return undefined;
  }
  const engineOptions = engineOptionsOf(settings);
  return start(toSavedDocument(d.doc), d.doc.name, settings.engine, engineOptions, parsed.inputs);
}

async function start(
  document: unknown,
  flow: string,
  engine: string,
  engineOptions: EngineOptionsData,
  inputs: Record<string, unknown>,
): Promise<string | undefined> {
  useRuns.setState({ busy: 'starting' });
  try {
    const c = client();
    const { runId } = await c.call('runs.start', {
      document,
      engine: engine as EngineKind,
      engineOptions: {
        ...engineOptions,
        topics: engineOptions.topics ? [...engineOptions.topics] : undefined,
      },
      ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    });
    // The host streams a run to the session that started it, after this answer.
    await follow(c, runId, false);
    useRuns.setState({
      live: startingRun(runId),
      info: { runId, flow, engine, source: 'started', interrupted: false, inputs, engineOptions },
      busy: undefined,
    });
    openDock(runId);
    return runId;
  } catch (e) {
    useRuns.setState({ busy: undefined });
    notify('error', `Could not start the run: ${reason(e)}`);
    return undefined;
  }
}

async function command(method: 'runs.cancel' | 'runs.suspend', busy: Busy, what: string): Promise<void> {
  const { info } = useRuns.getState();
  if (!info) return;
  useRuns.setState({ busy });
  try {
    await client().call(method, { runId: info.runId });
    // A run that is not streaming (suspended, interrupted) changes only in the store: show it anew.
    if (useRuns.getState().live?.ended === true) {
      await showRun(await client().call('runs.detail', { runId: info.runId }));
    }
  } catch (e) {
    notify('error', `Could not ${what} the run: ${reason(e)}`);
  } finally {
    useRuns.setState({ busy: undefined });
  }
}

/** Cancels the run on the canvas: it stops after the running tasks and is never resumed. */
export function cancelRun(): Promise<void> {
  return command('runs.cancel', 'cancelling', 'cancel');
}

/** Suspends the run on the canvas: it stops after the running tasks and can be resumed. */
export function suspendRun(): Promise<void> {
  return command('runs.suspend', 'suspending', 'suspend');
}

/**
 * Opens a past run on its flow: the flow is loaded (asking first when there
 * are unsaved edits) and the run's recorded events replayed onto it.
 */
export async function openRun(runId: string): Promise<boolean> {
  const detail = await loadRunFlow(runId, 'open', 'show');
  return detail !== undefined && showRun(detail);
}

/**
 * Reads a run and puts its flow on the canvas, asking first when there are
 * unsaved edits. Resolves with the run, or undefined when it could not (the
 * person is told why: `verb` the reading, `purpose` what the flow was for) or
 * the person kept their edits.
 */
async function loadRunFlow(
  runId: string,
  verb: 'open' | 'read',
  purpose: 'show' | 'run again',
): Promise<RunViewData | undefined> {
  const short = runId.slice(0, 8);
  let detail: RunViewData;
  try {
    detail = await client().call('runs.detail', { runId });
  } catch (e) {
    notify('error', `Could not ${verb} run ${short}: ${reason(e)}`);
    return undefined;
  }
  if (detail.document === undefined) {
    notify('error', `Run ${short} has no flow document to ${purpose}`);
    return undefined;
  }
  if (!(await mayDiscard())) return undefined;
  try {
    loadDocument(readDocument(JSON.stringify(detail.document), `run ${short}`), undefined);
  } catch (e) {
    notify('error', reason(e));
    return undefined;
  }
  return detail;
}

/** Follows a run whose flow is on the canvas, from its recorded events on. */
async function showRun(detail: RunViewData): Promise<boolean> {
  useRuns.setState({
    live: startingRun(detail.id),
    info: {
      runId: detail.id,
      flow: detail.flow,
      engine: detail.engine,
      source: 'opened',
      interrupted: detail.interrupted === true,
      inputs: detail.inputs,
      engineOptions: detail.engineOptions,
    },
    busy: undefined,
    view: 'design',
  });
  openDock(detail.id);
  try {
    await follow(client(), detail.id, true);
    return true;
  } catch (e) {
    notify('error', `Could not replay run ${detail.id.slice(0, 8)}: ${reason(e)}`);
    return false;
  }
}

/**
 * Resumes a suspended or interrupted run (the one on the canvas by default;
 * another is opened first). Finished tasks are not run again.
 */
export async function resumeRun(runId = useRuns.getState().info?.runId): Promise<void> {
  if (runId === undefined) return;
  if (useRuns.getState().info?.runId !== runId && !(await openRun(runId))) return;
  useRuns.setState({ busy: 'resuming' });
  try {
    const { settings } = useRuns.getState();
    const stored = useRuns.getState().info?.engineOptions.url;
    // A password is not kept with the run: the run bar's URL gives it back.
    const url = stored?.includes('***') === true && settings.url.trim() ? settings.url.trim() : undefined;
    await client().call('runs.resume', { runId, ...(url !== undefined ? { url } : {}) });
  } catch (e) {
    notify('error', `Could not resume the run: ${reason(e)}`);
  } finally {
    useRuns.setState({ busy: undefined });
  }
}

/** Runs a past run's flow again, with the same inputs, engine and engine options. */
export async function rerun(runId: string): Promise<string | undefined> {
  const detail = await loadRunFlow(runId, 'read', 'run again');
  if (detail === undefined) return undefined;
  const { settings } = useRuns.getState();
  let options = detail.engineOptions;
  // A stored URL lost its password: the run bar's URL stands in for it.
  if (options.url?.includes('***') === true) options = { ...options, url: settings.url.trim() };
  useRuns.setState({ view: 'design' });
  return start(detail.document, detail.flow, detail.engine ?? 'serial', options, detail.inputs);
}

/** Deletes runs from the history, after asking. Resolves with how many were deleted. */
export async function deleteRuns(runIds: readonly string[]): Promise<number> {
  if (runIds.length === 0) return 0;
  const many = runIds.length > 1;
  const yes = await ask(
    many ? `Delete ${String(runIds.length)} runs?` : 'Delete this run?',
    `${many ? 'Their' : 'Its'} states, results and output are removed from the history. This cannot be undone.`,
    many ? `Delete ${String(runIds.length)} runs` : 'Delete run',
  );
  if (!yes) return 0;
  let deleted = 0;
  for (const runId of runIds) {
    try {
      await client().call('runs.delete', { runId });
      deleted += 1;
      if (useRuns.getState().info?.runId === runId) clearRun();
    } catch (e) {
      notify('error', `Could not delete run ${runId.slice(0, 8)}: ${reason(e)}`);
    }
  }
  return deleted;
}

/** Asks the broker of the worker-based settings how many workers listen (the run bar's count). */
export async function refreshWorkers(waitMs = 1_500): Promise<void> {
  const { settings } = useRuns.getState();
  try {
    const { workers } = await client().call('workers.list', {
      ...(settings.url.trim() ? { url: settings.url.trim() } : {}),
      ...(settings.exchange.trim() ? { exchange: settings.exchange.trim() } : {}),
      waitMs,
    });
    useRuns.setState({ workers: { count: workers.length, at: Date.now() } });
  } catch (e) {
    useRuns.setState({ workers: { error: reason(e), at: Date.now() } });
  }
}

/** Whether the run on the canvas can be cancelled, suspended or resumed now. */
export function runActions(s: Pick<RunsState, 'live' | 'info' | 'busy'>): {
  canCancel: boolean;
  canSuspend: boolean;
  canResume: boolean;
} {
  const { live, info, busy } = s;
  const going = live !== undefined && !live.ended && info?.interrupted !== true;
  const state = live?.state;
  const stopped = state === 'SUSPENDED' || info?.interrupted === true;
  return {
    canCancel: busy === undefined && live !== undefined && (going || stopped) && state !== 'CANCELLED',
    canSuspend: busy === undefined && going && state !== 'SUSPENDING',
    canResume: busy === undefined && live !== undefined && live.ended && stopped && state !== 'CANCELLED',
  };
}
