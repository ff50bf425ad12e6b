import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { useFlowStore } from '../state/flow';

function EmptyState() {
  return (
    <div className="empty-state">
      <div className="empty-title">This flow is empty</div>
      <p className="empty-text">
        Drawing tasks, links and nested flows arrives with the designer. Until then, flows run from the
        terminal:
      </p>
      <code className="empty-code">atomflow run examples/deploy.flow.json</code>
    </div>
  );
}

/** The flow canvas: pan, zoom, a dotted grid, zoom controls and a minimap. */
export function Canvas() {
  const nodes = useFlowStore((s) => s.nodes);
  const edges = useFlowStore((s) => s.edges);
  const onNodesChange = useFlowStore((s) => s.onNodesChange);
  const onEdgesChange = useFlowStore((s) => s.onEdgesChange);
  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        colorMode="dark"
        fitView
        minZoom={0.2}
        maxZoom={2.5}
        attributionPosition="top-right"
      >
        <Background variant={BackgroundVariant.Dots} gap={22} size={1.4} />
        <Controls position="bottom-left" showInteractive={false} />
        <MiniMap position="bottom-right" pannable zoomable ariaLabel="Minimap" />
      </ReactFlow>
      {nodes.length === 0 && <EmptyState />}
    </div>
  );
}
