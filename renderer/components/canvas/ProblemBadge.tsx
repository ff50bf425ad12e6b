import type { Problem } from '../../designer/canvas-graph';

/** A node's problem count; its messages on hover. */
export function ProblemBadge({ problems }: { readonly problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  const text = problems.map((p) => `${p.path === '' ? '' : `${p.path}: `}${p.message}`).join('\n');
  return (
    <span
      className="problem-badge"
      title={text}
      role="img"
      aria-label={`${String(problems.length)} problems: ${text}`}
    >
      {problems.length}
    </span>
  );
}
