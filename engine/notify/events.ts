/**
 * Typed notifications of a run (spec §9): flow transitions, atom transitions and
 * task progress.
 */
import type { Values } from '../atoms/atom.js';
import type { AtomState, FlowState } from '../states.js';

/** The flow moved to a new state. Emitted after the state was saved. */
export interface FlowEvent {
  readonly type: 'flow';
  readonly state: FlowState;
  readonly oldState: FlowState;
  readonly flowName: string;
  readonly flowUuid: string;
}

/** An atom moved to a new state. Emitted after the state was saved. */
export interface AtomEvent {
  readonly type: 'atom';
  readonly kind: 'task' | 'retry';
  readonly name: string;
  readonly uuid: string;
  readonly state: AtomState;
  readonly oldState: AtomState;
  /** Present for SUCCESS (the value), FAILURE (the Failure), REVERTED (the revert value), REVERT_FAILURE. */
  readonly hasResult: boolean;
  readonly result?: unknown;
}

/** A task reported progress (the engine itself reports 0 at start and 1 at success). */
export interface ProgressEvent {
  readonly type: 'progress';
  readonly name: string;
  readonly uuid: string;
  readonly progress: number;
  readonly details?: Values;
}

/** A line of output a task reported (e.g. a shell command's stdout). */
export interface LogEvent {
  readonly type: 'log';
  readonly name: string;
  readonly uuid: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export type EngineEvent = FlowEvent | AtomEvent | ProgressEvent | LogEvent;
export type EventType = EngineEvent['type'];
type EventOf<K extends EventType | '*'> = K extends '*' ? EngineEvent : Extract<EngineEvent, { type: K }>;
export type Listener<K extends EventType | '*'> = (event: EventOf<K>) => void;
