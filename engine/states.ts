/**
 * States of flows, atoms and the engine's own state machine, and the tables of
 * allowed transitions (spec §7).
 */
import { InvalidState } from './errors.js';

/** Atom (task and retry) states. */
export const PENDING = 'PENDING';
export const RUNNING = 'RUNNING';
export const SUCCESS = 'SUCCESS';
export const FAILURE = 'FAILURE';
export const REVERTING = 'REVERTING';
export const REVERTED = 'REVERTED';
export const REVERT_FAILURE = 'REVERT_FAILURE';
export const IGNORE = 'IGNORE';
export const RETRYING = 'RETRYING';

/** Flow-only states. */
export const SUSPENDING = 'SUSPENDING';
export const SUSPENDED = 'SUSPENDED';
export const RESUMING = 'RESUMING';

/** Engine state machine states (yielded by `runIter`). */
export const SCHEDULING = 'SCHEDULING';
export const WAITING = 'WAITING';
export const ANALYZING = 'ANALYZING';

/** Intentions. */
export const EXECUTE = 'EXECUTE';
export const REVERT = 'REVERT';
export const RETRY = 'RETRY';

export type AtomState =
  | typeof PENDING
  | typeof RUNNING
  | typeof SUCCESS
  | typeof FAILURE
  | typeof REVERTING
  | typeof REVERTED
  | typeof REVERT_FAILURE
  | typeof IGNORE
  | typeof RETRYING;

export type FlowState =
  | typeof PENDING
  | typeof RUNNING
  | typeof SUCCESS
  | typeof FAILURE
  | typeof REVERTED
  | typeof SUSPENDING
  | typeof SUSPENDED
  | typeof RESUMING;

export type EngineState =
  | typeof RESUMING
  | typeof SCHEDULING
  | typeof WAITING
  | typeof ANALYZING
  | typeof SUCCESS
  | typeof REVERTED
  | typeof SUSPENDED;

export type Intention = typeof EXECUTE | typeof REVERT | typeof RETRY | typeof IGNORE;

export const ATOM_STATES: readonly AtomState[] = [
  PENDING,
  RUNNING,
  SUCCESS,
  FAILURE,
  REVERTING,
  REVERTED,
  REVERT_FAILURE,
  IGNORE,
  RETRYING,
];
export const FLOW_STATES: readonly FlowState[] = [
  PENDING,
  RUNNING,
  SUCCESS,
  FAILURE,
  REVERTED,
  SUSPENDING,
  SUSPENDED,
  RESUMING,
];
export const INTENTIONS: readonly Intention[] = [EXECUTE, REVERT, RETRY, IGNORE];

const FLOW_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  PENDING: [RUNNING],
  RUNNING: [SUCCESS, FAILURE, REVERTED, SUSPENDING, RESUMING],
  SUCCESS: [RUNNING, PENDING],
  FAILURE: [RUNNING],
  REVERTED: [PENDING],
  SUSPENDING: [SUSPENDED, SUCCESS, FAILURE, REVERTED, RESUMING],
  SUSPENDED: [RUNNING],
  RESUMING: [SUSPENDED],
};
const FLOW_IGNORED_FROM = new Set<string>([PENDING, FAILURE, SUCCESS, SUSPENDED, REVERTED]);
const FLOW_IGNORED_TO = new Set<string>([SUSPENDING, SUSPENDED, RESUMING]);

/**
 * Checks a flow transition: `true` when it is allowed, `false` when it is to be
 * ignored (no change, no notification); throws {@link InvalidState} otherwise.
 */
export function checkFlowTransition(from: FlowState, to: FlowState): boolean {
  if (from === to) return false;
  if (FLOW_ALLOWED[from]?.includes(to)) return true;
  if (FLOW_IGNORED_FROM.has(from) && FLOW_IGNORED_TO.has(to)) return false;
  throw new InvalidState(`Flow transition from '${from}' to '${to}' is not allowed`);
}

const TASK_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  PENDING: [RUNNING, IGNORE],
  RUNNING: [SUCCESS, FAILURE],
  SUCCESS: [REVERTING],
  FAILURE: [REVERTING],
  REVERTING: [REVERTED, REVERT_FAILURE],
  REVERTED: [PENDING],
  IGNORE: [PENDING],
  REVERT_FAILURE: [],
  RETRYING: [],
};
const RETRY_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  ...TASK_ALLOWED,
  SUCCESS: [REVERTING, RETRYING],
  RETRYING: [RUNNING],
};

/** Whether a task may move from one state to another (never throws). */
export function checkTaskTransition(from: AtomState, to: AtomState): boolean {
  return TASK_ALLOWED[from]?.includes(to) ?? false;
}

/** Whether a retry may move from one state to another (never throws). */
export function checkRetryTransition(from: AtomState, to: AtomState): boolean {
  return RETRY_ALLOWED[from]?.includes(to) ?? false;
}
