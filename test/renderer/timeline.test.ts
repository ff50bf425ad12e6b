/**
 * The timeline's model: rows in document order with their depth, the time
 * domain, "nice" ticks, time ↔ x at a zoom and scroll, resume markers, and
 * the window of rows rendered.
 */
import { describe, expect, test } from 'vitest';
import type { FlowDoc } from '../../renderer/designer/document';
import { indexDocument } from '../../renderer/designer/tree';
import { startingRun, type LiveRun, type Segment } from '../../renderer/run/live';
import {
  clampZoom,
  contentWidth,
  maxZoom,
  MIN_LIVE_DOMAIN_MS,
  niceStep,
  resumeMarkers,
  ROW_HEIGHT,
  rowWindow,
  scrollForZoom,
  segmentEnd,
  segmentExtent,
  tickLabel,
  timeDomain,
  timelineRows,
  timeScale,
  timeTicks,
  timeToX,
  xToTime,
} from '../../renderer/run/timeline';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const DOC: FlowDoc = {
  format: 'atomflow.flow/1',
  name: 'demo',
  flow: {
    type: 'linear',
    name: 'main',
    retry: { type: 'times', attempts: 3 },
    children: [
      { type: 'task', name: 'build', kind: 'noop' },
      {
        type: 'graph',
        name: 'fanout',
        retry: { type: 'times', name: 'again', attempts: 2 },
        children: [
          { type: 'task', name: 'a', kind: 'noop' },
          {
            type: 'unordered',
            name: 'inner',
            children: [{ type: 'task', name: 'deep', kind: 'noop' }],
          },
          { type: 'task', name: 'b', kind: 'noop' },
        ],
      },
      { type: 'task', name: 'after', kind: 'noop' },
    ],
  },
};

function runWith(segments: Record<string, Segment[]>, extra: Partial<LiveRun> = {}): LiveRun {
  return { ...startingRun('r'), state: 'RUNNING', segments, ...extra };
}

