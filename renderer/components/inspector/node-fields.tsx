/**
 * Fields tasks and groups share: the name (a rename changes the canvas id),
 * symbol lists, provides, rebind, inject, numbers and JSON. Each takes the
 * current value and a function that commits a new one (undefined removes
 * the field).
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { Problem } from '../../designer/canvas-graph';
import { symbolsOf } from '../../designer/document';
import * as ops from '../../designer/ops';
import { namesIn } from '../../designer/tree';
import { edit, select, useDesigner } from '../../state/designer';
import {
  DraftInput,
  Field,
  KeyValueEditor,
  isRecord,
  jsonText,
  parseJson,
  parseNames,
  parseNumber,
  sameJson,
  type Commit,
} from './fields';
import { NO_PROBLEMS, notOfRows } from './paths';

/** Sets one field of a node as an undo step (typing in one field coalesces); nothing if the node is gone. */
export function setNodeField(id: string, field: string, value: unknown): void {
  if (!useDesigner.getState().index.has(id)) return;
  edit(
    (d) => {
      ops.setField(d, id, field, value);
    },
    { coalesce: `${id}:${field}` },
  );
}

interface ValueFieldProps<T> {
  readonly label: string;
  /** The field's document path, which its problems name. */
  readonly field: string;
  readonly value: T;
  readonly onCommit: (value: unknown) => void;
  readonly problems?: readonly Problem[];
  readonly hint?: string;
  readonly placeholder?: string;
}

/** After a rename by Enter, the renamed node's panel takes focus back to its name. */
let focusNameOnMount = false;

/**
 * A node's name: committed on blur or Enter; an empty or taken name is
 * refused. The canvas id is the name, so the renamed node is selected again.
 */
export function NameField({
  id,
  name,
  label = 'Name',
  problems = NO_PROBLEMS,
}: {
  readonly id: string;
  readonly name: string;
  readonly label?: string;
  readonly problems?: readonly Problem[];
}) {
  const inputId = useId();
  useEffect(() => {
    if (!focusNameOnMount) return;
    focusNameOnMount = false;
    document.getElementById(inputId)?.focus();
  }, [inputId]);
  const commit: Commit = (text) => {
    const next = text.trim();
    if (next === '') return 'a name must not be empty';
    if (next === name) return undefined;
    const s = useDesigner.getState();
    if (!s.index.has(id)) return undefined;
    if (namesIn(s.doc).has(next))
      return `${JSON.stringify(next)} is already the name of another node or retry`;
    const wasSelected = s.selection.length === 1 && s.selection[0] === id;
    const byEnter = document.activeElement?.id === inputId;
    const done = edit((d) => {
      ops.renameNode(d, id, next);
    });
    if (done && wasSelected) {
      focusNameOnMount = byEnter;
      select([next]);
    }
    return undefined;
  };
  return (
    <Field label={label} htmlFor={inputId} field="name" problems={problems} required>
      <DraftInput id={inputId} text={name} commit={commit} invalid={problems.length > 0} required />
    </Field>
  );
}

/** Symbols as `a, b, c`; one name stays a string where it was one, empty removes the field. */
export function SymbolsField({
  label,
  field,
  value,
  onCommit,
  problems = NO_PROBLEMS,
  hint,
  placeholder = 'symbol, symbol…',
  alwaysList = false,
}: ValueFieldProps<unknown> & { readonly alwaysList?: boolean }) {
  const id = useId();
  const commit: Commit = (text) => {
    const list = parseNames(text);
    const next =
      list.length === 0
        ? undefined
        : !alwaysList && list.length === 1 && typeof value === 'string'
          ? list[0]
          : list;
    if (!sameJson(next, value)) onCommit(next);
    return undefined;
  };
  return (
    <Field label={label} htmlFor={id} field={field} problems={problems} hint={hint}>
      <DraftInput
        id={id}
        text={symbolsOf(value).join(', ')}
        commit={commit}
        mono
        placeholder={placeholder}
        invalid={problems.length > 0}
      />
    </Field>
  );
}

/**
 * Optional parameters: a list of names, or (when the task gives defaults) a
 * map of names to default values, edited as JSON.
 */
export function OptionalField({
  mapHint,
  ...props
}: ValueFieldProps<unknown> & {
  /** The hint while it is a map of defaults. */
  readonly mapHint?: string;
}) {
  return isRecord(props.value) ? (
    <JsonField {...props} {...(mapHint === undefined ? {} : { hint: mapHint })} />
  ) : (
    <SymbolsField {...props} alwaysList />
  );
}

/** Any JSON, in a textarea parsed on blur (empty removes the field). */
export function JsonField({
  label,
  field,
  value,
  onCommit,
  problems = NO_PROBLEMS,
  hint,
  placeholder = 'JSON',
  check,
  aside,
}: ValueFieldProps<unknown> & {
  /** Why a parsed value will not do, if it will not. */
  readonly check?: (value: unknown) => string | undefined;
  readonly aside?: ReactNode;
}) {
  const id = useId();
  const text = jsonText(value, true);
  const commit: Commit = (t) => {
    if (t.trim() === '') {
      if (value !== undefined) onCommit(undefined);
      return undefined;
    }
    const parsed = parseJson(t);
    if (!parsed.ok) return parsed.error;
    const why = check?.(parsed.value);
    if (why !== undefined) return why;
    if (!sameJson(parsed.value, value)) onCommit(parsed.value);
    return undefined;
  };
  return (
    <Field label={label} htmlFor={id} field={field} problems={problems} hint={hint} aside={aside}>
      <DraftInput
        id={id}
        multiline
        code
        rows={Math.max(3, Math.min(12, text.split('\n').length + 1))}
        text={text}
        commit={commit}
        mono
        placeholder={placeholder}
        invalid={problems.length > 0}
      />
    </Field>
  );
}

