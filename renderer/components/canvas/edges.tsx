import { BaseEdge, getBezierPath, getStraightPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { DataEdgeData, LinkEdgeData } from '../../designer/canvas-graph';

/**
 * Labels are drawn in the edge's own SVG (BaseEdge's label), not in React
 * Flow's HTML label layer: that layer looks itself up in the DOM for every
 * label on every store update, which a flow of 1,000 data edges cannot afford.
 */
const LABEL = { labelShowBg: true, labelBgPadding: [6, 2] as [number, number], labelBgBorderRadius: 8 };

/** The order of a linear group: a plain arrow from one member to the next. */
export const OrderEdge = memo(function OrderEdge(props: EdgeProps) {
  const [path] = getStraightPath({
    sourceX: props.sourceX,
    sourceY: props.sourceY,
    targetX: props.targetX,
    targetY: props.targetY,
  });
  return <BaseEdge id={props.id} path={path} className="edge-order" markerEnd="url(#af-arrow)" />;
});

/** An explicit link of a graph group; a decider shows as a badge on it. */
export const LinkEdge = memo(function LinkEdge(props: EdgeProps<Edge<LinkEdgeData>>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const decider = props.data?.link.decider;
  return (
    <BaseEdge
      id={props.id}
      path={path}
      className={`edge-link${props.selected ? ' is-selected' : ''}${decider ? ' has-decider' : ''}`}
      markerEnd={props.selected ? 'url(#af-arrow-selected)' : 'url(#af-arrow)'}
      interactionWidth={16}
      {...(decider ? { ...LABEL, label: '◇ decider', labelX, labelY } : {})}
    />
  );
});

/**
 * A value passing from the task that provides it to one that requires it,
 * dashed and labelled with its symbol. Between members of one linear group
 * it arches above the order arrow, so that neither hides the other.
 */
export const DataEdge = memo(function DataEdge(props: EdgeProps<Edge<DataEdgeData>>) {
  const { sourceX, sourceY, targetX, targetY } = props;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (props.data?.arched === true) {
    const dx = Math.abs(targetX - sourceX);
    const lift = 26 + Math.min(90, dx * 0.12);
    const c1x = sourceX + Math.max(40, dx * 0.35);
    const c2x = targetX - Math.max(40, dx * 0.35);
    const top = Math.min(sourceY, targetY) - lift;
    path = `M ${String(sourceX)} ${String(sourceY)} C ${String(c1x)} ${String(top)}, ${String(c2x)} ${String(top)}, ${String(targetX)} ${String(targetY)}`;
    // The cubic's midpoint (t = 0.5).
    labelX = (sourceX + 3 * c1x + 3 * c2x + targetX) / 8;
    labelY = (sourceY + 6 * top + targetY) / 8;
  } else {
    [path, labelX, labelY] = getBezierPath(props);
  }
  return (
    <BaseEdge
      id={props.id}
      path={path}
      className="edge-data"
      markerEnd="url(#af-arrow-data)"
      {...LABEL}
      label={props.data?.symbol}
      labelX={labelX}
      labelY={labelY}
    />
  );
});

/** Arrow heads the edges share (one definition each, not one per edge): id, size, class of the head. */
const MARKERS = [
  ['af-arrow', 7, 'marker-order'],
  ['af-arrow-selected', 7, 'marker-selected'],
  ['af-arrow-data', 6, 'marker-data'],
] as const;

export function EdgeMarkers() {
  return (
    <svg className="edge-markers" aria-hidden="true">
      <defs>
        {MARKERS.map(([id, size, className]) => (
          <marker
            key={id}
            id={id}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth={size}
            markerHeight={size}
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className={className} />
          </marker>
        ))}
      </defs>
    </svg>
  );
}
