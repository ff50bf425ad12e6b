import { useId, useState } from 'react';
import type { Problem } from '../designer/canvas-graph';
import { select, useDesigner, type DesignerState } from '../state/designer';
import '../styles/panels.css';

interface Row {
  readonly problem: Problem;
  /** The canvas id of the node it is about, when that node is on the canvas. */
  readonly id: string | undefined;
}

/** Each problem with the canvas node it belongs to (the same mapping that puts badges on the nodes). */
function rowsOf(s: Pick<DesignerState, 'problems' | 'problemsById' | 'index'>): Row[] {
  const idOf = new Map<Problem, string>();
  for (const [id, list] of s.problemsById) for (const p of list) idOf.set(p, id);
  return s.problems.map((problem) => {
    let id = idOf.get(problem);
    if (id === undefined && problem.node !== undefined) {
      // Ids are names, except for a name used twice (`name~2`): look the name up.
      if (s.index.has(problem.node)) id = problem.node;
      else id = [...s.index.values()].find((l) => l.node.name === problem.node)?.id;
    }
    return { problem, id };
  });
}

function stateText(s: Pick<DesignerState, 'validation' | 'validationError'>, count: number): string {
  switch (s.validation) {
    case 'checking':
      return 'Checking…';
    case 'unavailable':
      return `Validation unavailable: ${s.validationError ?? 'not connected to the host'}`;
    case 'checked':
      return count === 0 ? 'No problems' : `${String(count)} to fix before saving`;
  }
}

function Chevron({ open }: { open: boolean }) {
  return (
    <svg className={`prob-chevron${open ? ' is-open' : ''}`} viewBox="0 0 24 24" aria-hidden="true">
      <path d="m9 6 6 6-6 6" />
    </svg>
  );
}

function ProblemIcon() {
  return (
    <svg className="prob-icon" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5v5.5M12 16.4v.1" />
    </svg>
  );
}

function RowContent({ problem }: { problem: Problem }) {
  return (
    <>
      <ProblemIcon />
      <span className={`prob-node${problem.node === undefined ? ' prob-node-flow' : ''}`}>
        {problem.node ?? 'flow'}
      </span>
      {problem.path !== '' && <code className="prob-path">{problem.path}</code>}
      <span className="prob-message">{problem.message}</span>
    </>
  );
}

/** The host's problems with the flow, listed; a click on one selects its node. */
export function ProblemsPanel() {
  const problems = useDesigner((s) => s.problems);
  const problemsById = useDesigner((s) => s.problemsById);
  const index = useDesigner((s) => s.index);
  const validation = useDesigner((s) => s.validation);
  const validationError = useDesigner((s) => s.validationError);
  const selection = useDesigner((s) => s.selection);
  const [open, setOpen] = useState(true);
  const listId = useId();

  const rows = rowsOf({ problems, problemsById, index });
  const count = problems.length;
  const state = stateText({ validation, validationError }, count);
  // A clean flow keeps only the header: the canvas gets the room.
  const shown = open && (count > 0 || validation === 'unavailable');

  return (
    <section
      className={`problems${shown ? ' is-open' : ''}`}
      data-testid="problems"
      aria-label="Problems"
      data-validation={validation}
    >
      <header className="prob-header">
        <button
          type="button"
          className="prob-toggle"
          aria-expanded={open}
          aria-controls={listId}
          title={open ? 'Hide problems' : 'Show problems'}
          onClick={() => {
            setOpen(!open);
          }}
        >
          <Chevron open={open} />
          <span className="prob-title">Problems</span>
          <span
            className={`prob-count${count > 0 ? ' has-problems' : ''}`}
            data-testid="problems-count"
            aria-label={`${String(count)} ${count === 1 ? 'problem' : 'problems'}`}
          >
            {count}
          </span>
        </button>
        <span
          className={`prob-state prob-state-${validation}${validation === 'checked' && count === 0 ? ' is-clean' : ''}`}
          data-testid="problems-state"
          title={state}
          role="status"
        >
          {validation === 'checking' && <span className="prob-spinner" aria-hidden="true" />}
          {state}
        </span>
      </header>
      {shown && (
        <ul className={`prob-list${validation === 'checking' ? ' is-stale' : ''}`} id={listId}>
          {rows.length === 0 && (
            <li className="prob-empty">
              {validation === 'checked'
                ? 'The host finds nothing wrong with this flow.'
                : validation === 'checking'
                  ? 'The host is checking the flow…'
                  : 'Problems show here once the host can check the flow.'}
            </li>
          )}
          {rows.map(({ problem, id }, i) => (
            <li key={`${String(i)}:${problem.node ?? ''}:${problem.path}`} data-testid="problem-row">
              {id === undefined ? (
                <div className="prob-row" title={problem.message}>
                  <RowContent problem={problem} />
                </div>
              ) : (
                <button
                  type="button"
                  className={`prob-row prob-row-link${selection.includes(id) ? ' is-selected' : ''}`}
                  title={`${problem.message}\n\nClick to select ${problem.node ?? id}`}
                  onClick={() => {
                    select([id]);
                  }}
                >
                  <RowContent problem={problem} />
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
