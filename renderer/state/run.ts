/**
 * Run from the designer: whether the flow may run now (and why not), and
 * starting a run on the serial engine. Watching a run live on the canvas
 * belongs to the run bar.
 */
import { toSavedDocument } from '../designer/document';
import { currentClient } from './connection';
import { notify, useDesigner, type DesignerState } from './designer';
import { useHostStore, type HostState } from './host';

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

/** Starts the flow on the serial engine and says how it ended. */
export async function runFlow(): Promise<void> {
  const client = currentClient();
  const blocker = runBlocker(useDesigner.getState(), useHostStore.getState());
  if (!client || blocker !== undefined) {
    notify('error', blocker ?? 'Not connected to the host');
    return;
  }
  try {
    const { runId } = await client.call('runs.start', {
      document: toSavedDocument(useDesigner.getState().doc),
    });
    notify('info', `Run ${runId.slice(0, 8)} started`);
    const stop = client.onRunEvents(runId, (events) => {
      for (const e of events) {
        if (e.type !== 'end') continue;
        stop();
        const failed = e.failures.map((f) => `${f.atom}: ${f.message}`).join('; ');
        notify(
          e.state === 'SUCCESS' ? 'info' : 'error',
          `Run ${runId.slice(0, 8)} ended ${e.state}${failed ? ` — ${failed}` : ''}`,
        );
      }
    });
  } catch (e) {
    notify('error', `Could not start the run: ${e instanceof Error ? e.message : String(e)}`);
  }
}
