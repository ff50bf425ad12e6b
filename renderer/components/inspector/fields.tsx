/**
 * The inspector's building blocks: a labelled field that shows its problems,
 * text inputs that commit on every keystroke, inputs that keep a draft and
 * commit it on blur or Enter (numbers, lists, JSON), key/value rows, and a
 * code area where Tab indents.
 */
import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type ChangeEvent,
  type FocusEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { Problem } from '../../designer/canvas-graph';
import { firstKey, messagesOf, NO_PROBLEMS } from './paths';

/* Layout */

export function Section({
  title,
  children,
  aside,
}: {
  readonly title: string;
  readonly children: ReactNode;
  readonly aside?: ReactNode;
}) {
  return (
    <section className="insp-section">
      <div className="insp-section-head">
        <h3 className="insp-section-title">{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

export interface FieldProps {
  readonly label: string;
  /** The control the label names (a single input, select or textarea). */
  readonly htmlFor?: string;
  /** For a group of controls (rows, radios): the label's id, which the group names with aria-labelledby. */
  readonly labelId?: string;
  /** The document path of the field (`requires`, `config.code`), which problems name. */
  readonly field?: string;
  readonly required?: boolean;
  /** Problems of this field, with paths relative to it. */
  readonly problems?: readonly Problem[];
  readonly hint?: ReactNode;
  /** Shown at the right of the label. */
  readonly aside?: ReactNode;
  /** Label and control side by side (checkboxes). */
  readonly inline?: boolean;
  readonly children: ReactNode;
}

/** A label, its control, a hint, and the problems of the field under it. */
export function Field({
  label,
  htmlFor,
  labelId,
  field,
  required = false,
  problems = NO_PROBLEMS,
  hint,
  aside,
  inline = false,
  children,
}: FieldProps) {
  const labelClass = `insp-label${required ? ' insp-label-required' : ''}`;
  const labelElement =
    htmlFor !== undefined ? (
      <label htmlFor={htmlFor} id={labelId} className={labelClass}>
        {label}
      </label>
    ) : (
      <span id={labelId} className={labelClass}>
        {label}
      </span>
    );
  const classes = ['insp-field'];
  if (problems.length > 0) classes.push('insp-field-invalid');
  if (inline) classes.push('insp-field-inline');
  return (
    <div className={classes.join(' ')} data-field={field}>
      {inline ? (
        <div className="insp-inline-row">
          {children}
          {labelElement}
          {aside}
        </div>
      ) : (
        <>
          <div className="insp-field-head">
            {labelElement}
            {aside}
          </div>
          {children}
        </>
      )}
      {hint !== undefined && <div className="insp-hint">{hint}</div>}
      <FieldErrors problems={problems} />
    </div>
  );
}

export function FieldErrors({ problems }: { readonly problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="insp-field-errors">
      {messagesOf(problems).map((m, i) => (
        <li key={i} className="insp-field-error">
          {m}
        </li>
      ))}
    </ul>
  );
}

function inputClass(opts: {
  mono?: boolean;
  invalid?: boolean;
  multiline?: boolean;
  extra?: string;
}): string {
  const c = ['insp-input'];
  if (opts.multiline) c.push('insp-textarea');
  if (opts.mono) c.push('insp-mono');
  if (opts.invalid) c.push('insp-invalid');
  if (opts.extra) c.push(opts.extra);
  return c.join(' ');
}

/* Tab indents in code */

/** Tab inserts two spaces (Escape then Tab leaves the field, as in code editors). */
function useIndent(ref: RefObject<HTMLTextAreaElement | null>, onText: (text: string) => void) {
  const caret = useRef<number | undefined>(undefined);
  const escaped = useRef(false);
  useLayoutEffect(() => {
    const at = caret.current;
    const el = ref.current;
    if (at === undefined || el === null) return;
    caret.current = undefined;
    el.setSelectionRange(at, at);
  });
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (e.key === 'Escape') {
      escaped.current = true;
      return false;
    }
    const leaving = escaped.current;
    escaped.current = false;
    if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey || leaving) return false;
    e.preventDefault();
    const t = e.currentTarget;
    const start = t.selectionStart;
    const end = t.selectionEnd;
    caret.current = start + 2;
    onText(`${t.value.slice(0, start)}  ${t.value.slice(end)}`);
    return true;
  };
  return onKeyDown;
}

/* Live text: every keystroke commits (the designer makes typing in one field one undo step). */

export interface TextInputProps {
  readonly id: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly placeholder?: string;
  readonly invalid?: boolean;
  readonly mono?: boolean;
  readonly required?: boolean;
  /** A textarea; code gets Tab indenting. */
  readonly multiline?: boolean;
  readonly code?: boolean;
  readonly rows?: number;
  readonly inputMode?: 'text' | 'url';
}

export function TextInput({
  id,
  value,
  onChange,
  placeholder,
  invalid = false,
  mono = false,
  required = false,
  multiline = false,
  code = false,
  rows,
  inputMode,
}: TextInputProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const indent = useIndent(area, onChange);
  if (multiline) {
    return (
      <textarea
        id={id}
        ref={area}
        className={inputClass({
          mono: mono || code,
          invalid,
          multiline: true,
          extra: code ? 'insp-code' : '',
        })}
        value={value}
        rows={rows ?? (code ? Math.min(24, Math.max(6, value.split('\n').length + 1)) : 3)}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={invalid || undefined}
        aria-required={required || undefined}
        onChange={(e) => {
          onChange(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (code) indent(e);
        }}
      />
    );
  }
  return (
    <input
      id={id}
      type="text"
      className={inputClass({ mono, invalid })}
      value={value}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
      inputMode={inputMode}
      aria-invalid={invalid || undefined}
      aria-required={required || undefined}
      onChange={(e) => {
        onChange(e.currentTarget.value);
      }}
    />
  );
}

/* Drafts: the text is the person's until it parses, then it commits on blur or Enter. */

/** Commits a draft: undefined when it went in, or the reason it cannot. */
export type Commit = (text: string) => string | undefined;

export interface DraftInputProps {
  readonly id: string;
  /** The committed value as text (what shows while nobody edits). */
  readonly text: string;
  readonly commit: Commit;
  readonly multiline?: boolean;
  /** Tab indents (multiline). */
  readonly code?: boolean;
  readonly rows?: number;
  readonly mono?: boolean;
  readonly placeholder?: string;
  readonly invalid?: boolean;
  readonly required?: boolean;
  readonly type?: 'text' | 'number';
  readonly min?: number;
  readonly max?: number;
  readonly step?: number | 'any';
  readonly ariaLabel?: string;
}

/**
 * An input with a draft of its own: typing changes only the draft; blur or
 * Enter (Ctrl+Enter in a textarea) commits it, Escape goes back to the
 * committed text. A draft that does not parse stays, with its error, and is
 * not committed. A draft still open when the input goes away is committed.
 */
export function DraftInput({
  id,
  text,
  commit,
  multiline = false,
  code = false,
  rows,
  mono = false,
  placeholder,
  invalid = false,
  required = false,
  type = 'text',
  min,
  max,
  step,
  ariaLabel,
}: DraftInputProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [bad, setBad] = useState(false);
  const errorId = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const indent = useIndent(area, (t) => {
    setDraft(t);
    setError(undefined);
  });

  // The latest way to commit what is open, for when the input goes away mid-edit.
  const pending = useRef<(() => void) | undefined>(undefined);
  useEffect(() => {
    pending.current =
      draft === null || draft === text || bad
        ? undefined
        : () => {
            commit(draft);
          };
  });
  useEffect(
    () => () => {
      const p = pending;
      p.current?.();
    },
    [],
  );

  const finish = (): void => {
    if (draft === null) return;
    if (bad) {
      setError('not a number');
      return;
    }
    if (draft === text) {
      setDraft(null);
      setError(undefined);
      return;
    }
    const why = commit(draft);
    if (why === undefined) {
      pending.current = undefined;
      setDraft(null);
      setError(undefined);
    } else {
      setError(why);
    }
  };
  const revert = (): void => {
    pending.current = undefined;
    setDraft(null);
    setError(undefined);
    setBad(false);
  };
  const onChange = (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>): void => {
    setDraft(e.currentTarget.value);
    setError(undefined);
    if (type === 'number') setBad((e.currentTarget as HTMLInputElement).validity?.badInput ?? false);
  };
  const shown = draft ?? text;
  const wrong = invalid || error !== undefined;
  const describedBy = error === undefined ? undefined : errorId;

  const control = multiline ? (
    <textarea
      id={id}
      ref={area}
      className={inputClass({
        mono: mono || code,
        invalid: wrong,
        multiline: true,
        extra: code ? 'insp-code' : '',
      })}
      value={shown}
      rows={rows ?? Math.min(16, Math.max(code ? 6 : 3, shown.split('\n').length + 1))}
      placeholder={placeholder}
      spellCheck={false}
      aria-label={ariaLabel}
      aria-invalid={wrong || undefined}
      aria-required={required || undefined}
      aria-describedby={describedBy}
      onChange={onChange}
      onBlur={finish}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && draft !== null) {
          revert();
        } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          finish();
          return;
        }
        if (code) indent(e);
      }}
    />
  ) : (
    <input
      id={id}
      type={type}
      className={inputClass({ mono, invalid: wrong })}
      value={shown}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
      min={min}
      max={max}
      step={step}
      aria-label={ariaLabel}
      aria-invalid={wrong || undefined}
      aria-required={required || undefined}
      aria-describedby={describedBy}
      onChange={onChange}
      onBlur={finish}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish();
        } else if (e.key === 'Escape' && draft !== null) {
          revert();
        }
      }}
    />
  );
  return (
    <>
      {control}
      {error !== undefined && (
        <div className="insp-field-error" id={errorId}>
          {error}
        </div>
      )}
    </>
  );
}

