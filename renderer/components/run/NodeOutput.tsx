/**
 * The selected node's part of the run: its state and times, its failure
 * (with the stack folded away), what it provided once the run ended, and its
 * output lines as they come. A group shows its retry controller, if it has one.
 */
import type { FailureData, LogLineData } from '../../../app/contract/results';
import { symbolsOf, type TaskDoc } from '../../designer/document';
import type { Located } from '../../designer/tree';
import type { AtomLive } from '../../run/live';
import { ATOM_LOOKS } from '../../run/looks';
import { useRuns } from '../../state/runs';
import { retryAtomName } from '../canvas/group-summary';
import { AtomTime } from '../canvas/RunOverlay';
import { LogLines } from './LogLines';

const NO_LINES: readonly LogLineData[] = [];

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

function FailureBox({ failure, testId }: { readonly failure: FailureData; readonly testId: string }) {
  return (
    <div className="output-failure" data-testid={testId}>
      <div className="output-failure-head">
        <span className="output-failure-type">{failure.type}</span>
        {failure.phase === 'revert' && <span className="output-failure-phase">while reverting</span>}
      </div>
      <div className="output-failure-message">{failure.message}</div>
      {failure.stack !== undefined && failure.stack !== '' && (
        <details className="output-stack" data-testid="output-stack">
          <summary>Stack</summary>
          <pre>{failure.stack}</pre>
        </details>
      )}
    </div>
  );
}

/** What the task provided, from the run's results once it ended. */
function Result({ task }: { readonly task: TaskDoc }) {
  const results = useRuns((s) => (s.live?.ended === true ? s.live.results : undefined));
  const symbols = symbolsOf(task.provides);
  if (symbols.length === 0) return null;
  let body: string;
  if (results === undefined) {
    body = `Provides ${symbols.join(', ')}: shown when the run ends.`;
  } else {
    const provided = symbols.filter((s) => s in results);
    body =
      provided.length === 0
        ? `No value for ${symbols.join(', ')} (the run did not provide it).`
        : JSON.stringify(Object.fromEntries(provided.map((s) => [s, results[s]])), null, 2);
  }
  return (
    <div className="output-result" data-testid="output-result">
      <div className="output-section-title">Result</div>
      <pre className={results === undefined ? 'is-pending' : undefined}>{body}</pre>
    </div>
  );
}

function AtomHeader({ name, atom }: { readonly name: string; readonly atom: AtomLive | undefined }) {
  const state = atom?.state ?? 'PENDING';
  const look = ATOM_LOOKS[state];
  return (
    <header className="output-head">
      <span className="output-name" title={name}>
        {name}
      </span>
      <span className={`state-chip run-${look.tone}`} data-testid="output-state" data-state={state}>
        <span aria-hidden="true">{look.icon}</span> {look.label}
      </span>
      {atom === undefined && <span className="output-meta">not reached yet</span>}
      {atom?.startedAt !== undefined && (
        <span className="output-meta">started {clockTime(atom.startedAt)}</span>
      )}
      {atom && <AtomTime atom={atom} className="output-meta output-time" testId="output-time" />}
      {atom !== undefined && atom.executions > 1 && (
        <span className="output-meta" data-testid="output-executions">
          ran {atom.executions} times
        </span>
      )}
    </header>
  );
}

/** An atom's state, times and failures (a task's or a retry controller's). */
function AtomDetails({ name, task }: { readonly name: string; readonly task: TaskDoc | undefined }) {
  const atom = useRuns((s) => s.live?.atoms[name]);
  const lines = useRuns((s) => s.live?.logs[name]) ?? NO_LINES;
  return (
    <div className="output-node" data-testid="output-node" data-name={name}>
      <AtomHeader name={name} atom={atom} />
      <div className="output-body">
        {(atom?.failure || atom?.revertFailure || task) && (
          <div className="output-details">
            {atom?.failure && <FailureBox failure={atom.failure} testId="output-failure" />}
            {atom?.revertFailure && (
              <FailureBox failure={atom.revertFailure} testId="output-revert-failure" />
            )}
            {task && <Result task={task} />}
          </div>
        )}
        {task && <LogLines lines={lines} empty="No output from this task." />}
      </div>
    </div>
  );
}

/** The output of the node at `loc`: a task's, or a group's retry controller's. */
export function NodeOutput({ loc }: { readonly loc: Located }) {
  const node = loc.node;
  if (node.type === 'task') return <AtomDetails name={node.name} task={node} />;
  const retry = retryAtomName(node);
  if (retry !== undefined) return <AtomDetails name={retry} task={undefined} />;
  return (
    <div className="output-placeholder" data-testid="output-placeholder">
      {node.name || 'This group'} is a group: select a task inside it to see its output.
    </div>
  );
}
