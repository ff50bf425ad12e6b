/**
 * Helpers for reading traces the way the scenarios write them.
 */
import { CaptureListener, type Engine } from '../../engine/index.js';

/** Full trace (flow, task and retry events). */
export function captureAll(engine: Engine): CaptureListener {
  return new CaptureListener(engine.notifier);
}

/** Task trace (task and retry events only). */
export function captureTasks(engine: Engine): CaptureListener {
  return new CaptureListener(engine.notifier, { captureFlow: false });
}

/** Runs and returns the error the run raised (fails the test if it raised nothing). */
export async function runExpectingError(engine: Engine): Promise<unknown> {
  try {
    await engine.run();
  } catch (e) {
    return e;
  }
  throw new Error('expected the run to raise, it did not');
}

/** Checks the scenarios' "Raises X 'msg'": the error, or a WrappedFailure containing it. */
export function raisedMatches(err: unknown, type: string, messagePrefix?: string): boolean {
  const candidates: { names: readonly string[]; message: string }[] = [];
  if (err instanceof Error && err.name === 'WrappedFailure') {
    for (const f of (
      err as unknown as { failures: { excTypeNames: readonly string[]; exceptionStr: string }[] }
    ).failures) {
      candidates.push({ names: f.excTypeNames, message: f.exceptionStr });
    }
  } else if (err instanceof Error) {
    const names: string[] = [];
    let proto: unknown = Object.getPrototypeOf(err);
    while (proto && proto !== Object.prototype) {
      const n = (proto as { constructor: { name: string } }).constructor.name;
      names.push(n);
      proto = Object.getPrototypeOf(proto);
    }
    candidates.push({ names, message: err.message });
  }
  return candidates.some(
    (c) => c.names.includes(type) && (messagePrefix === undefined || c.message.startsWith(messagePrefix)),
  );
}
