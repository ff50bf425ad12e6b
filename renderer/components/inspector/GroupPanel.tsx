/** The inspector of one group (the root flow too): its name, type and retry controller. */
import { useId } from 'react';
import type { LinkEdgeData, Problem } from '../../designer/canvas-graph';
import {
  GROUP_TYPES,
  RETRY_TYPES,
  isGroup,
  type GroupDoc,
  type GroupType,
  type RetryDoc,
  type RetryType,
} from '../../designer/document';
import * as ops from '../../designer/ops';
import { edit, notify, select, useDesigner } from '../../state/designer';
import { GROUP_LOOK } from '../canvas/kind-glyph';
import {
  Checkbox,
  DraftInput,
  Field,
  ProblemList,
  Section,
  Select,
  type Commit,
  type Option,
} from './fields';
import { PanelHeader } from './PanelHeader';
import { IntegerField, JsonField, NameField, ProvidesField, RebindField } from './node-fields';
import { NO_PROBLEMS, problemsOutside, problemsUnder } from './paths';

export const TYPE_HINTS: Record<GroupType, string> = {
  linear: 'Members run one after another, in order.',
  unordered: 'Members have no order between them; they may run at once.',
  graph: 'Members run as what they require and provide, and explicit links, allow.',
};

export const RETRY_HINTS: Record<RetryType, string> = {
  times: 'When the group fails, it runs again, up to Attempts times in all.',
  'for-each': 'Tries the group once per value until one run succeeds; it provides the current value.',
  'parameterized-for-each': 'As for-each, with the values read from the symbol `values` (rebind it).',
  'always-revert': 'Never tries again: a failure reverts this group.',
  'always-revert-all': 'Never tries again: a failure reverts the whole flow.',
};

/** Retry types whose controller takes `revertAll`. */
const REVERT_ALL_TYPES: ReadonlySet<string> = new Set(['times', 'for-each', 'parameterized-for-each']);
const RETRY_FIELDS = ['name', 'attempts', 'values', 'rebind', 'revertAll', 'provides'];

/** A retry of another type, keeping what still applies and filling in what the type needs. */
export function retryOfType(type: RetryType, previous: RetryDoc | undefined): RetryDoc {
  const next: RetryDoc = { type };
  if (previous?.name !== undefined) next.name = previous.name;
  if (type === 'times') next.attempts = typeof previous?.attempts === 'number' ? previous.attempts : 3;
  if (type === 'for-each') next.values = Array.isArray(previous?.values) ? previous.values : [];
  if (type === 'parameterized-for-each' && previous?.rebind !== undefined) next.rebind = previous.rebind;
  if (REVERT_ALL_TYPES.has(type) && previous?.revertAll !== undefined) next.revertAll = previous.revertAll;
  if (previous?.provides !== undefined) next.provides = previous.provides;
  return next;
}

function currentRetry(id: string): RetryDoc | undefined {
  const node = useDesigner.getState().index.get(id)?.node;
  return node !== undefined && isGroup(node) ? node.retry : undefined;
}

function setRetry(id: string, retry: RetryDoc | undefined, key: string): void {
  if (!useDesigner.getState().index.has(id)) return;
  edit(
    (d) => {
      ops.setRetry(d, id, retry);
    },
    { coalesce: `${id}:${key}` },
  );
}

function setRetryField(id: string, field: keyof RetryDoc, value: unknown): void {
  const current = currentRetry(id);
  if (current === undefined) return;
  const next = { ...current } as Record<string, unknown>;
  if (value === undefined) Reflect.deleteProperty(next, field);
  else next[field] = value;
  setRetry(id, next as unknown as RetryDoc, `retry.${field}`);
}

