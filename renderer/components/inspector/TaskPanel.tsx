/** The inspector of one task: its kind, name, config (a form from the kind's schema) and data fields. */
import { useState } from 'react';
import { isGroup, type TaskDoc } from '../../designer/document';
import * as ops from '../../designer/ops';
import { edit, useDesigner } from '../../state/designer';
import { useHostStore } from '../../state/host';
import { kindGlyph } from '../canvas/kind-glyph';
import { isRecord, ProblemList, Section } from './fields';
import { PanelHeader } from './PanelHeader';
import {
  IntegerField,
  JsonField,
  JsonMapField,
  NameField,
  OptionalField,
  ProvidesField,
  RebindField,
  SymbolsField,
  setNodeField,
} from './node-fields';
import { NO_PROBLEMS, problemsUnder } from './paths';
import { SchemaForm } from './SchemaForm';

const MORE_FIELDS = ['revertRequires', 'revertOptional', 'revertRebind', 'priority'] as const;

export function TaskPanel({ id }: { readonly id: string }) {
  const loc = useDesigner((s) => s.index.get(id));
  const problems = useDesigner((s) => s.problemsById.get(id)) ?? NO_PROBLEMS;
  const kinds = useHostStore((s) => s.kinds);
  const task = loc !== undefined && !isGroup(loc.node) ? loc.node : undefined;
  const [moreOpen, setMoreOpen] = useState(
    () =>
      task !== undefined &&
      MORE_FIELDS.some((f) => task[f] !== undefined || problems.some((p) => p.path.startsWith(f))),
  );
  if (task === undefined) return null;

  const kind = kinds?.find((k) => k.kind === task.kind);
  const under = (field: string) => problemsUnder(problems, field);
  const setter = (field: keyof TaskDoc) => (value: unknown) => {
    setNodeField(id, field, value);
  };
  const look = kindGlyph(task.kind);

  return (
    <>
      <PanelHeader
        glyph={look.glyph}
        tone={look.tone}
        eyebrow="Task"
        title={task.name}
        subtitle={
          <>
            <span className="insp-kind-name">{task.kind || 'no kind'}</span>
            {kind?.runsCode === true && <span className="insp-badge">runs code</span>}
          </>
        }
        description={kind?.description}
      />
      <ProblemList problems={problems} />
      <Section title="Task">
        <NameField id={id} name={task.name} problems={under('name')} />
      </Section>
      <Section title="Configuration">
        <ConfigForm id={id} task={task} />
      </Section>
      <Section title="Data">
        <SymbolsField
          label="Requires"
          field="requires"
          value={task.requires}
          onCommit={setter('requires')}
          problems={under('requires')}
          hint="Parameters it needs; each reads the symbol of the same name unless rebound."
        />
        <OptionalField
          label="Optional"
          field="optional"
          value={task.optional}
          onCommit={setter('optional')}
          problems={under('optional')}
          hint="Parameters that may be missing."
          mapHint="Parameters that may be missing, with their defaults."
        />
        <ProvidesField
          field="provides"
          value={task.provides}
          onCommit={setter('provides')}
          problems={under('provides')}
        />
        <RebindField
          label="Rebind"
          field="rebind"
          value={task.rebind}
          onCommit={setter('rebind')}
          problems={under('rebind')}
        />
        <JsonMapField
          label="Inject"
          field="inject"
          value={task.inject}
          onCommit={setter('inject')}
          problems={under('inject')}
          keyPlaceholder="parameter"
          hint="Constant inputs: parameter → JSON value; they beat every other source."
        />
      </Section>
      <details
        className="insp-details"
        open={moreOpen}
        onToggle={(e) => {
          setMoreOpen(e.currentTarget.open);
        }}
      >
        <summary className="insp-summary">
          <svg viewBox="0 0 16 16" aria-hidden="true" className="insp-glyph insp-chevron">
            <path d="M6 4l4 4-4 4" />
          </svg>
          Revert &amp; more
        </summary>
        <div className="insp-details-body">
          <SymbolsField
            label="Revert requires"
            field="revertRequires"
            value={task.revertRequires}
            onCommit={setter('revertRequires')}
            problems={under('revertRequires')}
            hint="What its revert needs, if it differs."
          />
          <OptionalField
            label="Revert optional"
            field="revertOptional"
            value={task.revertOptional}
            onCommit={setter('revertOptional')}
            problems={under('revertOptional')}
          />
          <RebindField
            label="Revert rebind"
            field="revertRebind"
            value={task.revertRebind}
            onCommit={setter('revertRebind')}
            problems={under('revertRebind')}
            hint="Rebinding for its revert: parameter → symbol."
          />
          <IntegerField
            label="Priority"
            field="priority"
            value={task.priority}
            onCommit={setter('priority')}
            problems={under('priority')}
            placeholder="0"
            hint="Among tasks ready at once, higher priority starts first."
          />
        </div>
      </details>
    </>
  );
}

/** The config form of the task's kind; raw JSON when the kind (or the list of kinds) is unknown. */
function ConfigForm({ id, task }: { readonly id: string; readonly task: TaskDoc }) {
  const kinds = useHostStore((s) => s.kinds);
  const problems = useDesigner((s) => s.problemsById.get(id)) ?? NO_PROBLEMS;
  const kind = kinds?.find((k) => k.kind === task.kind);
  const config = isRecord(task.config) ? task.config : undefined;
  if (kind === undefined) {
    return (
      <>
        <div className="insp-note">
          {kinds === undefined
            ? 'The host has not listed its task kinds yet; the config shows as JSON.'
            : `The host has no kind ${JSON.stringify(task.kind)}; the config shows as JSON.`}
        </div>
        <JsonField
          label="config"
          field="config"
          value={task.config}
          onCommit={(v) => {
            setNodeField(id, 'config', v);
          }}
          problems={problemsUnder(problems, 'config')}
          check={(v) => (isRecord(v) ? undefined : 'a config is a JSON object')}
        />
      </>
    );
  }
  return (
    <SchemaForm
      schema={kind.configSchema}
      value={config}
      problems={problemsUnder(problems, 'config')}
      path="config"
      onChange={(field, value, commitKey) => {
        if (!useDesigner.getState().index.has(id)) return;
        edit(
          (d) => {
            ops.setConfigField(d, id, field, value);
          },
          { coalesce: `${id}:${commitKey}` },
        );
      }}
    />
  );
}
