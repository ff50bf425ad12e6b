import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useDesigner } from '../../state/designer';
import { setBottomTab, useRuns, type BottomTab } from '../../state/runs';
import { TimelinePanel } from '../timeline/TimelinePanel';
import { OutputPanel } from './OutputPanel';

const TABS: readonly { readonly tab: Exclude<BottomTab, 'problems'>; readonly label: string }[] = [
  { tab: 'output', label: 'Output' },
  { tab: 'timeline', label: 'Timeline' },
];

/**
 * Flows with more nodes than this are not refitted when the dock opens:
 * fitting thousands of nodes makes React Flow mount and place them all again
 * (a 600 ms task for 5,000), and in a flow that big the person has usually
 * zoomed to the part they watch.
 */
const REFIT_MAX_NODES = 500;

/**
 * The dock takes its room from the canvas: when it opens, the flow is fitted
 * to what is left, so no task ends up hidden below it.
 */
function useRefitWhenOpened(open: boolean): void {
  const { fitView } = useReactFlow();
  const was = useRef(open);
  useEffect(() => {
    const opened = open && !was.current;
    was.current = open;
    if (!opened || useDesigner.getState().index.size > REFIT_MAX_NODES) return undefined;
    // After the browser has laid the smaller canvas out. Not animated: every frame of an
    // animated fit re-renders every node, thousands of them in a big flow.
    const frame = requestAnimationFrame(() => void fitView({ padding: 0.15, duration: 0 }));
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [open, fitView]);
}

/**
 * Under the canvas while a run is shown on it: the selected task's output and
 * the run's summary, or the timeline. A click on the open tab folds it away.
 */
export function RunDock() {
  const shown = useRuns((s) => s.info !== undefined);
  const tab = useRuns((s) => s.bottomTab);
  const open = shown && tab !== 'problems';
  useRefitWhenOpened(open);
  if (!shown) return null;
  return (
    <section className={`run-dock${open ? ' is-open' : ''}`} aria-label="Run" data-testid="run-dock">
      <div className="run-dock-tabs" role="tablist">
        {TABS.map(({ tab: t, label }) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`run-dock-tab${tab === t ? ' is-active' : ''}`}
            data-testid={`dock-${t}`}
            onClick={() => {
              setBottomTab(tab === t ? 'problems' : t);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {open && <div className="run-dock-body">{tab === 'output' ? <OutputPanel /> : <TimelinePanel />}</div>}
    </section>
  );
}