/** Problems named after the retry (its own name) belong to the group's `retry` field. */
function asGroupProblems(group: GroupDoc, problems: readonly Problem[]): readonly Problem[] {
  if (group.retry === undefined) return problems;
  const retryName = typeof group.retry.name === 'string' ? group.retry.name : `${group.name}_retry`;
  if (retryName === group.name || !problems.some((p) => p.node === retryName)) return problems;
  return problems.map((p) => {
    if (p.node !== retryName) return p;
    const path = p.path === '' ? 'retry' : p.path.startsWith('[') ? `retry${p.path}` : `retry.${p.path}`;
    return { ...p, path };
  });
}

export function GroupPanel({ id }: { readonly id: string }) {
  const loc = useDesigner((s) => s.index.get(id));
  const raw = useDesigner((s) => s.problemsById.get(id)) ?? NO_PROBLEMS;
  if (loc === undefined || !isGroup(loc.node)) return null;
  const group = loc.node;
  const isRoot = loc.parentId === undefined;
  const problems = asGroupProblems(group, raw);
  const look = GROUP_LOOK[group.type] ?? { glyph: '▭', label: group.type };
  const tasks = group.children.filter((c) => !isGroup(c)).length;
  const groups = group.children.length - tasks;
  const links = group.links?.length ?? 0;

  return (
    <>
      <PanelHeader
        glyph={look.glyph}
        tone="group"
        eyebrow={isRoot ? 'Root flow' : 'Group'}
        title={group.name}
        subtitle={
          <>
            <span className="insp-kind-name">{group.type}</span>
            {group.retry !== undefined && <span className="insp-badge">retry: {group.retry.type}</span>}
          </>
        }
      />
      <ProblemList
        problems={problems}
        onPick={(p) => {
          // A link's problem: show the link.
          const at = /^links\[(\d+)\]/.exec(p.path);
          const link = at ? group.links?.[Number(at[1])] : undefined;
          if (link === undefined) return false;
          const edge = useDesigner
            .getState()
            .edges.find((e) => e.type === 'link' && (e.data as LinkEdgeData | undefined)?.link === link);
          if (edge === undefined) return false;
          select([], [edge.id]);
          return true;
        }}
      />
      <Section title={isRoot ? 'Root flow' : 'Group'}>
        <NameField id={id} name={group.name} problems={problemsUnder(problems, 'name')} />
        <TypeField id={id} group={group} problems={problemsUnder(problems, 'type')} />
        <div className="insp-summary-line" data-testid="group-summary">
          {plural(tasks, 'task')} · {plural(groups, 'group')}
          {group.type === 'graph' ? ` · ${plural(links, 'link')}` : ''}
        </div>
      </Section>
      <RetrySection id={id} group={group} problems={problemsUnder(problems, 'retry')} />
    </>
  );
}

export function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** Linear, unordered or graph, as a segmented control of radios. */
function TypeField({
  id,
  group,
  problems,
}: {
  readonly id: string;
  readonly group: GroupDoc;
  readonly problems: readonly Problem[];
}) {
  const labelId = useId();
  const name = useId();
  const change = (type: GroupType): void => {
    const links = group.links?.length ?? 0;
    const done = edit((d) => {
      ops.setGroupType(d, id, type);
    });
    if (done && type !== 'graph' && links > 0) {
      notify(
        'info',
        `${plural(links, 'link')} of ${JSON.stringify(group.name)} went with the graph type (undo brings ${links === 1 ? 'it' : 'them'} back).`,
      );
    }
  };
  return (
    <Field label="Type" labelId={labelId} field="type" problems={problems} hint={TYPE_HINTS[group.type]}>
      <div className="insp-segmented" role="radiogroup" aria-labelledby={labelId}>
        {GROUP_TYPES.map((t) => (
          <label key={t} className="insp-segment" title={TYPE_HINTS[t]}>
            <input
              type="radio"
              name={name}
              value={t}
              checked={group.type === t}
              onChange={() => {
                change(t);
              }}
            />
            <span className="insp-segment-text" data-glyph={GROUP_LOOK[t]?.glyph}>
              {t}
            </span>
          </label>
        ))}
      </div>
    </Field>
  );
}

