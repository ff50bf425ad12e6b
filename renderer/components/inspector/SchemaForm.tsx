/**
 * A form generated from a task kind's config schema (JSON Schema draft
 * 2020-12, the shapes the catalog uses): one field per property, the
 * control chosen by the property's type. Strings commit on every keystroke;
 * numbers, lists, maps and JSON keep a draft until it parses.
 */
import { useId, useState } from 'react';
import type { Problem } from '../../designer/canvas-graph';
import {
  Checkbox,
  DraftInput,
  Field,
  FieldErrors,
  KeyValueEditor,
  Select,
  TextInput,
  isRecord,
  jsonText,
  parseJson,
  parseNumber,
  type Commit,
  type Option,
} from './fields';
import { NO_PROBLEMS, notOfRows, problemsOutside, problemsUnder } from './paths';

export interface SchemaFormProps {
  /** An object schema: `properties`, `required`, `$defs`. */
  readonly schema: Record<string, unknown>;
  readonly value: Record<string, unknown> | undefined;
  /** One property's new value (undefined removes it); `commitKey` names the field for undo coalescing. */
  readonly onChange: (field: string, value: unknown, commitKey: string) => void;
  /** Problems of the object, paths relative to it (`code`, `env["A"]`, `revert.command`). */
  readonly problems?: readonly Problem[];
  /** The object's path in the document (`config`), for commit keys and for problems to find their fields. */
  readonly path?: string;
}

/** Properties edited as code: a monospace area where Tab indents. */
const CODE_FIELDS = new Set(['code', 'revertCode']);
/** Strings longer than this open in a textarea. */
const LONG_STRING = 60;

type Control =
  | { readonly type: 'string'; readonly uri: boolean }
  | { readonly type: 'enum'; readonly options: readonly string[] }
  | {
      readonly type: 'number';
      readonly integer: boolean;
      readonly min: number | undefined;
      readonly max: number | undefined;
    }
  | { readonly type: 'boolean' }
  | { readonly type: 'stringList' }
  | { readonly type: 'stringMap' }
  | { readonly type: 'object'; readonly schema: Record<string, unknown> }
  | { readonly type: 'json' };

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The control a property's schema calls for. */
export function controlOf(prop: Record<string, unknown>): Control {
  if (prop.$ref !== undefined || prop.anyOf !== undefined || prop.oneOf !== undefined)
    return { type: 'json' };
  const enumValues = prop.enum;
  if (Array.isArray(enumValues) && enumValues.length > 0 && enumValues.every((e) => typeof e === 'string')) {
    return { type: 'enum', options: enumValues };
  }
  switch (prop.type) {
    case 'string':
      return { type: 'string', uri: prop.format === 'uri' };
    case 'integer':
    case 'number':
      return {
        type: 'number',
        integer: prop.type === 'integer',
        min: numberOr(prop.minimum),
        max: numberOr(prop.maximum),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'array': {
      const items = prop.items;
      return isRecord(items) && items.type === 'string' && items.enum === undefined
        ? { type: 'stringList' }
        : { type: 'json' };
    }
    case 'object': {
      if (isRecord(prop.properties)) return { type: 'object', schema: prop };
      const extra = prop.additionalProperties;
      return isRecord(extra) && extra.type === 'string' && extra.enum === undefined
        ? { type: 'stringMap' }
        : { type: 'json' };
    }
    default:
      return { type: 'json' };
  }
}

/** Whether a value (present) is one the control can show; other values get a JSON field to repair them. */
function fits(control: Control, value: unknown): boolean {
  if (value === undefined) return true;
  switch (control.type) {
    case 'string':
      return typeof value === 'string';
    case 'enum':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'stringList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'stringMap':
      return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
    case 'object':
      return isRecord(value);
    case 'json':
      return true;
  }
}

function placeholderOf(prop: Record<string, unknown>): string | undefined {
  const d = prop.default;
  if (d === undefined) return undefined;
  if (typeof d === 'string') return d;
  if (Array.isArray(d) && d.length === 0) return undefined;
  return JSON.stringify(d);
}

function joinPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** One field per property of an object schema (unknown fields of the value too, to remove them). */
export function SchemaForm({ schema, value, onChange, problems = NO_PROBLEMS, path = '' }: SchemaFormProps) {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
  );
  const names = Object.keys(properties);
  const unknown = Object.keys(value ?? {}).filter((k) => !Object.hasOwn(properties, k));
  const general = problemsOutside(problems, [...names, ...unknown]);

  return (
    <div className="insp-schema-form">
      <FieldErrors problems={general} />
      {names.length === 0 && unknown.length === 0 && (
        <div className="insp-empty">This kind takes no configuration.</div>
      )}
      {names.map((name) => {
        const prop = properties[name];
        return (
          <PropertyField
            key={name}
            name={name}
            prop={isRecord(prop) ? prop : {}}
            value={value?.[name]}
            required={required.has(name)}
            problems={problemsUnder(problems, name)}
            path={joinPath(path, name)}
            onChange={onChange}
          />
        );
      })}
      {unknown.map((name) => (
        <PropertyField
          key={name}
          name={name}
          prop={{}}
          value={value?.[name]}
          required={false}
          problems={problemsUnder(problems, name)}
          path={joinPath(path, name)}
          onChange={onChange}
          unknownField
        />
      ))}
    </div>
  );
}

