import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type Node,
  type NodeMouseHandler,
  type OnNodeDrag,
} from '@xyflow/react';
import { useCallback, useEffect, type DragEvent } from 'react';
import type { CanvasNode } from '../designer/canvas-graph';
import { groupAt } from '../designer/drop';
import {
  canConnect,
  connect,
  dropDragged,
  dropItem,
  PALETTE_MIME,
  type PaletteItem,
} from '../state/commands';
import { onEdgesChange, onNodesChange, setDropTarget, useDesigner } from '../state/designer';
import { DataEdge, EdgeMarkers, LinkEdge, OrderEdge } from './canvas/edges';
import { GroupNode } from './canvas/GroupNode';
import { TaskNode } from './canvas/TaskNode';

const nodeTypes = { task: TaskNode, group: GroupNode };
const edgeTypes = { order: OrderEdge, link: LinkEdge, data: DataEdge };

function EmptyState() {
  return (
    <div className="empty-state">
      <div className="empty-title">Start your flow</div>
      <p className="empty-text">
        Drag a task kind from the palette into the flow, or start from an example with New. Linear groups run
        their tasks in order; graph groups run them as you link them.
      </p>
    </div>
  );
}

function isPaletteItem(v: unknown): v is PaletteItem {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' || o.group === 'linear' || o.group === 'unordered' || o.group === 'graph';
}

function minimapColor(node: Node): string {
  if (node.type === 'group') return 'rgb(124 156 255 / 14%)';
  const data = node.data as { problems?: readonly unknown[] };
  return (data.problems?.length ?? 0) > 0 ? '#f85149' : '#7c9cff';
}

/** The flow canvas: the document's groups and tasks, drawn and edited in place. */
/**
 * Below this zoom a card's text is a few pixels tall: cards are drawn as flat
 * blocks (see `.is-far` in canvas.css), which keeps thousands of them cheap
 * to restyle and paint while a run changes their states.
 */
export const FAR_ZOOM = 0.4;

export function Canvas() {
  // A boolean, so the canvas redraws only when the zoom crosses the line.
  const far = useStore((s) => s.transform[2] < FAR_ZOOM);
  const nodes = useDesigner((s) => s.nodes);
  const edges = useDesigner((s) => s.edges);
  const empty = useDesigner((s) => s.doc.flow.children.length === 0);
  const loads = useDesigner((s) => s.loads);
  const { screenToFlowPosition, fitView } = useReactFlow();

  // A newly opened flow is shown whole (once React Flow has measured its nodes).
  useEffect(() => {
    if (loads === 0) return;
    const frame = requestAnimationFrame(() => {
      void fitView({ padding: 0.12, maxZoom: 1.1 });
    });
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [loads, fitView]);

  const pointerOf = useCallback(
    (e: { clientX: number; clientY: number } | TouchEvent) => {
      const p = 'touches' in e ? (e.changedTouches[0] ?? { clientX: 0, clientY: 0 }) : e;
      return screenToFlowPosition({ x: p.clientX, y: p.clientY });
    },
    [screenToFlowPosition],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(PALETTE_MIME)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      const s = useDesigner.getState();
      setDropTarget(groupAt(s.index, s.absolute, pointerOf(e)));
    },
    [pointerOf],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const raw = e.dataTransfer.getData(PALETTE_MIME);
      setDropTarget(undefined);
      if (raw === '') return;
      e.preventDefault();
      let item: unknown;
      try {
        item = JSON.parse(raw);
      } catch {
        return;
      }
      if (isPaletteItem(item)) dropItem(item, pointerOf(e));
    },
    [pointerOf],
  );

  const onNodeDrag: OnNodeDrag<CanvasNode> = useCallback(
    (e, node, dragged) => {
      const s = useDesigner.getState();
      setDropTarget(
        groupAt(
          s.index,
          s.absolute,
          pointerOf(e),
          dragged.map((n) => n.id),
        ),
      );
    },
    [pointerOf],
  );

  const onNodeDragStop: OnNodeDrag<CanvasNode> = useCallback(
    (e, node, dragged) => {
      const s = useDesigner.getState();
      const topLeftOf = (n: CanvasNode) => {
        const parent = n.parentId === undefined ? undefined : s.absolute.get(n.parentId);
        return { x: n.position.x + (parent?.x ?? 0), y: n.position.y + (parent?.y ?? 0) };
      };
      const others = dragged
        .filter((n) => n.id !== node.id)
        .map((n) => ({ id: n.id, topLeft: topLeftOf(n) }));
      dropDragged(node.id, pointerOf(e), topLeftOf(node), others);
    },
    [pointerOf],
  );

  const onPaneClick = useCallback(() => {
    setDropTarget(undefined);
  }, []);

  const onNodeDoubleClick: NodeMouseHandler<CanvasNode> = useCallback(() => {
    document
      .querySelector<HTMLElement>('[data-testid="inspector"] input, [data-testid="inspector"] textarea')
      ?.focus();
  }, []);

  return (
    <div
      className="canvas"
      data-testid="canvas"
      onDragLeave={() => {
        setDropTarget(undefined);
      }}
    >
      <EdgeMarkers />
      <ReactFlow<CanvasNode>
        className={far ? 'is-far' : undefined}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        isValidConnection={canConnect}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        onDragOver={onDragOver}
        onDrop={onDrop}
        colorMode="dark"
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
        minZoom={0.05}
        maxZoom={2.5}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        selectNodesOnDrag={false}
        elevateNodesOnSelect={false}
        nodeDragThreshold={3}
        connectionRadius={28}
        proOptions={{ hideAttribution: true }}
        // Nodes and edges off screen are not in the DOM: a flow of thousands stays quick where a part is in view.
        onlyRenderVisibleElements
      >
        <Background variant={BackgroundVariant.Dots} gap={22} size={1.4} />
        <Controls position="bottom-left" showInteractive={false} />
        <MiniMap
          position="bottom-right"
          pannable
          zoomable
          ariaLabel="Minimap"
          nodeColor={minimapColor}
          nodeStrokeWidth={0}
          nodeBorderRadius={4}
          style={{ width: 168, height: 112 }}
        />
      </ReactFlow>
      {empty && <EmptyState />}
    </div>
  );
}
