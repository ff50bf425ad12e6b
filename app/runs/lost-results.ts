/**
 * The values an ended run provided, read back from its stored atoms. The run
 * service records them with the run (`meta.results`) in a write of its own,
 * just after the engine has committed the run's last transition; a host
 * killed between the two leaves an ended run without them (and a resume
 * rightly refuses a run that has ended), so readers recover them from the
 * atoms, which hold everything they are made of.
 */
import { load, type FlowDetail } from '../../engine/index.js';
import { buildFlow, validateDocument, type FlowDocument } from '../document/index.js';
import { jsonSafeRecord } from './events.js';

/**
 * What `fd`'s run provided, as `RunService` would have recorded it when the
 * run ended; `undefined` when its document cannot be built any more.
 * `fd` must be a detail read for this purpose: it is worked on in memory.
 */
export function resultsFromAtoms(fd: FlowDetail, document: unknown): Record<string, unknown> | undefined {
  if (validateDocument(document).length > 0) return undefined;
  try {
    // No backend: nothing is written, not even what prepare() does to a REVERTED detail (a reset).
    const engine = load(buildFlow(document as FlowDocument), { flowDetail: fd });
    engine.compile();
    engine.prepare();
    return jsonSafeRecord(engine.storage.fetchAll());
  } catch {
    return undefined;
  }
}
