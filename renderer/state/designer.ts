/**
 * The designer's state: the document being edited (the one source of truth;
 * the canvas is drawn from it), its undo history, the selection, the host's
 * verdict on it, and what React Flow draws.
 *
 * Every edit goes through {@link DesignerState.edit}, which makes it one undo
 * step (typing in one field within a second is one step) and redraws.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { produce } from 'immer';
import { create } from 'zustand';
import {
  CanvasCache,
  canvasEdges,
  canvasNodes,
  problemsByNode,
  type CanvasNode,
  type Problem,
} from '../designer/canvas-graph';
import { dataEdges, type DataEdge } from '../designer/data-edges';
import { emptyDocument, type FlowDoc } from '../designer/document';
import { absoluteBoxes } from '../designer/drop';
import { arrange, autoPositions, type AutoPositions, type Box } from '../designer/layout';
import { indexDocument, type Located } from '../designer/tree';

const HISTORY_LIMIT = 200;
/** Edits of one field closer together than this are one undo step. */
const COALESCE_MS = 1000;

export interface Notice {
  readonly id: number;
  readonly kind: 'info' | 'error';
  readonly text: string;
}

export interface EditOptions {
  /** Edits with the same key in a row (within a second) make one undo step: typing in a field. */
  readonly coalesce?: string;
}

export interface DesignerState {
  readonly doc: FlowDoc;
  /** The name the flow has in the app's database, if it was opened from or saved there. */
  readonly savedAs: string | undefined;
  /** The document as last opened or saved: the flow is dirty while `doc` is another object. */
  readonly savedDoc: FlowDoc;
  readonly past: readonly FlowDoc[];
  readonly future: readonly FlowDoc[];
  readonly lastEdit: { readonly key: string; readonly at: number } | undefined;

  readonly index: Map<string, Located>;
  readonly boxes: Map<string, Box>;
  readonly absolute: Map<string, Box>;
  readonly offsets: Map<string, { dx: number; dy: number }>;
  readonly data: readonly DataEdge[];
  readonly auto: AutoPositions;
  readonly nodes: CanvasNode[];
  readonly edges: Edge[];

  /** Selected nodes' canvas ids. */
  readonly selection: readonly string[];
  /** Selected edges' ids (links of graph groups). */
  readonly selectedEdges: readonly string[];
  readonly dropTarget: string | undefined;

  /** The host's problems with `doc`, once it has said. */
  readonly problems: readonly Problem[];
  readonly problemsById: Map<string, Problem[]>;
  /** Problems that name no node on the canvas (the document's own fields). */
  readonly documentProblems: readonly Problem[];
  /** `checking` until the host has judged the current document; `unavailable` without a host. */
  readonly validation: 'checking' | 'checked' | 'unavailable';
  readonly validationError: string | undefined;

  readonly notice: Notice | undefined;
  /** How many documents have been opened: the canvas fits its view to each new one. */
  readonly loads: number;
}

const first = emptyDocument();

/** What React Flow was last given: unchanged nodes and edges are handed over as the same objects. */
const canvasCache = new CanvasCache();

function derived(
  doc: FlowDoc,
  auto: AutoPositions,
  problems: readonly Problem[],
  selection: readonly string[],
  selectedEdges: readonly string[],
  dropTarget: string | undefined,
) {
  const index = indexDocument(doc);
  const data = dataEdges(index);
  const { boxes, offsets, automatic } = arrange(doc, index, auto);
  const { byId, unplaced } = problemsByNode(index, problems);
  const liveSelection = selection.filter((id) => index.has(id));
  const nodes = canvasNodes(index, boxes, byId, new Set(liveSelection), dropTarget, canvasCache);
  const edges = canvasEdges(index, data, new Set(selectedEdges), canvasCache);
  canvasCache.keepOnly(new Set([...nodes.map((n) => `node:${n.id}`), ...edges.map((e) => e.id)]));
  const liveEdges = selectedEdges.filter((id) => edges.some((e) => e.id === id));
  return {
    index,
    data,
    boxes,
    offsets,
    automatic,
    absolute: absoluteBoxes(index, boxes),
    problemsById: byId,
    documentProblems: unplaced,
    nodes,
    edges,
    selection: liveSelection,
    selectedEdges: liveEdges,
  };
}

