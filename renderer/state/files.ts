/**
 * Flows in and out of the designer: new, from an example, open and save (the
 * app's database, through the host), import and export of `.json` files.
 * Nothing is lost unasked: every command that replaces the flow asks first
 * while there are unsaved edits.
 */
import { HostError } from '../host';
import { emptyDocument, readDocument, toSavedDocument, type FlowDoc } from '../designer/document';
import { EXAMPLES } from '../designer/examples';
import { currentClient } from './connection';
import { isDirty, loadDocument, markSaved, notify, useDesigner } from './designer';
import { clearRun } from './runs';
import { ask } from './ui';

/** Whether the current flow may be replaced: it is saved, or the person says to discard the edits. */
export async function mayDiscard(): Promise<boolean> {
  const s = useDesigner.getState();
  if (!isDirty(s)) return true;
  return ask(
    'Discard unsaved changes?',
    `“${s.doc.name || 'This flow'}” has changes that are not saved. They will be lost.`,
    'Discard changes',
  );
}

function client() {
  const c = currentClient();
  if (!c) throw new HostError({ code: 'unavailable', message: 'Not connected to the host' });
  return c;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function newFlow(): Promise<boolean> {
  if (!(await mayDiscard())) return false;
  loadDocument(emptyDocument(), undefined);
  clearRun();
  return true;
}

/** Starts a new flow from an example (not saved until the person saves it). */
export async function newFromExample(file: string): Promise<boolean> {
  const example = EXAMPLES.find((e) => e.file === file);
  if (!example) return false;
  if (!(await mayDiscard())) return false;
  loadDocument(structuredClone(example.doc), undefined);
  clearRun();
  return true;
}

/** Opens a flow saved in the app's database. */
export async function openSaved(name: string): Promise<boolean> {
  if (!(await mayDiscard())) return false;
  try {
    const found = await client().call('documents.get', { name });
    const doc = readDocument(JSON.stringify(found.document), name);
    loadDocument(doc, name);
    clearRun();
    return true;
  } catch (e) {
    notify('error', `Could not open “${name}”: ${reason(e)}`);
    return false;
  }
}

/**
 * Saves the flow under its name. The host refuses a flow with problems
 * (they stay shown on the canvas); export keeps such a flow in a file.
 */
export async function save(): Promise<boolean> {
  const doc = useDesigner.getState().doc;
  try {
    const saved = await client().call('documents.save', { document: toSavedDocument(doc) });
    markSaved(doc, saved.name);
    notify('info', `Saved “${saved.name}”`);
    return true;
  } catch (e) {
    if (e instanceof HostError && e.code === 'invalid-document') {
      const n = e.problems?.length ?? 0;
      notify(
        'error',
        `Not saved: the flow has ${String(n)} problem${n === 1 ? '' : 's'} to fix first (export keeps it in a file meanwhile)`,
      );
    } else notify('error', `Not saved: ${reason(e)}`);
    return false;
  }
}

/** Opens a `.json` file the person picked (a flow with problems opens too, showing them). */
export async function importFile(file: File): Promise<boolean> {
  let doc: FlowDoc;
  try {
    doc = readDocument(await file.text(), file.name);
  } catch (e) {
    notify('error', reason(e));
    return false;
  }
  if (!(await mayDiscard())) return false;
  loadDocument(doc, undefined);
  clearRun();
  return true;
}

/** The file name an export gets: the flow's name, made safe for file systems. */
export function exportName(doc: FlowDoc): string {
  const base = (doc.name || 'flow').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'flow';
  return `${base}.flow.json`;
}

/** Downloads the flow as a `.json` file (two-space indent, as the examples are written). */
export function exportFile(): void {
  const doc = useDesigner.getState().doc;
  const text = `${JSON.stringify(toSavedDocument(doc), null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = exportName(doc);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

/** Lists saved flows. */
export async function listSaved() {
  return (await client().call('documents.list', {})).documents;
}

/** Deletes a saved flow (after asking). */
export async function deleteSaved(name: string): Promise<boolean> {
  if (!(await ask('Delete this flow?', `“${name}” will be removed from the app's database.`, 'Delete')))
    return false;
  try {
    await client().call('documents.delete', { name });
    if (useDesigner.getState().savedAs === name) useDesigner.setState({ savedAs: undefined });
    return true;
  } catch (e) {
    notify('error', `Could not delete “${name}”: ${reason(e)}`);
    return false;
  }
}
