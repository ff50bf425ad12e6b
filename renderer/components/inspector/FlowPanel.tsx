/** The inspector with nothing selected: the document itself (its name and inputs) and its own problems. */
import { useId } from 'react';
import { isGroup, type GroupDoc } from '../../designer/document';
import { edit, useDesigner } from '../../state/designer';
import { Field, ProblemList, Section, TextInput } from './fields';
import { plural } from './GroupPanel';
import { JsonMapField } from './node-fields';
import { PanelHeader } from './PanelHeader';
import { problemsUnder } from './paths';

/** Tasks and groups inside a group (itself not counted). */
export function countNodes(group: GroupDoc): { tasks: number; groups: number } {
  let tasks = 0;
  let groups = 0;
  for (const c of group.children) {
    if (isGroup(c)) {
      groups += 1;
      const inner = countNodes(c);
      tasks += inner.tasks;
      groups += inner.groups;
    } else {
      tasks += 1;
    }
  }
  return { tasks, groups };
}

const VALIDATION_TEXT = {
  checking: 'Checking…',
  checked: undefined,
  unavailable: 'Not checked: no host to judge it.',
} as const;

export function FlowPanel() {
  const name = useDesigner((s) => s.doc.name);
  const inputs = useDesigner((s) => s.doc.inputs);
  const root = useDesigner((s) => s.doc.flow);
  const problems = useDesigner((s) => s.documentProblems);
  const allProblems = useDesigner((s) => s.problems.length);
  const validation = useDesigner((s) => s.validation);
  const nameId = useId();
  const { tasks, groups } = countNodes(root);
  // Problems of the document's own fields (not of a node the canvas lacks).
  const docProblems = problems.filter((p) => p.node === undefined);

  const status =
    VALIDATION_TEXT[validation] ??
    (allProblems === 0 ? 'No problems.' : `${plural(allProblems, 'problem')} in this flow.`);

  return (
    <>
      <PanelHeader
        glyph="◇"
        tone="group"
        eyebrow="Flow"
        title={name}
        subtitle={
          <>
            <span data-testid="flow-summary">
              {plural(tasks, 'task')}, {plural(groups, 'group')}
            </span>
            <span className="insp-status-line" data-validation={validation}>
              {status}
            </span>
          </>
        }
      />
      <ProblemList problems={problems} title="Problems of the flow" />
      <Section title="Flow">
        <Field
          label="Flow name"
          htmlFor={nameId}
          field="name"
          required
          problems={problemsUnder(docProblems, 'name')}
        >
          <TextInput
            id={nameId}
            value={name}
            required
            invalid={problemsUnder(docProblems, 'name').length > 0}
            placeholder="untitled"
            onChange={(text) => {
              edit(
                (d) => {
                  d.name = text;
                },
                { coalesce: 'doc:name' },
              );
            }}
          />
        </Field>
        <JsonMapField
          label="Inputs"
          field="inputs"
          value={inputs}
          problems={problemsUnder(docProblems, 'inputs')}
          hint={'Values the flow starts with, by symbol, as JSON: 42, "text", [1, 2].'}
          onCommit={(v) => {
            edit(
              (d) => {
                if (v === undefined) delete d.inputs;
                else d.inputs = v as Record<string, unknown>;
              },
              { coalesce: 'doc:inputs' },
            );
          }}
        />
      </Section>
      <div className="insp-tip">Select a task, a group or a link on the canvas to edit it.</div>
    </>
  );
}
