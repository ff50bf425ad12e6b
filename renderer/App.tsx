import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './components/Canvas';
import { Dialogs } from './components/dialogs/Dialogs';
import { HistoryView } from './components/history/HistoryView';
import { Inspector } from './components/inspector/Inspector';
import { NoticeToast } from './components/NoticeToast';
import { Palette } from './components/palette/Palette';
import { ProblemsPanel } from './components/ProblemsPanel';
import { RunBar } from './components/run/RunBar';
import { RunDock } from './components/run/RunDock';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { WorkersView } from './components/workers/WorkersView';
import { isDirty, useDesigner } from './state/designer';
import { useRuns } from './state/runs';
import { useShortcuts, useUnsavedGuard } from './state/use-shortcuts';

/** The designer: palette, canvas with the run on it, inspector; the run bar above. */
function DesignView() {
  return (
    <>
      <RunBar />
      <main className="workspace">
        <Palette />
        <div className="center">
          <div className="canvas-area">
            <Canvas />
          </div>
          <RunDock />
          <ProblemsPanel />
        </div>
        <Inspector />
      </main>
    </>
  );
}

function Frame() {
  const view = useRuns((s) => s.view);
  // The designer's shortcuts act on the canvas: only while it is shown.
  useShortcuts(view === 'design');
  useUnsavedGuard(useDesigner(isDirty));
  return (
    <div className={`app view-${view}`}>
      <Toolbar />
      {view === 'design' ? <DesignView /> : view === 'history' ? <HistoryView /> : <WorkersView />}
      <StatusBar />
      <Dialogs />
      <NoticeToast />
    </div>
  );
}

/** The application frame: toolbar, the design, history or workers view, status bar. */
export function App() {
  return (
    <ReactFlowProvider>
      <Frame />
    </ReactFlowProvider>
  );
}
