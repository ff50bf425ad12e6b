/**
 * The flow's inputs for the next run: a button saying how many the flow
 * declares, opening a small form with one field per input. An empty field
 * runs with the document's own value (shown as its placeholder).
 */
import { useId } from 'react';
import { useDesigner } from '../../state/designer';
import { parseInputs, setInput, useRuns } from '../../state/runs';
import { usePopover } from '../use-popover';

const NO_INPUTS: Readonly<Record<string, unknown>> = {};

function asJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/** Why the typed text would not run (the run refuses it the same way), or undefined. */
function problemOf(name: string, text: string): string | undefined {
  const parsed = parseInputs({ [name]: text }, undefined);
  return parsed.ok ? undefined : parsed.error;
}

function InputField({ name, declared }: { readonly name: string; readonly declared: unknown }) {
  const text = useRuns((s) => s.inputs[name] ?? '');
  const problem = problemOf(name, text);
  const id = useId();
  return (
    <div className="inputs-row">
      <label className="inputs-name" htmlFor={id} title={name}>
        {name}
      </label>
      <input
        id={id}
        type="text"
        className={`runbar-input inputs-value${problem ? ' is-invalid' : ''}`}
        value={text}
        placeholder={asJson(declared)}
        spellCheck={false}
        aria-invalid={problem !== undefined}
        title={problem ?? 'JSON, or plain text for a string; empty: the flow’s own value'}
        data-testid={`input-${name}`}
        onChange={(e) => {
          setInput(name, e.target.value);
        }}
      />
    </div>
  );
}

/** The Inputs button and its popover (closed by Escape, a click outside, or the button). */
export function InputsPopover() {
  const declared = useDesigner((s) => s.doc.inputs) ?? NO_INPUTS;
  const names = Object.keys(declared);
  const overridden = useRuns((s) => names.filter((n) => (s.inputs[n] ?? '').trim() !== '').length);
  const { open, setOpen, root, panelId } = usePopover();

  return (
    <div className="inputs-anchor" ref={root}>
      <button
        type="button"
        className={`runbar-button${open ? ' is-active' : ''}`}
        aria-expanded={open}
        aria-controls={panelId}
        title={
          overridden > 0
            ? `${String(overridden)} of the flow’s inputs set for the next run`
            : 'The flow’s inputs for the next run'
        }
        data-testid="run-inputs"
        onClick={() => {
          setOpen(!open);
        }}
      >
        Inputs
        <span className="runbar-badge">{names.length}</span>
        {overridden > 0 && <span className="inputs-dot" aria-label="values set" />}
      </button>
      {open && (
        <div className="inputs-popover" id={panelId} role="dialog" aria-label="Inputs for the next run">
          {names.length === 0 ? (
            <p className="inputs-empty" data-testid="inputs-none">
              This flow declares no inputs. Inputs are edited in the flow panel: select nothing on the canvas
              and the inspector shows the flow.
            </p>
          ) : (
            <>
              <p className="inputs-hint">For the next run. Empty: the flow’s own value.</p>
              {names.map((n) => (
                <InputField key={n} name={n} declared={declared[n]} />
              ))}
            </>
          )}
        </div>
      )}
    </div>
  );
}