function initial() {
  const d = derived(first, new Map(), [], [], [], undefined);
  const { automatic: _automatic, ...rest } = d;
  return rest;
}

export const useDesigner = create<DesignerState>()(() => ({
  doc: first,
  savedAs: undefined,
  savedDoc: first,
  past: [],
  future: [],
  lastEdit: undefined,
  auto: new Map(),
  dropTarget: undefined,
  problems: [],
  validation: 'checking',
  validationError: undefined,
  notice: undefined,
  loads: 0,
  ...initial(),
}));

/** Signatures of the graph groups elkjs last placed, so it runs again only when one changes. */
const autoSignatures = new Map<string, string>();

function signature(state: DesignerState, groupId: string): string {
  const parts: string[] = [];
  for (const loc of state.index.values()) {
    if (loc.parentId !== groupId) continue;
    const b = state.boxes.get(loc.id);
    parts.push(`${loc.id}:${String(b?.width)}x${String(b?.height)}`);
  }
  const group = state.index.get(groupId)?.node;
  if (group && group.type !== 'task') for (const l of group.links ?? []) parts.push(`${l.from}>${l.to}`);
  for (const e of state.data) parts.push(`${e.from}>${e.to}`);
  return parts.join('|');
}

/** Redraws from the current document (and asks elkjs to place graph groups nobody placed). */
export function redraw(patch: Partial<DesignerState> = {}): void {
  const s = { ...useDesigner.getState(), ...patch };
  const d = derived(s.doc, s.auto, s.problems, s.selection, s.selectedEdges, s.dropTarget);
  const { automatic, ...rest } = d;
  useDesigner.setState({ ...patch, ...rest });
  const stale = automatic.filter((id) => autoSignatures.get(id) !== signature(useDesigner.getState(), id));
  if (stale.length > 0) placeAutomatically(stale);
}

let placing = 0;

function placeAutomatically(groupIds: readonly string[]): void {
  const ticket = ++placing;
  const s = useDesigner.getState();
  const sigs = new Map(groupIds.map((id) => [id, signature(s, id)]));
  autoPositions(s.index, s.boxes, s.data, groupIds).then(
    (positions) => {
      if (ticket !== placing) return;
      for (const [id, sig] of sigs) autoSignatures.set(id, sig);
      const current = useDesigner.getState();
      const auto = new Map(current.auto);
      for (const [id, p] of positions) auto.set(id, p);
      // A flow just opened is fitted again once its graphs are placed (they change its size).
      redraw(current.past.length === 0 ? { auto, loads: current.loads + 1 } : { auto });
    },
    (e: unknown) => {
      notify('error', `Auto-layout failed: ${e instanceof Error ? e.message : String(e)}`);
    },
  );
}

let noticeId = 0;

/** Shows a short message to the person (the latest replaces the one before). */
export function notify(kind: Notice['kind'], text: string): void {
  useDesigner.setState({ notice: { id: ++noticeId, kind, text } });
}

export function dismissNotice(): void {
  useDesigner.setState({ notice: undefined });
}

/** Applies one edit to the document as one undo step (or part of the last one, see {@link EditOptions}). */
export function edit(recipe: (draft: FlowDoc) => void, options: EditOptions = {}): boolean {
  const s = useDesigner.getState();
  let next: FlowDoc;
  try {
    next = produce(s.doc, recipe);
  } catch (e) {
    notify('error', e instanceof Error ? e.message : String(e));
    return false;
  }
  if (next === s.doc) return false;
  const now = Date.now();
  const joins =
    options.coalesce !== undefined &&
    s.lastEdit?.key === options.coalesce &&
    now - s.lastEdit.at < COALESCE_MS &&
    s.future.length === 0;
  const past = joins ? s.past : [...s.past, s.doc].slice(-HISTORY_LIMIT);
  redraw({
    doc: next,
    past,
    future: [],
    lastEdit: options.coalesce === undefined ? undefined : { key: options.coalesce, at: now },
  });
  scheduleValidation();
  return true;
}

