/**
 * An atom's time as a React component, for the Output panel. The task cards
 * on the canvas do not use it: they are painted outside React by
 * `run-painter.ts`, from the same rules (`run/atom-time.ts`).
 */
import { atomSpan, runClock } from '../../run/atom-time';
import type { AtomLive } from '../../run/live';
import { useRuns } from '../../state/runs';
import { Elapsed } from './Elapsed';

/**
 * How long the atom has been running or reverting (ticking), or how long its
 * last execute or revert took. A run that stopped (suspended, interrupted)
 * while the atom was going stops its clock where the run stopped.
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
  // Two primitive selectors rather than one object, so other events of the run do not redraw it.
  const stoppedAt = useRuns((s) => runClock(s.live, s.info).stoppedAt);
  const stopped = useRuns((s) => runClock(s.live, s.info).stopped);
  const span = atomSpan(atom, { stopped, stoppedAt });
  if (span === undefined) return null;
  return (
    <Elapsed
      className={`${className}${span.revert ? ' is-revert' : ''}`}
      start={span.start}
      end={span.end}
      ticking={span.ticking}
      testId={testId}
    />
  );
}
