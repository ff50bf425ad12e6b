import { useCallback, useEffect, useEffectEvent, useLayoutEffect, useRef, useState } from 'react';
import { clampZoom, scrollForZoom, type TimeDomain } from '../../run/timeline';

/** What the zoom buttons multiply or divide the zoom by. */
export const ZOOM_STEP = 1.5;
/** How strongly a wheel notch zooms: a mouse notch (100 px) is about ×1.3, a trackpad pinch finer. */
const WHEEL_ZOOM_RATE = 0.0025;

/** The timeline's zoom and what changes it. */
export interface TimelineZoom {
  /** 1 fits the whole run in the chart's width; 2 draws it twice as wide. */
  readonly zoom: number;
  readonly zoomIn: () => void;
  readonly zoomOut: () => void;
  /** Back to the whole run in view. */
  readonly fit: () => void;
}

/**
 * The timeline's horizontal zoom: buttons zoom around the middle of the
 * chart, Ctrl/Cmd+wheel around the pointer (the time under it stays under
 * it); a plain wheel is left to the scroller. The zoom is kept between the
 * whole run and the deepest useful zoom, and goes back to 1 for another run.
 *
 * @param scroller the element that scrolls the chart (both ways).
 * @param chartLeft where the chart starts inside the scroller (the names column's width).
 * @param fitWidth the chart's width at zoom 1.
 * @param runId the run shown: another one starts at zoom 1.
 */
export function useTimelineZoom(
  scroller: HTMLElement | null,
  domain: TimeDomain | undefined,
  chartLeft: number,
  fitWidth: number,
  runId: string | undefined,
): TimelineZoom {
  const [stored, setStored] = useState<{ readonly runId: string | undefined; readonly zoom: number }>({
    runId,
    zoom: 1,
  });
  // A live run's domain grows, so a zoom kept earlier is clamped anew at each render.
  const raw = stored.runId === runId ? stored.zoom : 1;
  const zoom = domain ? clampZoom(raw, domain, fitWidth) : 1;
  /**
   * The zoom and scroll offset asked for and not drawn yet: the scroll is
   * applied once the chart has its new width (the browser would clamp it to
   * the old one), and wheel events that come faster than renders build on
   * each other rather than on the zoom last drawn.
   */
  const requested = useRef<{ readonly zoom: number; readonly scroll: number } | undefined>(undefined);

  useLayoutEffect(() => {
    const asked = requested.current;
    requested.current = undefined;
    if (asked && scroller) scroller.scrollTo({ left: asked.scroll });
  });

  const zoomTo = useCallback(
    (next: (from: number) => number, anchorX: number) => {
      if (!domain) return;
      const from = requested.current?.zoom ?? zoom;
      const target = clampZoom(next(from), domain, fitWidth);
      if (target === from) return;
      const scroll = requested.current?.scroll ?? scroller?.scrollLeft ?? 0;
      requested.current = { zoom: target, scroll: scrollForZoom(scroll, anchorX, from, target) };
      setStored({ runId, zoom: target });
    },
    [domain, fitWidth, zoom, scroller, runId],
  );

  const middle = useCallback(
    () => Math.max(0, ((scroller?.clientWidth ?? fitWidth + chartLeft) - chartLeft) / 2),
    [scroller, fitWidth, chartLeft],
  );
  const zoomIn = useCallback(() => {
    zoomTo((z) => z * ZOOM_STEP, middle());
  }, [zoomTo, middle]);
  const zoomOut = useCallback(() => {
    zoomTo((z) => z / ZOOM_STEP, middle());
  }, [zoomTo, middle]);
  const fit = useCallback(() => {
    requested.current = { zoom: 1, scroll: 0 };
    setStored({ runId, zoom: 1 });
  }, [runId]);

  const onWheel = useEffectEvent((e: WheelEvent) => {
    if (!(e.ctrlKey || e.metaKey) || !scroller) return;
    // Ctrl+wheel would zoom the whole page otherwise.
    e.preventDefault();
    const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? scroller.clientHeight : 1;
    const factor = Math.exp(-e.deltaY * lines * WHEEL_ZOOM_RATE);
    const rect = scroller.getBoundingClientRect();
    const anchor = Math.min(Math.max(0, e.clientX - rect.left - chartLeft), scroller.clientWidth - chartLeft);
    zoomTo((z) => z * factor, Math.max(0, anchor));
  });
  useEffect(() => {
    if (!scroller) return undefined;
    // Not React's onWheel: that listener is passive and cannot keep the page from zooming.
    const listener = (e: WheelEvent) => {
      onWheel(e);
    };
    scroller.addEventListener('wheel', listener, { passive: false });
    return () => {
      scroller.removeEventListener('wheel', listener);
    };
  }, [scroller]);

  return { zoom, zoomIn, zoomOut, fit };
}
