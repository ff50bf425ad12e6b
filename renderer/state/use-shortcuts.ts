/**
 * The designer's keyboard shortcuts (listed in `shortcuts.ts`), on the whole
 * window, except while the person types in a field or a dialog is open.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import {
  autoLayout,
  copySelection,
  cutSelection,
  deleteSelection,
  duplicateSelection,
  paste,
  selectAll,
} from './commands';
import { redo, select, undo, useDesigner } from './designer';
import { exportFile, save } from './files';
import { openDialog, useUi } from './ui';

/** Keys pressed in a field are the field's, not the canvas's. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Whether the key went to a panel's own control (a palette item, a problem row), not the canvas. */
function onPanel(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    target.closest('.palette, .problems, .inspector, .run-dock, .runbar') !== null
  );
}

export function useShortcuts(enabled = true): void {
  const { fitView, zoomIn, zoomOut } = useReactFlow();
  useEffect(() => {
    if (!enabled) return undefined;
    const zoomToSelection = () => {
      const ids = useDesigner.getState().selection;
      if (ids.length > 0)
        void fitView({ nodes: ids.map((id) => ({ id })), padding: 0.4, maxZoom: 1, duration: 200 });
    };
    const onKey = (e: KeyboardEvent) => {
      const ui = useUi.getState();
      if (ui.dialog !== undefined || ui.question !== undefined) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      // File commands work even from a field: Ctrl+S while typing saves.
      if (mod && !e.altKey) {
        const file: Record<string, (() => void) | undefined> = {
          s: () => void save(),
          o: () => {
            openDialog('open');
          },
          n: () => {
            openDialog('new');
          },
          i: () => document.querySelector<HTMLInputElement>('[data-testid="import-file"]')?.click(),
          e: e.shiftKey ? exportFile : undefined,
        };
        const run = file[key];
        if (run && (key !== 'e' || e.shiftKey)) {
          e.preventDefault();
          run();
          return;
        }
      }
      if (typing(e.target)) return;
      let handled = true;
      if (mod && key === 'z' && !e.shiftKey) undo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) redo();
      else if (mod && key === 'c') copySelection();
      else if (mod && key === 'x') cutSelection();
      else if (mod && key === 'v') paste();
      else if (mod && key === 'd') duplicateSelection();
      else if (mod && key === 'a') selectAll();
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace') && !onPanel(e.target)) deleteSelection();
      else if (e.key === 'Escape' && !onPanel(e.target)) select([]);
      else if (!mod && e.shiftKey && key === 'l') autoLayout();
      else if (!mod && e.shiftKey && (e.key === '!' || e.code === 'Digit1'))
        void fitView({ padding: 0.15, duration: 200 });
      else if (!mod && e.shiftKey && (e.key === '@' || e.code === 'Digit2')) zoomToSelection();
      else if (!mod && (e.key === '+' || e.key === '=')) void zoomIn({ duration: 150 });
      else if (!mod && e.key === '-') void zoomOut({ duration: 150 });
      else if (e.key === '?') openDialog('help');
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [enabled, fitView, zoomIn, zoomOut]);
}

/** Asks before the page goes away with unsaved edits (closing the tab or window, reloading). */
export function useUnsavedGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty]);
}
