import { useState } from 'react';
import { isGroup, type FlowDoc, type NodeDoc } from '../../designer/document';
import { EXAMPLES } from '../../designer/examples';
import { newFlow, newFromExample } from '../../state/files';
import { closeDialog } from '../../state/ui';
import { GROUP_LOOK } from '../canvas/kind-glyph';
import { Modal } from './Modal';

const SUFFIX = '.flow.json';

/** An example's title: its file name without `.flow.json`. */
export function exampleTitle(file: string): string {
  return file.endsWith(SUFFIX) ? file.slice(0, -SUFFIX.length) : file;
}

function countTasks(node: NodeDoc): number {
  return isGroup(node) ? node.children.reduce((n, c) => n + countTasks(c), 0) : 1;
}

/** "linear · 4 tasks": the root group's type and how many tasks the flow holds. */
export function exampleSummary(doc: FlowDoc): string {
  const n = countTasks(doc.flow);
  return `${doc.flow.type} · ${String(n)} ${n === 1 ? 'task' : 'tasks'}`;
}

/** New flow: a blank one, or a copy of one of the bundled examples. */
export function NewDialog() {
  const [busy, setBusy] = useState(false);
  const start = (load: () => Promise<boolean>) => {
    if (busy) return;
    setBusy(true);
    load().then(
      (done) => {
        setBusy(false);
        if (done) closeDialog();
      },
      () => {
        setBusy(false);
      },
    );
  };
  return (
    <Modal
      title="New flow"
      subtitle="Start from scratch, or from an example you can change and save as your own."
      onClose={closeDialog}
      size="lg"
      testId="new-dialog"
    >
      <div className="dlg-cards">
        <button
          type="button"
          className="dlg-card-button dlg-card-blank"
          data-testid="new-blank"
          onClick={() => {
            start(newFlow);
          }}
        >
          <span className="dlg-card-glyph dlg-card-glyph-blank" aria-hidden="true">
            +
          </span>
          <span className="dlg-card-title">Blank flow</span>
          <span className="dlg-card-meta">An empty linear flow</span>
        </button>
        {EXAMPLES.map((e) => {
          const title = exampleTitle(e.file);
          return (
            <button
              key={e.file}
              type="button"
              className="dlg-card-button"
              data-testid={`new-example-${title}`}
              title={e.doc.name === '' ? e.file : `${e.file} — flow “${e.doc.name}”`}
              onClick={() => {
                start(() => newFromExample(e.file));
              }}
            >
              <span className="dlg-card-glyph" aria-hidden="true">
                {GROUP_LOOK[e.doc.flow.type]?.glyph ?? '□'}
              </span>
              <span className="dlg-card-title">{title}</span>
              <span className="dlg-card-meta">{exampleSummary(e.doc)}</span>
            </button>
          );
        })}
      </div>
    </Modal>
  );
}