interface PropertyFieldProps {
  readonly name: string;
  readonly prop: Record<string, unknown>;
  readonly value: unknown;
  readonly required: boolean;
  readonly problems: readonly Problem[];
  /** The field's path in the document: problems name it, and it is the commit key. */
  readonly path: string;
  readonly onChange: SchemaFormProps['onChange'];
  /** A field the schema does not have (a document made elsewhere): shown as JSON, with Remove. */
  readonly unknownField?: boolean;
}

function PropertyField({
  name,
  prop,
  value,
  required,
  problems,
  path,
  onChange,
  unknownField = false,
}: PropertyFieldProps) {
  const id = useId();
  const labelId = useId();
  const declared = controlOf(prop);
  const control: Control = fits(declared, value) ? declared : { type: 'json' };
  const invalid = problems.length > 0;
  const placeholder = placeholderOf(prop);
  const description = typeof prop.description === 'string' ? prop.description : undefined;
  const set = (v: unknown): void => {
    onChange(name, v, path);
  };
  const common = { label: name, field: path, required, problems };

  const hint = unknownField ? 'Not a field of this kind.' : description;
  const remove = unknownField ? (
    <button
      type="button"
      className="insp-link-button"
      onClick={() => {
        set(undefined);
      }}
    >
      Remove
    </button>
  ) : undefined;

  switch (control.type) {
    case 'string':
      return (
        <Field {...common} htmlFor={id} hint={hint} aside={remove}>
          <StringControl
            id={id}
            name={name}
            value={typeof value === 'string' ? value : undefined}
            required={required}
            uri={control.uri}
            placeholder={placeholder}
            invalid={invalid}
            onChange={set}
          />
        </Field>
      );
    case 'enum': {
      const current = typeof value === 'string' ? value : '';
      const options: Option[] = [];
      if (!required || value === undefined) {
        options.push({ value: '', label: placeholder === undefined ? '—' : `${placeholder} (default)` });
      }
      for (const o of control.options) options.push({ value: o, label: o });
      if (current !== '' && !control.options.includes(current))
        options.push({ value: current, label: current });
      return (
        <Field {...common} htmlFor={id} hint={hint} aside={remove}>
          <Select
            id={id}
            value={current}
            options={options}
            invalid={invalid}
            onChange={(v) => {
              set(v === '' ? undefined : v);
            }}
          />
        </Field>
      );
    }
    case 'number': {
      const commit: Commit = (text) => {
        const parsed = parseNumber(text, control);
        if (!parsed.ok) return parsed.error;
        set(parsed.value);
        return undefined;
      };
      return (
        <Field {...common} htmlFor={id} hint={hint} aside={remove}>
          <DraftInput
            id={id}
            type="number"
            text={typeof value === 'number' ? String(value) : ''}
            commit={commit}
            min={control.min}
            max={control.max}
            step={control.integer ? 1 : 'any'}
            placeholder={placeholder}
            invalid={invalid}
            required={required}
            mono
          />
        </Field>
      );
    }
    case 'boolean':
      return (
        <Field {...common} htmlFor={id} inline hint={hint} aside={remove}>
          <Checkbox
            id={id}
            checked={value === true}
            invalid={invalid}
            onChange={(checked) => {
              set(checked ? true : prop.default === true ? false : undefined);
            }}
          />
        </Field>
      );
    case 'stringList': {
      const list = Array.isArray(value) ? (value as string[]) : [];
      const commit: Commit = (text) => {
        const items = text.split('\n').map((l) => l.replace(/\r$/, ''));
        while (items.length > 0 && items.at(-1) === '') items.pop();
        const kept = items.filter((l) => l !== '');
        set(kept.length === 0 ? undefined : kept);
        return undefined;
      };
      return (
        <Field {...common} htmlFor={id} hint={hint ?? 'One per line.'} aside={remove}>
          <DraftInput
            id={id}
            multiline
            rows={Math.max(2, list.length + 1)}
            text={list.join('\n')}
            commit={commit}
            mono
            invalid={invalid}
            required={required}
          />
        </Field>
      );
    }
    case 'stringMap':
      return (
        <Field {...common} problems={notOfRows(problems, value)} labelId={labelId} hint={hint} aside={remove}>
          <KeyValueEditor
            labelId={labelId}
            value={isRecord(value) ? value : undefined}
            format={(v) => (typeof v === 'string' ? v : jsonText(v))}
            parse={(text) => ({ ok: true, value: text })}
            onCommit={set}
            problems={problems}
          />
        </Field>
      );
    case 'object':
      return (
        <NestedObject
          name={name}
          schema={control.schema}
          value={isRecord(value) ? value : undefined}
          problems={problems}
          path={path}
          onChange={onChange}
        />
      );
    case 'json': {
      const commit: Commit = (text) => {
        if (text.trim() === '') {
          set(undefined);
          return undefined;
        }
        const parsed = parseJson(text);
        if (!parsed.ok) return parsed.error;
        set(parsed.value);
        return undefined;
      };
      return (
        <Field {...common} htmlFor={id} hint={hint ?? 'Any JSON value.'} aside={remove}>
          <DraftInput
            id={id}
            multiline
            code
            rows={Math.max(3, jsonText(value, true).split('\n').length + 1)}
            text={jsonText(value, true)}
            commit={commit}
            mono
            placeholder={placeholder ?? 'JSON'}
            invalid={invalid}
            required={required}
          />
        </Field>
      );
    }
  }
}