/** A whole number (empty removes the field). */
export function IntegerField({
  label,
  field,
  value,
  onCommit,
  problems = NO_PROBLEMS,
  hint,
  placeholder,
  min,
  max,
  required = false,
}: ValueFieldProps<unknown> & { readonly min?: number; readonly max?: number; readonly required?: boolean }) {
  const id = useId();
  const commit: Commit = (text) => {
    const parsed = parseNumber(text, { integer: true, min, max });
    if (!parsed.ok) return parsed.error;
    if (parsed.value !== value) onCommit(parsed.value);
    return undefined;
  };
  return (
    <Field label={label} htmlFor={id} field={field} problems={problems} hint={hint} required={required}>
      <DraftInput
        id={id}
        type="number"
        text={typeof value === 'number' ? String(value) : value === undefined ? '' : JSON.stringify(value)}
        commit={commit}
        min={min}
        max={max}
        step={1}
        mono
        placeholder={placeholder}
        invalid={problems.length > 0}
        required={required}
      />
    </Field>
  );
}

/**
 * What a task (or retry) provides: a name (its whole result), a list (by
 * position) or a map symbol → key. A list edits as `a, b`; a map, or any
 * shape on request, as JSON.
 */
export function ProvidesField({
  field,
  value,
  onCommit,
  problems = NO_PROBLEMS,
  label = 'Provides',
}: Omit<ValueFieldProps<unknown>, 'label'> & { readonly label?: string }) {
  const id = useId();
  const [asJson, setAsJson] = useState(() => isRecord(value));
  const json = asJson || isRecord(value);
  const toggle = isRecord(value) ? undefined : (
    <button
      type="button"
      className="insp-link-button"
      aria-pressed={asJson}
      onClick={() => {
        setAsJson(!asJson);
      }}
    >
      {asJson ? 'Edit as list' : 'Edit as JSON'}
    </button>
  );
  if (json) {
    return (
      <JsonField
        label={label}
        field={field}
        value={value}
        onCommit={onCommit}
        problems={problems}
        aside={toggle}
        hint='A name, a list, or a map symbol → key of the result: {"total": "sum"}.'
        check={(v) =>
          typeof v === 'string' || Array.isArray(v) || isRecord(v)
            ? undefined
            : 'a name, a list of names or a map of them'
        }
      />
    );
  }
  const commit: Commit = (text) => {
    const list = parseNames(text);
    const next = list.length === 0 ? undefined : list.length === 1 ? list[0] : list;
    if (!sameJson(next, value)) onCommit(next);
    return undefined;
  };
  return (
    <Field
      label={label}
      htmlFor={id}
      field={field}
      problems={problems}
      aside={toggle}
      hint="One name gets the whole result; several get its items by position."
    >
      <DraftInput
        id={id}
        text={symbolsOf(value).join(', ')}
        commit={commit}
        mono
        placeholder="symbol, symbol…"
        invalid={problems.length > 0}
      />
    </Field>
  );
}

/** Rebinding: rows parameter → symbol (a list, zipped with the parameters, edits as `a, b`). */
export function RebindField({
  label,
  field,
  value,
  onCommit,
  problems = NO_PROBLEMS,
  hint = 'Reads a parameter from another symbol: parameter → symbol.',
}: ValueFieldProps<unknown>) {
  const labelId = useId();
  if (Array.isArray(value)) {
    return (
      <SymbolsField
        label={label}
        field={field}
        value={value}
        onCommit={onCommit}
        problems={problems}
        alwaysList
        hint="Symbols for the required parameters, in order."
      />
    );
  }
  return (
    <Field label={label} labelId={labelId} field={field} problems={notOfRows(problems, value)} hint={hint}>
      <KeyValueEditor
        labelId={labelId}
        value={isRecord(value) ? value : undefined}
        format={(v) => (typeof v === 'string' ? v : jsonText(v))}
        parse={(text) =>
          text.trim() === '' ? { ok: false, error: 'needs a symbol' } : { ok: true, value: text.trim() }
        }
        onCommit={onCommit}
        keyPlaceholder="parameter"
        valuePlaceholder="symbol"
        problems={problems}
      />
    </Field>
  );
}

/** Rows of name → JSON value (inject, the flow's inputs). */
export function JsonMapField({
  label,
  field,
  value,
  onCommit,
  problems = NO_PROBLEMS,
  hint,
  keyPlaceholder = 'symbol',
}: ValueFieldProps<unknown> & { readonly keyPlaceholder?: string }) {
  const labelId = useId();
  return (
    <Field label={label} labelId={labelId} field={field} problems={notOfRows(problems, value)} hint={hint}>
      <KeyValueEditor
        labelId={labelId}
        value={isRecord(value) ? value : undefined}
        format={(v) => jsonText(v)}
        parse={(text) => (text.trim() === '' ? { ok: false, error: 'needs a JSON value' } : parseJson(text))}
        onCommit={onCommit}
        keyPlaceholder={keyPlaceholder}
        valuePlaceholder="JSON value"
        problems={problems}
      />
    </Field>
  );
}
