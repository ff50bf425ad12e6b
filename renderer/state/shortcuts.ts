/**
 * The designer's keyboard shortcuts: one list, which the key handler follows
 * and the help panel shows. `mod` is Ctrl, or ⌘ on a Mac.
 */
export interface Shortcut {
  /** Keys as shown, e.g. `Mod+Z`. */
  readonly keys: readonly string[];
  readonly action: string;
  readonly section: 'File' | 'Edit' | 'Canvas' | 'Help';
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['Mod+N'], action: 'New flow (blank or from an example)', section: 'File' },
  { keys: ['Mod+O'], action: 'Open a saved flow', section: 'File' },
  { keys: ['Mod+S'], action: 'Save', section: 'File' },
  { keys: ['Mod+Shift+E'], action: 'Export as .json', section: 'File' },
  { keys: ['Mod+I'], action: 'Import a .json file', section: 'File' },
  { keys: ['Mod+Z'], action: 'Undo', section: 'Edit' },
  { keys: ['Mod+Shift+Z', 'Mod+Y'], action: 'Redo', section: 'Edit' },
  { keys: ['Mod+C'], action: 'Copy', section: 'Edit' },
  { keys: ['Mod+X'], action: 'Cut', section: 'Edit' },
  { keys: ['Mod+V'], action: 'Paste into the selected group, or after the selected node', section: 'Edit' },
  { keys: ['Mod+D'], action: 'Duplicate', section: 'Edit' },
  { keys: ['Delete', 'Backspace'], action: 'Delete the selection', section: 'Edit' },
  { keys: ['Mod+A'], action: 'Select everything', section: 'Edit' },
  { keys: ['Escape'], action: 'Clear the selection', section: 'Edit' },
  { keys: ['Shift+Drag'], action: 'Select with a box', section: 'Canvas' },
  { keys: ['Mod+Click'], action: 'Add to the selection', section: 'Canvas' },
  {
    keys: ['Drag'],
    action: 'Move a node: into another group, or to another place in its group',
    section: 'Canvas',
  },
  { keys: ['Shift+L'], action: 'Auto-layout graph groups', section: 'Canvas' },
  { keys: ['Shift+1'], action: 'Zoom to fit', section: 'Canvas' },
  { keys: ['Shift+2'], action: 'Zoom to the selection', section: 'Canvas' },
  { keys: ['+', '-'], action: 'Zoom in, zoom out', section: 'Canvas' },
  { keys: ['?'], action: 'Show this help', section: 'Help' },
];

/** `Mod` as this platform writes it. */
export function modKey(): string {
  return /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
}
