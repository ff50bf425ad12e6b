import { Icon } from '../Icon';
import type { TimelineZoom } from './use-timeline-zoom';

interface ToolbarProps {
  /** What the run is: "12 of 40 atoms ran · 3.25 s". */
  readonly summary: string;
  readonly live: boolean;
  readonly zoom: TimelineZoom;
  /** Nothing to zoom yet (no run, or nothing ran). */
  readonly disabled: boolean;
}

/** The timeline's header: a summary of the run, a legend of the bars, and the zoom controls. */
export function TimelineToolbar({ summary, live, zoom, disabled }: ToolbarProps) {
  return (
    <div className="tl-toolbar">
      <span className="tl-summary">
        {live && <span className="tl-live">Live</span>}
        {summary}
      </span>
      <span className="tl-legend" aria-hidden="true">
        <span className="tl-key tl-key-execute" /> Execute
        <span className="tl-key tl-key-running" /> Running
        <span className="tl-key tl-key-revert" /> Revert
        <span className="tl-key tl-key-resume" /> Resumed
      </span>
      <span className="tl-zoom" role="group" aria-label="Zoom">
        <button
          type="button"
          className="tl-zoom-button"
          data-testid="timeline-zoom-out"
          aria-label="Zoom out"
          title="Zoom out (Ctrl+wheel zooms around the pointer)"
          disabled={disabled || zoom.zoom <= 1}
          onClick={zoom.zoomOut}
        >
          −
        </button>
        <span className="tl-zoom-value" aria-live="polite">
          {`${String(Math.round(zoom.zoom * 100))}%`}
        </span>
        <button
          type="button"
          className="tl-zoom-button"
          data-testid="timeline-zoom-in"
          aria-label="Zoom in"
          title="Zoom in (Ctrl+wheel zooms around the pointer)"
          disabled={disabled}
          onClick={zoom.zoomIn}
        >
          +
        </button>
        <button
          type="button"
          className="tl-zoom-button"
          data-testid="timeline-zoom-fit"
          aria-label="Fit the whole run"
          title="Fit the whole run"
          disabled={disabled}
          onClick={zoom.fit}
        >
          <Icon name="fit" />
        </button>
      </span>
    </div>
  );
}
