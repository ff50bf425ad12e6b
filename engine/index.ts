/**
 * Atomflow's engine: tasks that execute and revert, retries, linear /
 * unordered / graph flows, and engines that run them with TaskFlow's
 * semantics. A library first: import it and run flows written in code.
 *
 * @example
 * import { linear, task, run } from './engine/index.js';
 * const flow = linear('hello').add(
 *   task({ name: 'add', requires: ['x', 'y'], provides: 'sum', execute: ({ x, y }) => Number(x) + Number(y) }),
 * );
 * const values = await run(flow, { store: { x: 2, y: 3 } }); // { x: 2, y: 3, sum: 5 }
 *
 * @packageDocumentation
 */
export { Atom, type AtomOptions, type ProvidesSpec, type RebindSpec, type Values } from './atoms/atom.js';
export {
  Task,
  task,
  type TaskContext,
  type TaskSpec,
  type TaskOptions,
  type TaskRef,
  type RemoteRef,
  type RevertInfo,
} from './atoms/task.js';
export {
  Retry,
  History,
  Decision,
  Times,
  ForEach,
  ParameterizedForEach,
  AlwaysRevert,
  AlwaysRevertAll,
  type HistoryEntry,
  type RetryRevertInfo,
  type RetryStrategyOptions,
} from './atoms/retry.js';
export { Flow, type FlowItem, type Decider, type LinkMeta } from './patterns/flow.js';
export { LinearFlow, linear } from './patterns/linear.js';
export { UnorderedFlow, unordered } from './patterns/unordered.js';
export {
  GraphFlow,
  TargetedGraphFlow,
  graph,
  type GraphAddOptions,
  type LinkOptions,
} from './patterns/graph.js';
export { Depth, pickWidest } from './patterns/depth.js';
export { compile, Compilation } from './compiler/compile.js';
export { Engine, type EngineOptions } from './engines/engine.js';
export { load, run, type LoadOptions, type EngineKind } from './engines/load.js';
export { Storage, INJECTOR_NAME } from './storage/storage.js';
export { Failure, type FailureDict } from './failure.js';
export * from './errors.js';
export * as states from './states.js';
export type { AtomState, FlowState, EngineState, Intention } from './states.js';
export { Notifier } from './notify/notifier.js';
export type { EngineEvent, FlowEvent, AtomEvent, ProgressEvent, EventType } from './notify/events.js';
export { CaptureListener, PrintingListener, formatEvent, formatResult } from './notify/capture.js';
export type { PersistenceBackend } from './persistence/backend.js';
export { MemoryBackend } from './persistence/memory.js';
export {
  LogBook,
  FlowDetail,
  AtomDetail,
  type AtomDetailDict,
  type FlowDetailDict,
  type LogBookDict,
} from './persistence/models.js';
export { SqliteBackend, type SqliteBackendOptions } from './persistence/sqlite/backend.js';
export type {
  ListRunsQuery,
  RunSummary,
  RunPage,
  RunDetail,
  EventsQuery,
  RecordedEvent,
  TimeBound,
} from './persistence/sqlite/history.js';
export type {
  AutoVacuumMode,
  StoreSpace,
  ReclaimOptions,
  ReclaimReport,
} from './persistence/sqlite/space.js';
export type { TaskExecutor, Outcome, Reporter } from './executors/executor.js';
export {
  ProcessPool,
  PoolProcessDied,
  TaskTimeout,
  type ProcessPoolOptions,
  type PoolJob,
  type JobResult,
} from './executors/pool/pool.js';
export type { Spawner, PoolProcess } from './executors/pool/spawner.js';
export { forkSpawner, lines as readLines } from './executors/pool/spawner.js';
export {
  WorkerClient,
  WorkerLost,
  type WorkerClientOptions,
  type JobSpec,
  type JobResult as WorkerJobResult,
} from './workers/client.js';
export { WorkerExecutor, type WorkerExecutorOptions } from './workers/executor.js';
export {
  WorkerServer,
  TaskTimeout as WorkerTaskTimeout,
  type WorkerEndpoint,
  type WorkerServerOptions,
} from './workers/server.js';
export { WorkerFinder, type KnownWorker } from './workers/finder.js';
export { RequestLifecycle, type RequestState } from './workers/request.js';
export { BrokerUnavailable, redactUrl } from './workers/transport.js';
export {
  PROTOCOL_VERSION,
  parseMessage,
  encodeMessage,
  keys as routingKeys,
  type Message,
  type WorkerInfo,
} from './workers/protocol.js';