export function undo(): void {
  const s = useDesigner.getState();
  const previous = s.past.at(-1);
  if (!previous) return;
  redraw({ doc: previous, past: s.past.slice(0, -1), future: [s.doc, ...s.future], lastEdit: undefined });
  scheduleValidation();
}

export function redo(): void {
  const s = useDesigner.getState();
  const next = s.future[0];
  if (!next) return;
  redraw({ doc: next, past: [...s.past, s.doc], future: s.future.slice(1), lastEdit: undefined });
  scheduleValidation();
}

/** Opens a document: a new history, nothing selected, clean. */
export function loadDocument(doc: FlowDoc, savedAs: string | undefined): void {
  autoSignatures.clear();
  redraw({
    doc,
    savedDoc: doc,
    savedAs,
    past: [],
    future: [],
    lastEdit: undefined,
    auto: new Map(),
    selection: [],
    selectedEdges: [],
    problems: [],
    loads: useDesigner.getState().loads + 1,
  });
  scheduleValidation(0);
}

/** Records that `doc` is what the database now holds under `name`. */
export function markSaved(doc: FlowDoc, name: string): void {
  useDesigner.setState({ savedDoc: doc, savedAs: name });
}

/** Whether the flow has edits that are not saved. */
export function isDirty(s: Pick<DesignerState, 'doc' | 'savedDoc'>): boolean {
  return s.doc !== s.savedDoc;
}

export function select(ids: readonly string[], edges: readonly string[] = []): void {
  redraw({ selection: ids, selectedEdges: edges });
}

export function setDropTarget(id: string | undefined): void {
  if (useDesigner.getState().dropTarget === id) return;
  const s = useDesigner.getState();
  // Only the two group nodes concerned change.
  const nodes = s.nodes.map((n) =>
    n.type === 'group' && (n.id === id || n.id === s.dropTarget)
      ? { ...n, data: { ...n.data, dropTarget: n.id === id } }
      : n,
  );
  useDesigner.setState({ dropTarget: id, nodes });
}

/** React Flow's node changes: drags move nodes until the drop commits them; selection is tracked. */
export function onNodesChange(changes: NodeChange<CanvasNode>[]): void {
  const s = useDesigner.getState();
  // Sizes come from the layout (every node has its width and height), so React Flow's measurements are not kept.
  const kept = changes.filter((c) => c.type === 'position' || c.type === 'select');
  if (kept.length === 0) return;
  const nodes = applyNodeChanges(kept, s.nodes);
  const selection = kept.some((c) => c.type === 'select')
    ? nodes.filter((n) => n.selected).map((n) => n.id)
    : s.selection;
  useDesigner.setState({ nodes, selection });
}

export function onEdgesChange(changes: EdgeChange[]): void {
  const s = useDesigner.getState();
  const kept = changes.filter((c) => c.type === 'select');
  if (kept.length === 0) return;
  const edges = applyEdgeChanges(kept, s.edges);
  useDesigner.setState({ edges, selectedEdges: edges.filter((e) => e.selected).map((e) => e.id) });
}

/* Validation: the host judges each document a moment after the last edit. */

type Validator = (doc: FlowDoc) => Promise<readonly Problem[]>;
let validator: Validator | undefined;
let validationTimer: ReturnType<typeof setTimeout> | undefined;
const VALIDATION_DELAY_MS = 150;

/** Sets how documents are judged (the host's `documents.validate`), and judges the current one. */
export function setValidator(v: Validator | undefined): void {
  validator = v;
  scheduleValidation(0);
}

function scheduleValidation(delay = VALIDATION_DELAY_MS): void {
  clearTimeout(validationTimer);
  if (!validator) {
    useDesigner.setState({ validation: 'unavailable' });
    return;
  }
  useDesigner.setState({ validation: 'checking' });
  validationTimer = setTimeout(() => {
    const doc = useDesigner.getState().doc;
    const judge = validator;
    if (!judge) return;
    judge(doc).then(
      (problems) => {
        if (useDesigner.getState().doc !== doc) return;
        redraw({ problems, validation: 'checked', validationError: undefined });
      },
      (e: unknown) => {
        if (useDesigner.getState().doc !== doc) return;
        useDesigner.setState({
          validation: 'unavailable',
          validationError: e instanceof Error ? e.message : String(e),
        });
      },
    );
  }, delay);
}
