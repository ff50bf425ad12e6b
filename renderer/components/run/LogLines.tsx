/**
 * Output lines as they stream in: stdout and stderr told apart, kept scrolled
 * to the newest line unless the person scrolled up to read (then left where
 * they are until they scroll back down). At most {@link MAX_SHOWN_LINES} are
 * in the page: a chatty run would otherwise slow every batch down.
 */
import { useLayoutEffect, useRef } from 'react';
import type { LogLineData } from '../../../app/contract/results';
import type { LiveRun } from '../../run/live';

/** Lines kept in the page at most; older ones are counted, not drawn. */
export const MAX_SHOWN_LINES = 500;
/** Closer to the bottom than this counts as "at the bottom". */
const STICK_PX = 24;

/** The last `max` lines of every task, merged by time, and how many lines there are in all. */
export function mergeLogs(
  logs: LiveRun['logs'],
  max = MAX_SHOWN_LINES,
): { lines: LogLineData[]; total: number } {
  const lines: LogLineData[] = [];
  let total = 0;
  for (const list of Object.values(logs)) {
    total += list.length;
    // Only each task's tail can be among the last `max` lines.
    for (let i = Math.max(0, list.length - max); i < list.length; i++) lines.push(list[i] as LogLineData);
  }
  // ISO times in one time zone sort as text; the sort is stable, so lines of one time keep their order.
  lines.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return { lines: lines.length > max ? lines.slice(lines.length - max) : lines, total };
}

function clock(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * A scrolling list of lines. `total` is how many there are in all (older
 * ones are not shown); `withName` prefixes each with its task, which
 * `onName` then selects.
 */
export function LogLines({
  lines,
  total = lines.length,
  withName = false,
  onName,
  empty,
}: {
  readonly lines: readonly LogLineData[];
  readonly total?: number;
  readonly withName?: boolean;
  readonly onName?: (name: string) => void;
  readonly empty: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const shown = lines.length > MAX_SHOWN_LINES ? lines.slice(lines.length - MAX_SHOWN_LINES) : lines;
  const hidden = Math.max(0, total - shown.length);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [shown]);

  return (
    <div
      className="log-lines"
      ref={box}
      data-testid="output-log"
      data-lines={shown.length}
      role="log"
      aria-live="off"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      {hidden > 0 && (
        <div className="log-hidden">
          {hidden} earlier line{hidden === 1 ? '' : 's'} not shown (the history keeps them all)
        </div>
      )}
      {shown.length === 0 && <div className="log-empty">{empty}</div>}
      {shown.map((l, i) => (
        <div key={i} className={`log-line log-${l.stream}`} data-testid="log-line" data-stream={l.stream}>
          <span className="log-time">{clock(l.ts)}</span>
          {withName &&
            (onName ? (
              <button
                type="button"
                className="log-name"
                title={`Select ${l.name}`}
                onClick={() => {
                  onName(l.name);
                }}
              >
                {l.name}
              </button>
            ) : (
              <span className="log-name">{l.name}</span>
            ))}
          <span className="log-text">{l.text}</span>
        </div>
      ))}
    </div>
  );
}
