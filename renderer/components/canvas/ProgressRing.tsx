const SIZE = 30;
const STROKE = 2.5;
const RADIUS = (SIZE - STROKE) / 2;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * A running task's progress as a ring around its state icon. A task that
 * reports no progress (most kinds report none until they end) gets a
 * turning arc instead, so it still shows that it is working.
 */
export function ProgressRing({ progress }: { readonly progress: number }) {
  const known = progress > 0;
  const shown = known ? Math.min(1, progress) : 0.25;
  return (
    <svg
      className={`progress-ring${known ? '' : ' is-indeterminate'}`}
      viewBox={`0 0 ${String(SIZE)} ${String(SIZE)}`}
      data-progress={known ? progress.toFixed(2) : undefined}
      aria-hidden="true"
    >
      <circle className="progress-track" cx={SIZE / 2} cy={SIZE / 2} r={RADIUS} strokeWidth={STROKE} />
      <circle
        className="progress-value"
        cx={SIZE / 2}
        cy={SIZE / 2}
        r={RADIUS}
        strokeWidth={STROKE}
        strokeDasharray={`${String(CIRCUMFERENCE * shown)} ${String(CIRCUMFERENCE)}`}
        transform={`rotate(-90 ${String(SIZE / 2)} ${String(SIZE / 2)})`}
      />
    </svg>
  );
}
