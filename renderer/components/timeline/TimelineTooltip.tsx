import type { Segment } from '../../run/live';
import { ATOM_LOOKS, formatDuration } from '../../run/looks';
import { segmentEnd, type TimelineRow } from '../../run/timeline';
import { barTone } from './TimelineRows';

interface TooltipProps {
  readonly row: TimelineRow;
  readonly segment: Segment;
  /** The run's start (offsets are from it) and where open bars end, ms since the epoch. */
  readonly start: number;
  readonly openEnd: number;
  readonly live: boolean;
  /** Where to show it, px in the panel. */
  readonly x: number;
  readonly y: number;
}

function outcomeText(segment: Segment, live: boolean): string {
  if (segment.outcome === 'INTERRUPTED') return 'Interrupted (the host stopped)';
  if (segment.outcome !== undefined) return ATOM_LOOKS[segment.outcome].label;
  if (!live) return 'Unfinished';
  return segment.phase === 'execute' ? 'Running' : 'Reverting';
}

/** What a hovered bar is: atom, phase, when it started in the run, how long it took, how it ended. */
export function TimelineTooltip({ row, segment, start, openEnd, live, x, y }: TooltipProps) {
  const duration = segmentEnd(segment, openEnd) - segment.start;
  const open = segment.end === undefined;
  return (
    <div className="tl-tip" role="tooltip" data-testid="timeline-tooltip" style={{ left: x, top: y }}>
      <div className="tl-tip-title">{row.name}</div>
      <dl className="tl-tip-fields">
        <dt>Phase</dt>
        <dd>{segment.phase === 'execute' ? 'Execute' : 'Revert'}</dd>
        <dt>Started</dt>
        <dd>+{formatDuration(segment.start - start)}</dd>
        <dt>Duration</dt>
        <dd>
          {formatDuration(duration)}
          {open && live ? ' so far' : ''}
        </dd>
        <dt>Outcome</dt>
        <dd className={`tl-tone-${barTone(segment)}`}>{outcomeText(segment, live)}</dd>
      </dl>
    </div>
  );
}
