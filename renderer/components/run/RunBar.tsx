/**
 * The run bar, one row under the toolbar: the engine and its options, the
 * flow's inputs, Run (with why it cannot run), the commands on the run shown
 * (cancel, suspend, resume, clear) and its status. The commands are always
 * there (disabled when they do not apply) and what comes and goes sits at the
 * flexible middle or the right end, so nothing moves when a run starts or
 * stops.
 */
import { useShallow } from 'zustand/react/shallow';
import { useDesigner } from '../../state/designer';
import { useHostStore } from '../../state/host';
import { runBlocker } from '../../state/run';
import { cancelRun, clearRun, resumeRun, runActions, startRun, suspendRun, useRuns } from '../../state/runs';
import { Icon } from '../Icon';
import { EngineControls } from './EngineControls';
import { InputsPopover } from './InputsPopover';
import { RunStatus } from './RunStatus';

/** Why Run is disabled, as the run bar says it; undefined when the flow can run. */
function useRunReason(): string | undefined {
  const connection = useHostStore((s) => s.connection);
  return useDesigner((s) => runBlocker(s, { connection }));
}

function RunButton({ reason }: { readonly reason: string | undefined }) {
  const busy = useRuns((s) => s.busy);
  return (
    <button
      type="button"
      className="run-button runbar-run"
      disabled={reason !== undefined || busy !== undefined}
      title={
        reason ?? (busy !== undefined ? `Wait: ${busy}…` : 'Run the flow with this engine and these inputs')
      }
      data-testid="run"
      onClick={() => void startRun()}
    >
      <Icon name="run" />
      {busy === 'starting' ? 'Starting…' : 'Run'}
    </button>
  );
}

/** The commands on the run shown, each enabled as {@link runActions} says. */
const COMMANDS = [
  {
    label: 'Cancel',
    glyph: '■',
    hint: 'Cancel: stop after the running tasks; it cannot be resumed',
    testId: 'cancel-run',
    enabled: 'canCancel',
    act: cancelRun,
  },
  {
    label: 'Suspend',
    glyph: '⏸',
    hint: 'Suspend: stop after the running tasks; resume it later',
    testId: 'suspend-run',
    enabled: 'canSuspend',
    act: suspendRun,
  },
  {
    label: 'Resume',
    glyph: '▶',
    hint: 'Resume: go on from where it stopped; finished tasks are not run again',
    testId: 'resume-run',
    enabled: 'canResume',
    act: () => resumeRun(),
  },
] as const;

/** Cancel, Suspend and Resume. */
function RunCommands() {
  const actions = useRuns(useShallow(runActions));
  return (
    <div className="runbar-commands" role="group" aria-label="Run commands">
      {COMMANDS.map((c) => (
        <button
          key={c.testId}
          type="button"
          className="runbar-button"
          disabled={!actions[c.enabled]}
          title={c.hint}
          aria-label={c.label}
          data-testid={c.testId}
          onClick={() => void c.act()}
        >
          <span className="runbar-glyph" aria-hidden="true">
            {c.glyph}
          </span>
          <span className="runbar-label">{c.label}</span>
        </button>
      ))}
    </div>
  );
}

/**
 * Takes an ended run off the canvas. While the run goes on, it keeps its
 * place, invisible, so that the status beside it does not move when it ends.
 */
function ClearButton() {
  const shown = useRuns((s) => s.live !== undefined);
  const ended = useRuns((s) => s.live !== undefined && (s.live.ended || s.info?.interrupted === true));
  const busy = useRuns((s) => s.busy !== undefined);
  if (!shown) return null;
  return (
    <button
      type="button"
      className="runbar-button runbar-clear"
      disabled={!ended || busy}
      style={ended ? undefined : { visibility: 'hidden' }}
      aria-hidden={ended ? undefined : true}
      title="Take the run off the canvas (it stays in the history)"
      data-testid="clear-run"
      onClick={clearRun}
    >
      Clear
    </button>
  );
}

/** The run bar (see the module comment). */
export function RunBar() {
  const reason = useRunReason();
  return (
    <div className="runbar" role="toolbar" aria-label="Run" data-testid="run-bar">
      <EngineControls />
      <InputsPopover />
      <div className="runbar-divider" />
      <RunButton reason={reason} />
      <RunCommands />
      {reason !== undefined && (
        <span className="run-reason runbar-reason" data-testid="run-reason" title={reason}>
          {reason}
        </span>
      )}
      <div className="runbar-spacer" />
      <RunStatus />
      <ClearButton />
    </div>
  );
}
