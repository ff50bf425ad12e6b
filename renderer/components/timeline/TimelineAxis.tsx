import { formatDuration } from '../../run/looks';
import type { Tick } from '../../run/timeline';
import { NAMES_WIDTH } from './layout';

interface AxisProps {
  /** The ticks in view. */
  readonly ticks: readonly Tick[];
  readonly pxPerMs: number;
  /** The chart's full width (the axis scrolls with it). */
  readonly width: number;
  /** Resumes, at chart x, with their offset from the run's start (ms). */
  readonly resumes: readonly { readonly x: number; readonly session: number; readonly offset: number }[];
  /** What the corner above the names says. */
  readonly corner: string;
}

/**
 * The time axis, above the rows and kept in view when they scroll (sticky),
 * scrolling sideways with the chart: a tick and label at each tick, and
 * "resumed" where each resume began.
 */
export function TimelineAxis({ ticks, pxPerMs, width, resumes, corner }: AxisProps) {
  return (
    <div className="tl-head" style={{ width: NAMES_WIDTH + width }}>
      <div className="tl-corner">{corner}</div>
      <div className="tl-axis" style={{ width }} data-testid="timeline-axis">
        {ticks.map((t) => (
          <div key={t.offset} className="tl-tick" style={{ left: t.offset * pxPerMs }}>
            <span className="tl-tick-label">{t.label}</span>
          </div>
        ))}
        {resumes.map((r) => (
          <div
            key={r.session}
            className="tl-resume-label"
            style={{ left: r.x }}
            title={`Resumed ${formatDuration(r.offset)} after the run started`}
          >
            resumed
          </div>
        ))}
      </div>
    </div>
  );
}
