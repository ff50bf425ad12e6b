import type { StateLook } from '../../run/looks';

/**
 * A state as a small badge: its icon and word in its tone's colour (the
 * icon keeps states apart without colour too).
 */
export function StateBadge({ look, title }: { readonly look: StateLook; readonly title?: string }) {
  return (
    <span className="hist-badge" data-tone={look.tone} title={title}>
      <span className="hist-badge-icon" aria-hidden="true">
        {look.icon}
      </span>
      {look.label}
    </span>
  );
}
