import { Canvas } from './components/Canvas';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';

/** The application frame: toolbar, canvas, status bar. */
export function App() {
  return (
    <div className="app">
      <Toolbar />
      <main className="workspace">
        <Canvas />
      </main>
      <StatusBar />
    </div>
  );
}
