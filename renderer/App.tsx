import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './components/Canvas';
import { Dialogs } from './components/dialogs/Dialogs';
import { Inspector } from './components/inspector/Inspector';
import { NoticeToast } from './components/NoticeToast';
import { Palette } from './components/palette/Palette';
import { ProblemsPanel } from './components/ProblemsPanel';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { isDirty, useDesigner } from './state/designer';
import { useShortcuts, useUnsavedGuard } from './state/use-shortcuts';

function Designer() {
  useShortcuts();
  useUnsavedGuard(useDesigner(isDirty));
  return (
    <div className="app">
      <Toolbar />
      <main className="workspace">
        <Palette />
        <div className="center">
          <div className="canvas-area">
            <Canvas />
          </div>
          <ProblemsPanel />
        </div>
        <Inspector />
      </main>
      <StatusBar />
      <Dialogs />
      <NoticeToast />
    </div>
  );
}

/** The application frame: toolbar, palette, canvas, inspector, problems, status bar. */
export function App() {
  return (
    <ReactFlowProvider>
      <Designer />
    </ReactFlowProvider>
  );
}
