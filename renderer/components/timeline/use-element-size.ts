import { useLayoutEffect, useState } from 'react';

/** A size in CSS pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The client size of `element` (inside its scrollbars), kept current with a
 * ResizeObserver. Until the element is laid out (or where nothing is laid
 * out, as in tests) it is `fallback`, so that the first render already draws
 * a sensible window of rows rather than none.
 */
export function useElementSize(element: HTMLElement | null, fallback: Size): Size {
  const [measured, setMeasured] = useState<Size | undefined>(undefined);
  useLayoutEffect(() => {
    if (!element) return undefined;
    const measure = () => {
      const { clientWidth: width, clientHeight: height } = element;
      setMeasured((before) =>
        before?.width === width && before.height === height ? before : { width, height },
      );
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, [element]);
  return {
    width: measured && measured.width > 0 ? measured.width : fallback.width,
    height: measured && measured.height > 0 ? measured.height : fallback.height,
  };
}
