import { Icon, type IconName } from './Icon';
import { Logo } from './Logo';

const LATER = 'Arrives with the flow designer';

function FileButton({ icon, label }: { readonly icon: IconName; readonly label: string }) {
  return (
    <button type="button" className="tool-button" disabled title={`${label}: ${LATER.toLowerCase()}`}>
      <Icon name={icon} />
      <span>{label}</span>
    </button>
  );
}

/** The top bar: the app's name, the file commands and the engine runs will use. */
export function Toolbar() {
  return (
    <header className="toolbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">Atomflow</span>
      </div>
      <div className="toolbar-divider" />
      <nav className="toolbar-group" aria-label="File">
        <FileButton icon="new" label="New" />
        <FileButton icon="open" label="Open" />
        <FileButton icon="save" label="Save" />
      </nav>
      <div className="toolbar-spacer" />
      <div
        className="engine"
        title="The engine runs use; choosing one arrives with the run bar"
        data-testid="engine"
      >
        <Icon name="engine" />
        <span className="engine-label">Engine</span>
        <span className="engine-value">Serial</span>
      </div>
    </header>
  );
}
