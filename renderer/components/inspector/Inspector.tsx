/**
 * The right-hand panel: what is selected, to edit. Nothing selected shows
 * the flow itself; one task, one group or one link shows its fields; more
 * show how many and offer to delete them. Panels are keyed by what they
 * show, so drafts never leak from one node to another.
 */
import '../../styles/inspector.css';
import { isGroup } from '../../designer/document';
import * as ops from '../../designer/ops';
import { deleteSelection } from '../../state/commands';
import { edit, select, useDesigner } from '../../state/designer';
import { FlowPanel } from './FlowPanel';
import { GroupPanel, plural } from './GroupPanel';
import { LinkPanel } from './LinkPanel';
import { PanelHeader } from './PanelHeader';
import { Section } from './fields';
import { TaskPanel } from './TaskPanel';

type Shown =
  | { readonly panel: 'flow' }
  | { readonly panel: 'task' | 'group'; readonly id: string }
  | { readonly panel: 'link'; readonly id: string }
  | { readonly panel: 'multi' };

export function Inspector() {
  const selection = useDesigner((s) => s.selection);
  const selectedEdges = useDesigner((s) => s.selectedEdges);
  const index = useDesigner((s) => s.index);

  let shown: Shown = { panel: 'multi' };
  if (selection.length === 0 && selectedEdges.length === 0) {
    shown = { panel: 'flow' };
  } else if (selection.length === 1 && selectedEdges.length === 0) {
    const id = selection[0] as string;
    const node = index.get(id)?.node;
    if (node !== undefined) shown = { panel: isGroup(node) ? 'group' : 'task', id };
  } else if (selection.length === 0 && selectedEdges.length === 1 && selectedEdges[0]?.startsWith('link:')) {
    shown = { panel: 'link', id: selectedEdges[0] };
  }

  return (
    <aside className="inspector" data-testid="inspector" data-panel={shown.panel} aria-label="Inspector">
      <div className="insp-scroll">
        {shown.panel === 'flow' && <FlowPanel />}
        {shown.panel === 'task' && (
          <>
            <TaskPanel key={shown.id} id={shown.id} />
            <DeleteNode id={shown.id} what="task" />
          </>
        )}
        {shown.panel === 'group' && (
          <>
            <GroupPanel key={shown.id} id={shown.id} />
            <DeleteNode id={shown.id} what="group" />
          </>
        )}
        {shown.panel === 'link' && <LinkPanel key={shown.id} edgeId={shown.id} />}
        {shown.panel === 'multi' && <MultiPanel />}
      </div>
    </aside>
  );
}

/** Deletes the node (a group with all it holds); the root flow stays. */
function DeleteNode({ id, what }: { readonly id: string; readonly what: string }) {
  const isRoot = useDesigner((s) => s.index.get(id)?.parentId === undefined);
  const members = useDesigner((s) => {
    const node = s.index.get(id)?.node;
    return node !== undefined && isGroup(node) ? node.children.length : 0;
  });
  if (isRoot) {
    return (
      <Section title="Actions">
        <div className="insp-note">The root flow holds everything; it cannot be deleted.</div>
      </Section>
    );
  }
  return (
    <Section title="Actions">
      <button
        type="button"
        className="insp-button insp-button-danger"
        onClick={() => {
          if (!useDesigner.getState().index.has(id)) return;
          edit((d) => {
            ops.removeNodes(d, [id]);
          });
          select([]);
        }}
      >
        Delete {what}
        {members > 0 ? ` and its ${plural(members, 'member')}` : ''}
      </button>
    </Section>
  );
}

/** Several things selected: how many, and Delete. */
function MultiPanel() {
  const selection = useDesigner((s) => s.selection);
  const selectedEdges = useDesigner((s) => s.selectedEdges);
  const index = useDesigner((s) => s.index);
  let tasks = 0;
  let groups = 0;
  let root = false;
  for (const id of selection) {
    const loc = index.get(id);
    if (loc === undefined) continue;
    if (loc.parentId === undefined) root = true;
    else if (isGroup(loc.node)) groups += 1;
    else tasks += 1;
  }
  const links = selectedEdges.filter((e) => e.startsWith('link:')).length;
  const count = selection.length + selectedEdges.length;
  const parts = [
    tasks > 0 ? plural(tasks, 'task') : '',
    groups > 0 ? plural(groups, 'group') : '',
    links > 0 ? plural(links, 'link') : '',
    root ? 'the root flow' : '',
  ].filter((p) => p !== '');
  const deletable = tasks + groups + links > 0;
  return (
    <>
      <PanelHeader
        glyph={String(count)}
        tone="group"
        eyebrow="Selection"
        title={`${String(count)} selected`}
      />
      <Section title="Selection">
        <div className="insp-summary-line">{parts.join(', ')}</div>
        {root && <div className="insp-note">The root flow stays when the rest is deleted.</div>}
        <button
          type="button"
          className="insp-button insp-button-danger"
          disabled={!deletable}
          onClick={() => {
            deleteSelection();
          }}
        >
          Delete
        </button>
      </Section>
    </>
  );
}