function StringControl({
  id,
  name,
  value,
  required,
  uri,
  placeholder,
  invalid,
  onChange,
}: {
  readonly id: string;
  readonly name: string;
  readonly value: string | undefined;
  readonly required: boolean;
  readonly uri: boolean;
  readonly placeholder: string | undefined;
  readonly invalid: boolean;
  readonly onChange: (value: string | undefined) => void;
}) {
  const code = CODE_FIELDS.has(name);
  // Chosen once, so that a value growing long does not swap the input under the caret.
  const [multiline] = useState(
    () => code || (value !== undefined && (value.includes('\n') || value.length > LONG_STRING)),
  );
  return (
    <TextInput
      id={id}
      value={value ?? ''}
      multiline={multiline}
      code={code}
      mono={code || uri}
      inputMode={uri ? 'url' : undefined}
      placeholder={placeholder}
      invalid={invalid}
      required={required}
      onChange={(text) => {
        onChange(text === '' && !required ? undefined : text);
      }}
    />
  );
}

/** A nested object (`revert`): a fieldset whose checkbox creates or removes it, and its own form. */
function NestedObject({
  name,
  schema,
  value,
  problems,
  path,
  onChange,
}: {
  readonly name: string;
  readonly schema: Record<string, unknown>;
  readonly value: Record<string, unknown> | undefined;
  readonly problems: readonly Problem[];
  readonly path: string;
  readonly onChange: SchemaFormProps['onChange'];
}) {
  const id = useId();
  const enabled = value !== undefined;
  return (
    <fieldset
      className={`insp-fieldset${problems.length > 0 ? ' insp-field-invalid' : ''}`}
      data-field={path}
    >
      <legend className="insp-legend">{name}</legend>
      <div className="insp-inline-row">
        <Checkbox
          id={id}
          checked={enabled}
          onChange={(checked) => {
            onChange(name, checked ? {} : undefined, path);
          }}
        />
        <label htmlFor={id} className="insp-label">
          enabled
        </label>
      </div>
      {enabled ? (
        <SchemaForm
          schema={schema}
          value={value}
          problems={problems}
          path={path}
          onChange={(field, v, key) => {
            const next = { ...value };
            if (v === undefined) Reflect.deleteProperty(next, field);
            else next[field] = v;
            onChange(name, next, key);
          }}
        />
      ) : (
        <FieldErrors problems={problems} />
      )}
    </fieldset>
  );
}
