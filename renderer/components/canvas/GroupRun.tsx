/** A run drawn on a group's header: its tasks' states as a segmented bar, and how many are done. */
import { ATOM_LOOKS } from '../../run/looks';
import { STATE_ORDER, type GroupSummary } from './group-summary';

/** The bar and the "done/total" count; the counts by state on hover. */
export function GroupRun({ summary }: { readonly summary: GroupSummary }) {
  const { counts, total, done } = summary;
  const title = STATE_ORDER.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${ATOM_LOOKS[s].label}: ${String(counts[s])}`)
    .join('\n');
  return (
    <span className="group-run" title={title} data-testid="group-run">
      <span className="group-run-bar" aria-hidden="true">
        {STATE_ORDER.map((s) => {
          const n = counts[s] ?? 0;
          if (n === 0 || total === 0) return null;
          return (
            <span
              key={s}
              className={`group-run-seg run-${ATOM_LOOKS[s].tone}`}
              style={{ flexGrow: n }}
              data-state={s}
              data-count={n}
            />
          );
        })}
      </span>
      <span className="group-run-count">
        {done}/{total}
      </span>
    </span>
  );
}
