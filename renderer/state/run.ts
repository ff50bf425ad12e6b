/** Whether the flow on the canvas may run now, and why not (the run bar says it). */
import type { DesignerState } from './designer';
import type { HostState } from './host';

/** Why the flow cannot run now, or undefined when it can. */
export function runBlocker(
  d: Pick<DesignerState, 'problems' | 'validation' | 'validationError' | 'doc'>,
  h: Pick<HostState, 'connection'>,
): string | undefined {
  if (h.connection.status !== 'connected') return 'Not connected to the host';
  if (d.doc.flow.children.length === 0) return 'The flow has no tasks yet';
  if (d.validation === 'checking') return 'Checking the flow…';
  if (d.validation === 'unavailable')
    return `The flow could not be checked${d.validationError ? `: ${d.validationError}` : ''}`;
  const n = d.problems.length;
  if (n > 0) return `Fix ${String(n)} problem${n === 1 ? '' : 's'} first`;
  return undefined;
}
