/**
 * Listeners that turn events into text: {@link CaptureListener} records them in
 * the notation of the spec's scenarios (`a.t SUCCESS(5)`), {@link PrintingListener}
 * prints them.
 */
import { Failure } from '../failure.js';
import type { AtomEvent, EngineEvent, FlowEvent } from './events.js';
import type { Notifier } from './notifier.js';

/** Renders a result the way the scenarios write it: `None` for nothing, `Failure: T: msg` for failures. */
export function formatResult(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (value instanceof Failure) return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** One line per event: `<name>.f|.t|.r STATE` with `(result)` when the event carries one. */
export function formatEvent(e: FlowEvent | AtomEvent): string {
  if (e.type === 'flow') return `${e.flowName}.f ${e.state}`;
  const suffix = e.kind === 'task' ? 't' : 'r';
  return e.hasResult
    ? `${e.name}.${suffix} ${e.state}(${formatResult(e.result)})`
    : `${e.name}.${suffix} ${e.state}`;
}

export interface CaptureOptions {
  captureFlow?: boolean;
  captureTask?: boolean;
  captureRetry?: boolean;
  skipNames?: readonly string[];
}

/** Records flow and atom events as strings; `values` grows as the run goes. */
export class CaptureListener {
  readonly values: string[] = [];
  private readonly unsubscribe: () => void;

  constructor(notifier: Notifier, options: CaptureOptions = {}) {
    const { captureFlow = true, captureTask = true, captureRetry = true, skipNames = [] } = options;
    this.unsubscribe = notifier.on('*', (e: EngineEvent) => {
      if (e.type === 'progress' || e.type === 'log') return;
      if (e.type === 'flow' && !captureFlow) return;
      if (e.type === 'atom') {
        if (e.kind === 'task' && !captureTask) return;
        if (e.kind === 'retry' && !captureRetry) return;
        if (skipNames.includes(e.name)) return;
      }
      this.values.push(formatEvent(e));
    });
  }

  /** Stops recording. */
  close(): void {
    this.unsubscribe();
  }
}

/** Prints one line per flow and atom event (and progress, if asked). */
export class PrintingListener {
  private readonly unsubscribe: () => void;

  constructor(
    notifier: Notifier,
    write: (line: string) => void = (l) => {
      console.log(l);
    },
    progress = false,
  ) {
    this.unsubscribe = notifier.on('*', (e) => {
      if (e.type === 'progress') {
        if (progress) write(`${e.name} progress ${(e.progress * 100).toFixed(0)}%`);
        return;
      }
      if (e.type === 'log') {
        write(`${e.name} ${e.stream}: ${e.text}`);
        return;
      }
      write(formatEvent(e));
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
