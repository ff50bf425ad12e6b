/**
 * A run drawn on a task card: its state icon (a progress ring around it while
 * it runs), its time, how many times it ran and whether it was kept from
 * before a resume. Each node subscribes to its own atom only, so a batch of
 * events redraws the nodes it changed and no others.
 */
import type { AtomStateData } from '../../../app/contract/results';
import { keptFromEarlier, type AtomLive } from '../../run/live';
import { ATOM_LOOKS } from '../../run/looks';
import { useRuns } from '../../state/runs';
import { Elapsed } from './Elapsed';
import { ProgressRing } from './ProgressRing';

/** What a task card needs of the run on the canvas. */
export interface TaskRun {
  /** A run is shown on the canvas. */
  readonly shown: boolean;
  /** The task's atom, once it has an event. */
  readonly atom: AtomLive | undefined;
  /** Finished before the latest resume and not run again. */
  readonly kept: boolean;
}

/** The run as one task sees it, with selectors narrow enough that other tasks' events do not redraw it. */
export function useTaskRun(name: string): TaskRun {
  const shown = useRuns((s) => s.live !== undefined);
  const atom = useRuns((s) => s.live?.atoms[name]);
  const kept = useRuns((s) => {
    const a = s.live?.atoms[name];
    return a !== undefined && s.live !== undefined && keptFromEarlier(s.live, a);
  });
  return { shown, atom, kept };
}

/** The state a card shows: its atom's, or PENDING for a task the run has not reached. */
export function shownState(run: TaskRun): AtomStateData | undefined {
  if (!run.shown) return undefined;
  return run.atom?.state ?? 'PENDING';
}

/** The state icon in place of the kind glyph; with a progress ring while the task runs. */
export function RunGlyph({ state, progress }: { readonly state: AtomStateData; readonly progress: number }) {
  const look = ATOM_LOOKS[state];
  return (
    <span className="task-glyph run-glyph" role="img" aria-label={look.label} title={look.label}>
      {state === 'RUNNING' && <ProgressRing progress={progress} />}
      <span className="run-glyph-icon" aria-hidden="true">
        {look.icon}
      </span>
    </span>
  );
}

const GOING: ReadonlySet<AtomStateData> = new Set(['RUNNING', 'REVERTING']);

/**
 * How long the task has been running or reverting (ticking), or how long its
 * last execute or revert took. A run that stopped (suspended, interrupted)
 * while the task was going stops its clock where the run stopped.
 */
export function AtomTime({
  atom,
  className = 'task-run-time',
  testId = 'task-elapsed',
}: {
  readonly atom: AtomLive;
  readonly className?: string;
  readonly testId?: string;
}) {
  const stoppedAt = useRuns((s) =>
    s.live?.ended === true ? (s.live.endedAt ?? s.live.lastEventAt) : undefined,
  );
  const runStopped = useRuns((s) => s.live?.ended !== false || s.info?.interrupted === true);
  if (atom.state === 'PENDING' || atom.startedAt === undefined) return null;
  const going = GOING.has(atom.state);
  const end = going ? stoppedAt : atom.finishedAt;
  if (!going && end === undefined) return null;
  return (
    <Elapsed
      className={`${className}${atom.state === 'REVERTING' || atom.state === 'REVERTED' ? ' is-revert' : ''}`}
      start={atom.startedAt}
      end={end}
      ticking={going && !runStopped}
      testId={testId}
    />
  );
}

/** The run's part of a card's meta line: time, executions, kept. */
export function RunMeta({ atom, kept }: { readonly atom: AtomLive | undefined; readonly kept: boolean }) {
  if (!atom) return null;
  return (
    <>
      <AtomTime atom={atom} />
      {atom.executions > 1 && (
        <span
          className="task-executions"
          title={`Ran ${String(atom.executions)} times`}
          data-testid="task-executions"
        >
          ×{atom.executions}
        </span>
      )}
      {kept && (
        <span className="task-kept" title="Finished before the resume; not run again">
          kept
        </span>
      )}
    </>
  );
}
