import '@xyflow/react/dist/style.css';
import './styles.css';
import './styles/canvas.css';
import './styles/toolbar.css';
import './styles/run.css';
import './styles/history.css';
import './styles/timeline.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createTransport } from './host';
import { startConnection } from './state/connection';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
startConnection(createTransport);
