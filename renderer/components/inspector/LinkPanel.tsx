/** The inspector of one link of a graph group: its decider (a condition on what ran before) and depth. */
import { useId, useState } from 'react';
import type { LinkEdgeData } from '../../designer/canvas-graph';
import { DEPTHS, isGroup, type Depth, type LinkDoc } from '../../designer/document';
import * as ops from '../../designer/ops';
import { edit, select, useDesigner } from '../../state/designer';
import { Checkbox, Field, ProblemList, Section, Select, TextInput } from './fields';
import { PanelHeader } from './PanelHeader';
import { NO_PROBLEMS, problemsOutside, problemsUnder } from './paths';

export const DEFAULT_DECIDER = 'return true;';

export const DEPTH_HINTS: Record<Depth, string> = {
  all: 'A “no” skips the target and everything after it, nested flows included.',
  flow: 'A “no” skips the target and what follows it in this flow, not in nested flows.',
  neighbors: 'A “no” skips the target and the tasks right after it only.',
  atom: 'A “no” skips the target alone.',
};

export function LinkPanel({ edgeId }: { readonly edgeId: string }) {
  const edge = useDesigner((s) => s.edges.find((e) => e.id === edgeId));
  const data = edge?.data as LinkEdgeData | undefined;
  const groupId = data?.groupId;
  const group = useDesigner((s) => (groupId === undefined ? undefined : s.index.get(groupId)?.node));
  const groupProblems = useDesigner((s) => (groupId === undefined ? undefined : s.problemsById.get(groupId)));
  const [lastCode, setLastCode] = useState<string | undefined>(undefined);
  const deciderId = useId();
  const codeId = useId();
  const depthId = useId();
  if (data === undefined || groupId === undefined) return null;
  const link = data.link;
  const index =
    group !== undefined && isGroup(group)
      ? (group.links ?? []).findIndex((l) => l.from === link.from && l.to === link.to)
      : -1;
  const problems =
    index < 0 ? NO_PROBLEMS : problemsUnder(groupProblems ?? NO_PROBLEMS, `links[${String(index)}]`);
  const under = (field: string) => problemsUnder(problems, field);
  const own = problemsOutside(problems, ['decider', 'depth']);
  const codeProblems = under('decider.code');
  const deciderOwn = problemsOutside(under('decider'), ['code']);

  const update = (patch: Partial<LinkDoc>, key: string): void => {
    if (!useDesigner.getState().index.has(groupId)) return;
    edit(
      (d) => {
        ops.updateLink(d, groupId, link.from, link.to, patch);
      },
      { coalesce: `${edgeId}:${key}` },
    );
  };
  const hasDecider = link.decider !== undefined;
  const code = typeof link.decider?.code === 'string' ? link.decider.code : '';

  return (
    <>
      <PanelHeader
        glyph="→"
        tone="group"
        eyebrow="Link"
        title={`${link.from} → ${link.to}`}
        subtitle={
          <>
            in graph <span className="insp-kind-name">{group?.name ?? groupId}</span>
          </>
        }
      />
      <ProblemList problems={problems} title="Problems of this link" />
      <Section title="Condition">
        <Field
          label="Decider"
          htmlFor={deciderId}
          field="decider"
          problems={hasDecider ? [...own, ...deciderOwn] : [...own, ...under('decider')]}
          inline
          hint={hasDecider ? undefined : `${link.to} runs whenever ${link.from} has run.`}
        >
          <Checkbox
            id={deciderId}
            checked={hasDecider}
            onChange={(checked) => {
              if (checked) {
                update({ decider: { code: lastCode ?? DEFAULT_DECIDER } }, 'decider');
              } else {
                setLastCode(code);
                update({ decider: undefined, depth: undefined }, 'decider');
              }
            }}
          />
        </Field>
        {hasDecider && (
          <Field
            label="Code"
            htmlFor={codeId}
            field="decider.code"
            problems={codeProblems}
            hint={
              <>
                A JavaScript function body given <code className="insp-code-inline">history</code> (
                <code className="insp-code-inline">{'{ [task]: result }'}</code>); a falsy return skips{' '}
                {link.to}.
              </>
            }
          >
            <TextInput
              id={codeId}
              value={code}
              multiline
              code
              invalid={codeProblems.length > 0}
              onChange={(text) => {
                update({ decider: { code: text } }, 'decider.code');
              }}
            />
          </Field>
        )}
        {(hasDecider || link.depth !== undefined) && (
          <Field
            label="Depth"
            htmlFor={depthId}
            field="depth"
            problems={under('depth')}
            hint={DEPTH_HINTS[link.depth ?? 'all']}
          >
            <Select
              id={depthId}
              value={link.depth ?? 'all'}
              options={DEPTHS.map((d) => ({ value: d, label: d === 'all' ? 'all (default)' : d }))}
              invalid={under('depth').length > 0}
              onChange={(v) => {
                update({ depth: v === 'all' ? undefined : (v as Depth) }, 'depth');
              }}
            />
          </Field>
        )}
      </Section>
      <Section title="Actions">
        <button
          type="button"
          className="insp-button insp-button-danger"
          onClick={() => {
            if (!useDesigner.getState().index.has(groupId)) return;
            edit((d) => {
              ops.removeLink(d, groupId, link.from, link.to);
            });
            select([]);
          }}
        >
          Delete link
        </button>
      </Section>
    </>
  );
}