describe('rows', () => {
  test('tasks in document order, each retry right above its group’s members, indented by group', () => {
    const rows = timelineRows(runWith({}), indexDocument(DOC));
    expect(rows.map((r) => [r.name, r.atom, r.depth])).toEqual([
      ['main_retry', 'retry', 0],
      ['build', 'task', 0],
      ['again', 'retry', 0],
      ['a', 'task', 1],
      ['deep', 'task', 2],
      ['b', 'task', 1],
      ['after', 'task', 0],
    ]);
  });

  test('a click selects the task’s node, or for a retry its group; paths name the groups', () => {
    const rows = timelineRows(runWith({}), indexDocument(DOC));
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get('build')).toMatchObject({ canvasId: 'build', path: 'main' });
    expect(byName.get('again')).toMatchObject({ canvasId: 'fanout', path: 'main › fanout' });
    expect(byName.get('deep')).toMatchObject({ canvasId: 'deep', path: 'main › fanout › inner' });
    expect(byName.get('main_retry')).toMatchObject({ canvasId: 'main' });
  });

  test('each row carries its segments and state; atoms not in the document come last', () => {
    const seg: Segment = { phase: 'execute', start: T0, end: T0 + 5, outcome: 'SUCCESS' };
    const run = runWith(
      { b: [seg], gone: [seg] },
      {
        atoms: {
          gone: { name: 'gone', atom: 'task', state: 'SUCCESS', progress: 1, executions: 1, session: 0 },
          b: { name: 'b', atom: 'task', state: 'SUCCESS', progress: 1, executions: 1, session: 0 },
        },
      },
    );
    const rows = timelineRows(run, indexDocument(DOC));
    expect(rows.at(-1)).toMatchObject({ name: 'gone', depth: 0, canvasId: undefined, state: 'SUCCESS' });
    expect(rows.at(-1)?.segments).toBe(run.segments.gone);
    const b = rows.find((r) => r.name === 'b');
    expect(b?.segments).toEqual([seg]);
    expect(b?.state).toBe('SUCCESS');
    expect(rows.find((r) => r.name === 'a')?.segments).toEqual([]);
  });

  test('a name used twice is one row', () => {
    const twice: FlowDoc = {
      ...DOC,
      flow: {
        type: 'linear',
        name: 'main',
        children: [
          { type: 'task', name: 'x', kind: 'noop' },
          { type: 'task', name: 'x', kind: 'noop' },
        ],
      },
    };
    expect(timelineRows(runWith({}), indexDocument(twice)).map((r) => r.name)).toEqual(['x']);
  });

  test('5,000 tasks make 5,000 rows quickly', () => {
    const big: FlowDoc = {
      ...DOC,
      flow: {
        type: 'linear',
        name: 'main',
        children: Array.from({ length: 5_000 }, (_, i) => ({
          type: 'task',
          name: `t${String(i)}`,
          kind: 'noop',
        })),
      },
    };
    const index = indexDocument(big);
    const started = performance.now();
    const rows = timelineRows(runWith({}), index);
    expect(rows).toHaveLength(5_000);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('the time domain', () => {
  const segments = {
    a: [{ phase: 'execute', start: T0 + 100, end: T0 + 2_000, outcome: 'SUCCESS' }],
    b: [{ phase: 'execute', start: T0 + 2_100 }],
  } satisfies Record<string, Segment[]>;

  test('the extent of the segments (an open one counts at its start)', () => {
    expect(segmentExtent(segments)).toEqual({ first: T0 + 100, last: T0 + 2_100, count: 2 });
    expect(segmentExtent({})).toBeUndefined();
  });

  test('from the run’s start to now while it goes on', () => {
    const run = runWith(segments, { startedAt: T0, lastEventAt: T0 + 2_100 });
    expect(timeDomain(run, segmentExtent(segments), T0 + 5_000)).toEqual({ start: T0, end: T0 + 5_000 });
    // A clock behind the host's does not cut what was reported.
    expect(timeDomain(run, segmentExtent(segments), T0 + 1_000)).toEqual({ start: T0, end: T0 + 2_100 });
  });

  test('to the run’s end once it ended, whatever the time', () => {
    const run = runWith(segments, {
      startedAt: T0,
      ended: true,
      endedAt: T0 + 3_000,
      lastEventAt: T0 + 3_000,
    });
    expect(timeDomain(run, segmentExtent(segments), T0 + 99_000)).toEqual({ start: T0, end: T0 + 3_000 });
  });

  test('a run that just started covers its first second; nothing known is no domain', () => {
    const run = runWith({}, { startedAt: T0, lastEventAt: T0 });
    expect(timeDomain(run, undefined, T0 + 10)).toEqual({ start: T0, end: T0 + MIN_LIVE_DOMAIN_MS });
    expect(timeDomain(startingRun('r'), undefined, T0)).toBeUndefined();
  });

  test('an open segment ends at the open end given', () => {
    expect(segmentEnd({ phase: 'execute', start: T0 }, T0 + 50)).toBe(T0 + 50);
    expect(segmentEnd({ phase: 'execute', start: T0, end: T0 + 5 }, T0 + 50)).toBe(T0 + 5);
    expect(segmentEnd({ phase: 'execute', start: T0 + 80 }, T0 + 50)).toBe(T0 + 80);
  });
});

describe('resume markers', () => {
  test('one per resume, none for the first start', () => {
    expect(resumeMarkers({ sessions: [T0] })).toEqual([]);
    expect(resumeMarkers({ sessions: [T0, T0 + 5_000, T0 + 9_000] })).toEqual([
      { at: T0 + 5_000, session: 1 },
      { at: T0 + 9_000, session: 2 },
    ]);
  });
});

describe('ticks', () => {
  test('nice steps: 1-2-5 below a second, clock steps above', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(130)).toBe(200);
    expect(niceStep(600)).toBe(1_000);
    expect(niceStep(1_000)).toBe(1_000);
    expect(niceStep(11_000)).toBe(15_000);
    expect(niceStep(40_000)).toBe(60_000);
    expect(niceStep(100_000)).toBe(120_000);
    expect(niceStep(4 * 3_600_000)).toBe(6 * 3_600_000);
    expect(niceStep(3 * 86_400_000)).toBe(5 * 86_400_000);
  });

  test('labels as precise as the step', () => {
    expect(tickLabel(0, 500)).toBe('0 s');
    expect(tickLabel(1_500, 500)).toBe('1.5 s');
    expect(tickLabel(2_000, 500)).toBe('2 s');
    expect(tickLabel(1_250, 50)).toBe('1.25 s');
    expect(tickLabel(30_000, 15_000)).toBe('30 s');
    expect(tickLabel(90_000, 30_000)).toBe('1 min 30 s');
    expect(tickLabel(120_000, 60_000)).toBe('2 min');
    expect(tickLabel(5_400_000, 1_800_000)).toBe('1 h 30 min');
    expect(tickLabel(250, 50, true)).toBe('250 ms');
  });

  test('a 10-second window 1,000 px wide: a tick every second, at least 80 px apart', () => {
    const ticks = timeTicks(0, 10_000, 1_000);
    expect(ticks.map((t) => t.label)).toEqual([
      '0 s',
      '1 s',
      '2 s',
      '3 s',
      '4 s',
      '5 s',
      '6 s',
      '7 s',
      '8 s',
      '9 s',
      '10 s',
    ]);
  });

  test('a window inside the run starts at the first multiple of the step in it', () => {
    const ticks = timeTicks(1_230, 2_000, 800);
    expect(ticks[0]).toEqual({ offset: 1_300, label: '1.3 s' });
    expect(ticks.map((t) => t.offset)).toEqual([1_300, 1_400, 1_500, 1_600, 1_700, 1_800, 1_900, 2_000]);
  });

  test('minutes for a long run, milliseconds within the first second', () => {
    expect(timeTicks(0, 10 * 60_000, 900).map((t) => t.label)).toEqual([
      '0 s',
      '1 min',
      '2 min',
      '3 min',
      '4 min',
      '5 min',
      '6 min',
      '7 min',
      '8 min',
      '9 min',
      '10 min',
    ]);
    expect(timeTicks(0, 400, 800).map((t) => t.label)).toEqual([
      '0 ms',
      '50 ms',
      '100 ms',
      '150 ms',
      '200 ms',
      '250 ms',
      '300 ms',
      '350 ms',
      '400 ms',
    ]);
  });

  test('no ticks for an empty window or no width', () => {
    expect(timeTicks(5, 5, 100)).toEqual([]);
    expect(timeTicks(0, 100, 0)).toEqual([]);
  });

  test('ticks never crowd: spacing ≥ 80 px at any scale', () => {
    for (const span of [7, 333, 4_321, 77_777, 1_234_567, 98_765_432]) {
      const width = 937;
      const ticks = timeTicks(0, span, width);
      expect(ticks.length).toBeGreaterThan(1);
      const px = ((ticks[1]?.offset ?? 0) - (ticks[0]?.offset ?? 0)) * (width / span);
      expect(px).toBeGreaterThanOrEqual(80);
    }
  });
});

describe('time ↔ x', () => {
  const domain = { start: T0, end: T0 + 10_000 };

  test('zoom 1 fits the domain in the width; zoom 2 is twice as wide', () => {
    const fit = timeScale(domain, 1_000, 1);
    expect(timeToX(fit, T0)).toBe(0);
    expect(timeToX(fit, T0 + 10_000)).toBe(1_000);
    expect(timeToX(timeScale(domain, 1_000, 2), T0 + 10_000)).toBe(2_000);
    expect(contentWidth(1_000, 2)).toBe(2_000);
  });

  test('the scroll offset moves x left', () => {
    const scale = timeScale(domain, 1_000, 4, 1_500);
    expect(timeToX(scale, T0 + 5_000)).toBe(500);
  });

  test('round trip at any zoom and scroll', () => {
    for (const [zoom, scroll] of [
      [1, 0],
      [2.5, 700],
      [37, 12_345],
    ] as const) {
      const scale = timeScale(domain, 873, zoom, scroll);
      for (const t of [T0, T0 + 1, T0 + 4_321, T0 + 10_000]) {
        expect(xToTime(scale, timeToX(scale, t))).toBeCloseTo(t, 6);
      }
      // Epoch times carry about 0.2 µs of precision: a thousandth of a pixel is plenty.
      for (const x of [0, 10.5, 436]) expect(timeToX(scale, xToTime(scale, x))).toBeCloseTo(x, 3);
    }
  });

  test('zooming around a point keeps the time under it', () => {
    const before = timeScale(domain, 1_000, 2, 300);
    const anchor = 250;
    const t = xToTime(before, anchor);
    const scroll = scrollForZoom(300, anchor, 2, 6);
    const after = timeScale(domain, 1_000, 6, scroll);
    expect(xToTime(after, anchor)).toBeCloseTo(t, 6);
    // Zooming out at the left edge never scrolls before the start.
    expect(scrollForZoom(0, 0, 2, 1)).toBe(0);
  });

  test('zoom stays between the whole run and the deepest useful zoom', () => {
    expect(clampZoom(0.2, domain, 1_000)).toBe(1);
    expect(clampZoom(Number.NaN, domain, 1_000)).toBe(1);
    // 10 s at 10 px per ms is 100,000 px: zoom 100 for a 1,000-px fit.
    expect(maxZoom(domain, 1_000)).toBe(100);
    expect(clampZoom(1e9, domain, 1_000)).toBe(100);
    // A long run is capped by the widest chart a browser lays out.
    expect(maxZoom({ start: T0, end: T0 + 86_400_000 }, 1_000)).toBe(8_000);
  });
});

describe('rows in view', () => {
  test('the rows in view and a margin either side', () => {
    expect(rowWindow(0, 220, 5_000, ROW_HEIGHT, 8)).toEqual({ first: 0, end: 18 });
    expect(rowWindow(22 * 2_500, 220, 5_000, ROW_HEIGHT, 8)).toEqual({ first: 2_492, end: 2_518 });
    expect(rowWindow(22 * 4_999, 220, 5_000, ROW_HEIGHT, 8)).toEqual({ first: 4_991, end: 5_000 });
    expect(rowWindow(0, 220, 0)).toEqual({ first: 0, end: 0 });
    expect(rowWindow(-50, 220, 3)).toEqual({ first: 0, end: 3 });
  });
});