/* Parsing */

/** Names from `a, b, c` (blanks dropped). */
export function parseNames(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** JSON as one line (rows) or indented (textareas); `undefined` as nothing. */
export function jsonText(value: unknown, indent = false): string {
  if (value === undefined) return '';
  return JSON.stringify(value, null, indent ? 2 : undefined) ?? '';
}

/** A number from a number input's text: undefined when empty, or why it is not one the schema takes. */
export function parseNumber(
  text: string,
  opts: { integer?: boolean; min?: number; max?: number },
): Parsed<number | undefined> {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, error: 'not a number' };
  if (opts.integer && !Number.isInteger(n)) return { ok: false, error: 'must be a whole number' };
  if (opts.min !== undefined && n < opts.min) return { ok: false, error: `must be at least ${opts.min}` };
  if (opts.max !== undefined && n > opts.max) return { ok: false, error: `must be at most ${opts.max}` };
  return { ok: true, value: n };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/* Key/value rows */

interface Row {
  readonly rid: number;
  readonly key: string;
  readonly text: string;
}

let nextRowId = 0;

function rowsOf(value: Record<string, unknown> | undefined, format: (v: unknown) => string): Row[] {
  return Object.entries(value ?? {}).map(([key, v]) => ({ rid: ++nextRowId, key, text: format(v) }));
}

interface Built {
  readonly map: Record<string, unknown>;
  /** Row id → why the row cannot go in. */
  readonly errors: Map<number, string>;
}

function build(rows: readonly Row[], parse: (text: string) => Parsed<unknown>): Built {
  const map: Record<string, unknown> = {};
  const errors = new Map<number, string>();
  const seen = new Set<string>();
  for (const r of rows) {
    const key = r.key.trim();
    if (key === '' && r.text.trim() === '') continue;
    if (key === '') {
      errors.set(r.rid, 'needs a name');
      continue;
    }
    if (seen.has(key)) {
      errors.set(r.rid, `${JSON.stringify(key)} is there already`);
      continue;
    }
    seen.add(key);
    const parsed = parse(r.text);
    if (!parsed.ok) {
      errors.set(r.rid, parsed.error);
      continue;
    }
    map[key] = parsed.value;
  }
  return { map, errors };
}

export interface KeyValueEditorProps {
  /** The id of the label naming the rows. */
  readonly labelId: string;
  readonly value: Record<string, unknown> | undefined;
  readonly format: (value: unknown) => string;
  readonly parse: (text: string) => Parsed<unknown>;
  /** The new map (undefined when it has no rows). */
  readonly onCommit: (map: Record<string, unknown> | undefined) => void;
  readonly keyPlaceholder?: string;
  readonly valuePlaceholder?: string;
  readonly monoValues?: boolean;
  /** Problems of the field, paths relative to it (`.KEY…`, `["odd key"]`): they mark their rows. */
  readonly problems?: readonly Problem[];
  readonly addLabel?: string;
}

/**
 * Rows of name and value, with add and remove. Rows commit together when
 * focus leaves them (or on Enter); a row that does not parse keeps its text
 * and its error, and nothing is committed until it does.
 */
export function KeyValueEditor({
  labelId,
  value,
  format,
  parse,
  onCommit,
  keyPlaceholder = 'name',
  valuePlaceholder = 'value',
  monoValues = true,
  problems = NO_PROBLEMS,
  addLabel = 'Add',
}: KeyValueEditorProps) {
  const [rows, setRows] = useState<Row[]>(() => rowsOf(value, format));
  const [seen, setSeen] = useState(value);
  const [showErrors, setShowErrors] = useState(false);
  const focusRow = useRef<number | undefined>(undefined);
  const container = useRef<HTMLDivElement>(null);

  // The document changed under the rows (undo, another edit): show it, unless the rows say the same.
  if (value !== seen) {
    setSeen(value);
    if (!sameJson(build(rows, parse).map, value ?? {})) {
      setRows(rowsOf(value, format));
      setShowErrors(false);
    }
  }

  // A row just added takes focus.
  useEffect(() => {
    const rid = focusRow.current;
    if (rid === undefined) return;
    focusRow.current = undefined;
    container.current?.querySelector<HTMLInputElement>(`[data-row="${String(rid)}"] input`)?.focus();
  });

  const pending = useRef<(() => void) | undefined>(undefined);
  const built = build(rows, parse);
  /** The map the rows make, or undefined when it is what the document has (or rows do not parse). */
  const changed = (b: Built): { map: Record<string, unknown> | undefined } | undefined => {
    if (b.errors.size > 0) return undefined;
    const map = Object.keys(b.map).length === 0 ? undefined : b.map;
    if (value === undefined ? map === undefined : map !== undefined && sameJson(map, value)) return undefined;
    return { map };
  };
  const commitRows = (next: readonly Row[]): void => {
    const b = build(next, parse);
    setShowErrors(b.errors.size > 0);
    const c = changed(b);
    pending.current = undefined;
    if (c !== undefined) onCommit(c.map);
  };

  // Rows still being edited when the editor goes away are committed.
  useEffect(() => {
    const c = changed(built);
    pending.current =
      c === undefined
        ? undefined
        : () => {
            onCommit(c.map);
          };
  });
  useEffect(
    () => () => {
      const p = pending;
      p.current?.();
    },
    [],
  );

  const update = (rid: number, patch: Partial<Omit<Row, 'rid'>>): void => {
    setRows((rs) => rs.map((r) => (r.rid === rid ? { ...r, ...patch } : r)));
  };
  const remove = (rid: number): void => {
    const next = rows.filter((r) => r.rid !== rid);
    setRows(next);
    commitRows(next);
  };
  const add = (): void => {
    const row = { rid: ++nextRowId, key: '', text: '' };
    focusRow.current = row.rid;
    setRows([...rows, row]);
  };
  const onBlur = (e: FocusEvent<HTMLDivElement>): void => {
    const to = e.relatedTarget as Node | null;
    if (to !== null && container.current?.contains(to)) return;
    commitRows(rows);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
      e.preventDefault();
      commitRows(rows);
    }
  };

  const rowProblems = (key: string): Problem[] => problems.filter((p) => firstKey(p.path) === key.trim());

  return (
    <div
      className="insp-kv"
      role="group"
      aria-labelledby={labelId}
      ref={container}
      onBlur={onBlur}
      onKeyDown={onKeyDown}
    >
      {rows.length === 0 && <div className="insp-empty">None</div>}
      {rows.map((r, i) => {
        const own = rowProblems(r.key);
        const error = showErrors ? built.errors.get(r.rid) : undefined;
        const wrong = own.length > 0 || error !== undefined;
        return (
          <div key={r.rid} className="insp-kv-row" data-row={r.rid}>
            <input
              type="text"
              className={inputClass({ mono: true, invalid: wrong })}
              value={r.key}
              placeholder={keyPlaceholder}
              spellCheck={false}
              autoComplete="off"
              aria-label={`Name ${String(i + 1)}`}
              aria-invalid={wrong || undefined}
              onChange={(e) => {
                update(r.rid, { key: e.currentTarget.value });
              }}
            />
            <input
              type="text"
              className={inputClass({ mono: monoValues, invalid: wrong })}
              value={r.text}
              placeholder={valuePlaceholder}
              spellCheck={false}
              autoComplete="off"
              aria-label={`Value ${String(i + 1)}`}
              aria-invalid={wrong || undefined}
              onChange={(e) => {
                update(r.rid, { text: e.currentTarget.value });
              }}
            />
            <button
              type="button"
              className="insp-icon-button"
              aria-label={`Remove row ${String(i + 1)}${r.key.trim() === '' ? '' : ` (${r.key.trim()})`}`}
              title="Remove"
              onClick={() => {
                remove(r.rid);
              }}
            >
              <svg viewBox="0 0 16 16" aria-hidden="true" className="insp-glyph">
                <path d="M4 4l8 8M12 4l-8 8" />
              </svg>
            </button>
            {(error !== undefined || own.length > 0) && (
              <ul className="insp-field-errors insp-kv-errors">
                {error !== undefined && <li className="insp-field-error">{error}</li>}
                {own.map((p, j) => (
                  <li key={j} className="insp-field-error">
                    {p.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      <button type="button" className="insp-add-button" onClick={add}>
        <svg viewBox="0 0 16 16" aria-hidden="true" className="insp-glyph">
          <path d="M8 3v10M3 8h10" />
        </svg>
        {addLabel}
      </button>
    </div>
  );
}

/* Checkbox and select */

export function Checkbox({
  id,
  checked,
  onChange,
  invalid = false,
}: {
  readonly id: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly invalid?: boolean;
}) {
  return (
    <input
      id={id}
      type="checkbox"
      className={`insp-checkbox${invalid ? ' insp-invalid' : ''}`}
      checked={checked}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        onChange(e.currentTarget.checked);
      }}
    />
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

export function Select({
  id,
  value,
  options,
  onChange,
  invalid = false,
  mono = false,
}: {
  readonly id: string;
  readonly value: string;
  readonly options: readonly Option[];
  readonly onChange: (value: string) => void;
  readonly invalid?: boolean;
  readonly mono?: boolean;
}) {
  return (
    <select
      id={id}
      className={inputClass({ mono, invalid, extra: 'insp-select' })}
      value={value}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        onChange(e.currentTarget.value);
      }}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A list of problems, each with the field it names; choosing one takes focus to its field. */
export function ProblemList({
  problems,
  title = 'Problems',
  onPick,
}: {
  readonly problems: readonly Problem[];
  readonly title?: string;
  /** Takes the person to a problem another panel shows (true when it did). */
  readonly onPick?: (problem: Problem) => boolean;
}) {
  if (problems.length === 0) return null;
  const reveal = (el: HTMLElement, path: string): void => {
    const root = el.closest('.inspector');
    if (!root) return;
    let best: HTMLElement | undefined;
    for (const f of root.querySelectorAll<HTMLElement>('[data-field]')) {
      const field = f.dataset.field ?? '';
      if (field === '' || !(path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)))
        continue;
      if (!best || field.length > (best.dataset.field ?? '').length) best = f;
    }
    if (!best) return;
    const details = best.closest('details');
    if (details) details.open = true;
    best.querySelector<HTMLElement>('input, textarea, select')?.focus();
  };
  return (
    <div className="insp-problems" role="group" aria-label={title}>
      <div className="insp-problems-title">
        <svg viewBox="0 0 16 16" aria-hidden="true" className="insp-glyph insp-problems-icon">
          <circle cx="8" cy="8" r="6" />
          <path d="M8 5v3.5M8 10.8v.2" />
        </svg>
        {problems.length === 1 ? '1 problem' : `${String(problems.length)} problems`}
      </div>
      <ul className="insp-problem-list">
        {problems.map((p, i) => (
          <li key={i} className="insp-problem">
            <button
              type="button"
              className="insp-problem-button"
              onClick={(e) => {
                if (onPick?.(p) !== true) reveal(e.currentTarget, p.path);
              }}
            >
              {p.path !== '' && <span className="insp-problem-path">{p.path}</span>}
              <span className="insp-problem-message">{p.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