/** The retry controller: its type, then the options that type takes. */
function RetrySection({
  id,
  group,
  problems,
}: {
  readonly id: string;
  readonly group: GroupDoc;
  readonly problems: readonly Problem[];
}) {
  const selectId = useId();
  const nameId = useId();
  const revertAllId = useId();
  const retry = group.retry;
  const type = retry?.type;
  const known = type !== undefined && (RETRY_TYPES as readonly string[]).includes(type);
  const options: Option[] = [
    { value: '', label: 'None' },
    ...RETRY_TYPES.map((t) => ({ value: t, label: t })),
  ];
  if (type !== undefined && !known) options.push({ value: type, label: type });
  const own = problemsOutside(problems, RETRY_FIELDS);
  const under = (field: string) => problemsUnder(problems, field);

  const commitName: Commit = (text) => {
    const name = text.trim();
    setRetryField(id, 'name', name === '' ? undefined : name);
    return undefined;
  };

  return (
    <Section title="Retry">
      <Field
        label="Retry"
        htmlFor={selectId}
        field="retry"
        problems={own}
        hint={
          type === undefined
            ? 'A failure inside the group fails it (the flow around it decides).'
            : known
              ? RETRY_HINTS[type]
              : undefined
        }
      >
        <Select
          id={selectId}
          value={type ?? ''}
          options={options}
          invalid={own.length > 0}
          onChange={(v) => {
            setRetry(id, v === '' ? undefined : retryOfType(v as RetryType, currentRetry(id)), 'retry');
          }}
        />
      </Field>
      {retry !== undefined && (
        <div className="insp-retry-options">
          <Field label="Retry name" htmlFor={nameId} field="retry.name" problems={under('name')}>
            <DraftInput
              id={nameId}
              text={typeof retry.name === 'string' ? retry.name : ''}
              commit={commitName}
              placeholder={`${group.name}_retry`}
              invalid={under('name').length > 0}
            />
          </Field>
          {type === 'times' && (
            <IntegerField
              label="Attempts"
              field="retry.attempts"
              value={retry.attempts}
              onCommit={(v) => {
                setRetryField(id, 'attempts', v);
              }}
              problems={under('attempts')}
              min={1}
              required
              hint="Runs in all, the first included."
            />
          )}
          {type === 'for-each' && (
            <JsonField
              label="Values"
              field="retry.values"
              value={retry.values}
              onCommit={(v) => {
                setRetryField(id, 'values', v ?? []);
              }}
              problems={under('values')}
              placeholder='["first", "second"]'
              hint="A JSON array: the values tried in turn."
              check={(v) => (Array.isArray(v) ? undefined : 'values are a JSON array: [1, 2, 3]')}
            />
          )}
          {type === 'parameterized-for-each' && (
            <RebindField
              label="Rebind"
              field="retry.rebind"
              value={retry.rebind}
              onCommit={(v) => {
                setRetryField(id, 'rebind', v);
              }}
              problems={under('rebind')}
              hint="Where its values come from: values → symbol."
            />
          )}
          {type !== undefined && REVERT_ALL_TYPES.has(type) && (
            <Field
              label="Revert all"
              htmlFor={revertAllId}
              field="retry.revertAll"
              problems={under('revertAll')}
              inline
              hint="Once out of tries, revert the whole flow instead of this group."
            >
              <Checkbox
                id={revertAllId}
                checked={retry.revertAll === true}
                invalid={under('revertAll').length > 0}
                onChange={(checked) => {
                  setRetryField(id, 'revertAll', checked ? true : undefined);
                }}
              />
            </Field>
          )}
          <ProvidesField
            field="retry.provides"
            value={retry.provides}
            onCommit={(v) => {
              setRetryField(id, 'provides', v);
            }}
            problems={under('provides')}
          />
        </div>
      )}
    </Section>
  );
}
