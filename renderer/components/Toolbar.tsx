import { useReactFlow } from '@xyflow/react';
import { useRef, type ChangeEvent } from 'react';
import { autoLayout } from '../state/commands';
import { isDirty, redo, undo, useDesigner } from '../state/designer';
import { exportFile, importFile, save } from '../state/files';
import { useHostStore } from '../state/host';
import { setView, useRuns, type View } from '../state/runs';
import { modKey } from '../state/shortcuts';
import { openDialog } from '../state/ui';
import { Icon, type IconName } from './Icon';
import { Logo } from './Logo';

function ToolButton({
  icon,
  label,
  onClick,
  disabled = false,
  shortcut,
  showLabel = true,
  testId,
}: {
  readonly icon: IconName;
  readonly label: string;
  readonly onClick: () => void;
  readonly disabled?: boolean;
  readonly shortcut?: string;
  readonly showLabel?: boolean;
  readonly testId?: string;
}) {
  return (
    <button
      type="button"
      className={`tool-button${showLabel ? '' : ' icon-only'}`}
      disabled={disabled}
      onClick={onClick}
      aria-label={label}
      title={shortcut ? `${label} (${shortcut.replace('Mod', modKey())})` : label}
      data-testid={testId}
    >
      <Icon name={icon} />
      {showLabel && <span>{label}</span>}
    </button>
  );
}

function DocumentTitle() {
  const name = useDesigner((s) => s.doc.name);
  const dirty = useDesigner(isDirty);
  const savedAs = useDesigner((s) => s.savedAs);
  return (
    <div className="doc-title" data-testid="doc-title" data-dirty={dirty}>
      <span className="doc-name">{name || 'untitled'}</span>
      {dirty ? (
        <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes" />
      ) : (
        <span className="doc-state">{savedAs === undefined ? 'not saved' : 'saved'}</span>
      )}
    </div>
  );
}

const VIEWS: readonly { readonly view: View; readonly label: string; readonly hint: string }[] = [
  { view: 'design', label: 'Design', hint: 'Draw the flow and run it' },
  { view: 'history', label: 'History', hint: 'Past runs: open, compare, rerun, resume, delete' },
  { view: 'workers', label: 'Workers', hint: 'The AMQP workers of the worker-based engine' },
];

function ViewTabs() {
  const current = useRuns((s) => s.view);
  return (
    <nav className="view-tabs" aria-label="Views" role="tablist">
      {VIEWS.map(({ view, label, hint }) => (
        <button
          key={view}
          type="button"
          role="tab"
          aria-selected={current === view}
          className={`view-tab${current === view ? ' is-active' : ''}`}
          title={hint}
          data-testid={`view-${view}`}
          onClick={() => {
            setView(view);
          }}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

/** The top bar: file commands, undo and redo, layout, the flow's name, and the views. */
export function Toolbar() {
  const canUndo = useDesigner((s) => s.past.length > 0);
  const canRedo = useDesigner((s) => s.future.length > 0);
  const connected = useHostStore((s) => s.connection.status === 'connected');
  const { fitView } = useReactFlow();
  const fileInput = useRef<HTMLInputElement>(null);

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void importFile(file);
  };

  return (
    <header className="toolbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">Atomflow</span>
      </div>
      <div className="toolbar-divider" />
      <nav className="toolbar-group" aria-label="File">
        <ToolButton
          icon="new"
          label="New"
          shortcut="Mod+N"
          onClick={() => {
            openDialog('new');
          }}
        />
        <ToolButton
          icon="open"
          label="Open"
          shortcut="Mod+O"
          disabled={!connected}
          onClick={() => {
            openDialog('open');
          }}
        />
        <ToolButton
          icon="save"
          label="Save"
          shortcut="Mod+S"
          disabled={!connected}
          onClick={() => void save()}
        />
        <ToolButton
          icon="import"
          label="Import"
          shortcut="Mod+I"
          showLabel={false}
          onClick={() => fileInput.current?.click()}
          testId="import"
        />
        <ToolButton
          icon="export"
          label="Export"
          shortcut="Mod+Shift+E"
          showLabel={false}
          onClick={exportFile}
          testId="export"
        />
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          onChange={onFile}
          data-testid="import-file"
          tabIndex={-1}
          aria-hidden="true"
        />
      </nav>
      <div className="toolbar-divider" />
      <nav className="toolbar-group" aria-label="Edit">
        <ToolButton
          icon="undo"
          label="Undo"
          shortcut="Mod+Z"
          showLabel={false}
          disabled={!canUndo}
          onClick={undo}
        />
        <ToolButton
          icon="redo"
          label="Redo"
          shortcut="Mod+Shift+Z"
          showLabel={false}
          disabled={!canRedo}
          onClick={redo}
        />
        <ToolButton
          icon="layout"
          label="Auto-layout"
          shortcut="Shift+L"
          showLabel={false}
          onClick={autoLayout}
        />
        <ToolButton
          icon="fit"
          label="Zoom to fit"
          shortcut="Shift+1"
          showLabel={false}
          onClick={() => void fitView({ padding: 0.15, duration: 200 })}
        />
        <ToolButton
          icon="help"
          label="Keyboard shortcuts"
          shortcut="?"
          showLabel={false}
          onClick={() => {
            openDialog('help');
          }}
        />
      </nav>
      <div className="toolbar-spacer" />
      <DocumentTitle />
      <div className="toolbar-spacer" />
      <ViewTabs />
    </header>
  );
}
