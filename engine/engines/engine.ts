/**
 * The engine a user drives (spec §5): compile, prepare, validate, run (or
 * iterate), suspend and reset one flow, against one flow detail.
 */
import type { Values } from '../atoms/atom.js';
import { Task } from '../atoms/task.js';
import { compile, type Compilation } from '../compiler/compile.js';
import type { GNode } from '../compiler/graph.js';
import { ExecutionFailure, InvalidState, MissingDependencies } from '../errors.js';
import type { TaskExecutor } from '../executors/executor.js';
import { SerialExecutor } from '../executors/serial.js';
import { Failure } from '../failure.js';
import { Notifier } from '../notify/notifier.js';
import type { PersistenceBackend } from '../persistence/backend.js';
import type { FlowDetail } from '../persistence/models.js';
import { GAME_OVER, Machine, isTerminal, type MachineState, type RunStatistics } from '../runtime/machine.js';
import { Runtime } from '../runtime/runtime.js';
import {
  EXECUTE,
  FAILURE,
  PENDING,
  RESUMING,
  RUNNING,
  REVERTED,
  SUCCESS,
  SUSPENDED,
  SUSPENDING,
  checkFlowTransition,
  type EngineState,
  type FlowState,
} from '../states.js';
import type { FlowEvent } from '../notify/events.js';
import { Storage } from '../storage/storage.js';

const NO_ERROR = Symbol('no error');

/** Options every engine kind understands. */
export interface EngineOptions {
  /** A failed execute is not resolved: no revert, no retry; the run ends FAILURE. */
  neverResolve?: boolean;
  /** A retry's REVERT always defers to the parent retry's decision. */
  deferReverts?: boolean;
  /** Keep atoms' `inject` values in memory only (default) or persist them with the run. */
  injectTransient?: boolean;
  /**
   * After this many ms of engine work without a turn of the event loop, give
   * it one (a macrotask) before going on. Synchronous tasks otherwise keep the
   * loop busy for the whole run, so a host in the same process could neither
   * stream the run's events nor answer other requests until it ended.
   * Default: never (a library run is fastest without).
   */
  yieldEveryMs?: number;
}

/** A turn of the event loop: setImmediate where there is one (Node), else a zero timeout. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** The engine of one flow run. Obtain one with `load()`. */
export class Engine {
  readonly storage: Storage;
  /** Flow, atom and progress events of this engine. */
  readonly notifier = new Notifier();
  readonly options: Readonly<EngineOptions & Values>;
  /** Counters of the last run. */
  statistics: RunStatistics & { activeForMs?: number } = { completed: 0, discardedFailures: 0 };
  private compiled: Compilation | undefined;
  private runtime: Runtime | undefined;
  private prepared = false;
  private locked = false;
  private readonly executor: TaskExecutor;
  /** The machine of the run in progress (or the last one). */
  private machine: Machine | undefined;

  constructor(
    /** The flow (or single task) this engine runs. */
    readonly flow: unknown,
    readonly flowDetail: FlowDetail,
    readonly backend: PersistenceBackend | undefined,
    options: EngineOptions & Values = {},
    executor: TaskExecutor = new SerialExecutor(),
  ) {
    this.options = options;
    this.storage = new Storage(flowDetail, backend);
    this.executor = executor;
  }

  /** The compiled execution graph (after {@link compile}). */
  get compilation(): Compilation {
    if (!this.compiled) throw new InvalidState('The engine has not been compiled yet');
    return this.compiled;
  }

  /** Builds the execution graph. Idempotent. */
  compile(): void {
    if (this.compiled) return;
    this.compiled = compile(this.flow);
    this.storage.attach(this.compiled);
  }

  /**
   * Creates missing atom details and applies atoms' `inject` (first time), and
   * resets a flow detail that ended REVERTED (every time).
   */
  prepare(): void {
    if (!this.compiled) throw new InvalidState('Can not prepare an engine which has not been compiled');
    if (!this.prepared) {
      this.changeFlowState(RESUMING);
      const comp = this.compiled;
      const details = this.storage.ensureAtoms(comp.atoms.map((n) => n.atom as NonNullable<GNode['atom']>));
      comp.atoms.forEach((n, i) => (n.detail = details[i]));
      const transient = this.options.injectTransient ?? true;
      for (const n of comp.atoms) {
        const inject = n.atom?.inject;
        if (inject && Object.keys(inject).length > 0) this.storage.injectAtomArgs(n.name, inject, transient);
      }
      this.runtime = new Runtime(comp, this.storage, this.notifier, this.executor, {
        neverResolve: this.options.neverResolve ?? false,
        deferReverts: this.options.deferReverts ?? false,
      });
      this.changeFlowState(SUSPENDED);
      this.prepared = true;
    }
    if (this.storage.getFlowState() === REVERTED) this.reset();
  }

  /**
   * Checks that every required symbol of every atom (execute and revert) has a
   * potential source; throws {@link MissingDependencies} naming them otherwise.
   */
  validate(): void {
    if (!this.compiled || !this.prepared) {
      throw new InvalidState('Can not validate an engine which has not been compiled and prepared');
    }
    let last: MissingDependencies | undefined;
    let count = 0;
    const all = new Set<string>();
    for (const n of this.compiled.atoms) {
      const atom = n.atom as NonNullable<GNode['atom']>;
      for (const [method, mapping] of [
        ['execute', atom.executeMapping],
        ['revert', atom.revertMapping],
      ] as const) {
        // One mapping shared by both methods is checked (and reported) once.
        if (method === 'revert' && mapping === atom.executeMapping) continue;
        const missing = this.storage.fetchUnsatisfiedArgs(n.name, mapping);
        if (missing.length > 0) {
          const sorted = [...new Set(missing)].sort();
          last = new MissingDependencies(n.name, sorted, last, method);
          count++;
          for (const m of sorted) all.add(m);
        }
        // Found here, before anything runs; TaskFlow finds these only when the atom is reached.
        for (const [symbol, providers] of this.storage.unreachableOptionalArgs(n.name, mapping)) {
          const why =
            `as an optional argument, but its only providers (${providers.map((p) => `'${p}'`).join(', ')}) ` +
            `run beside or after '${n.name}', so it could never be read (inject it, or order the provider first)`;
          last = new MissingDependencies(n.name, [symbol], last, method, why);
          count++;
          all.add(symbol);
        }
      }
    }
    if (!last) return;
    if (this.flow instanceof Task && count === 1) throw last;
    throw new MissingDependencies(this.flowName, [...all].sort(), last);
  }

  /** Everything back to PENDING (keeps retry histories); allowed from SUCCESS or REVERTED only. */
  reset(): void {
    if (!this.runtime)
      throw new InvalidState('Can not reset an engine which has not been compiled and prepared');
    this.runtime.resetAtoms(this.compilation.atoms, PENDING, EXECUTE);
    this.changeFlowState(PENDING);
  }

  /**
   * Cancels a run: nothing new starts (a suspension); with `kill`, atoms
   * running in pool processes are stopped too, and fail. The run then ends as
   * the spec says for a suspension (SUSPENDED, or REVERTED/FAILURE when
   * nothing is left to do).
   */
  cancel(options: { kill?: boolean } = {}): void {
    this.suspend();
    if (options.kill) this.machine?.killRunning();
  }

  /** Requests suspension: running atoms finish, nothing new starts. */
  suspend(): void {
    if (!this.compiled) throw new InvalidState('Can not suspend an engine which has not been compiled');
    this.changeFlowState(SUSPENDING);
  }

  /** The name flow events carry: the flow detail's (a new run's detail is named after its flow). */
  get flowName(): string {
    return this.flowDetail.name;
  }

  /** Moves the flow if the state table allows it; the event is written with the new state, then announced. */
  private changeFlowState(state: FlowState): void {
    const old = this.storage.getFlowState();
    if (!checkFlowTransition(old, state)) return;
    if (!this.storage.recordsEvents && this.notifier.size === 0) {
      this.storage.setFlowState(state);
      return;
    }
    const event: FlowEvent = {
      type: 'flow',
      state,
      oldState: old,
      flowName: this.flowName,
      flowUuid: this.flowDetail.uuid,
    };
    this.storage.setFlowState(state, event);
    this.notifier.emit(event);
  }

  private begin(): Machine {
    this.compile();
    this.prepare();
    this.validate();
    this.changeFlowState(RUNNING);
    this.machine = new Machine(this.runtime as Runtime);
    return this.machine;
  }

  /** Records the final state and raises what the spec says a run of that outcome raises (§6.10). */
  private finish(machine: Machine, state: MachineState): void {
    this.statistics = { ...machine.stats };
    if (state === FAILURE) {
      this.changeFlowState(FAILURE);
      Failure.reraiseIfAny(machine.failures);
      return;
    }
    this.changeFlowState(state as FlowState);
    if (state !== SUCCESS && state !== SUSPENDED) {
      const failures = [
        ...Object.values(this.storage.getExecuteFailures()),
        ...Object.values(this.storage.getRevertFailures()),
      ];
      Failure.reraiseIfAny(failures);
    }
  }

  /**
   * Runs the flow to a final state: resolves on SUCCESS or SUSPENDED, rejects
   * with the failure(s) on REVERTED or FAILURE.
   */
  async run(): Promise<void> {
    if (this.locked) throw new ExecutionFailure('Engine currently locked, please try again later');
    this.locked = true;
    const started = performance.now();
    try {
      const machine = this.begin();
      let state: MachineState = RESUMING;
      try {
        // Inside the try: an executor that cannot start (no broker) fails the run, which then says why.
        await this.executor.start();
        const yieldEvery = this.options.yieldEveryMs;
        let turnAt = performance.now();
        while (!isTerminal(state)) {
          const next = machine.work(state);
          state = next instanceof Promise ? await next : next;
          if (yieldEvery !== undefined && performance.now() - turnAt >= yieldEvery) {
            await nextTurn();
            turnAt = performance.now();
          }
        }
      } catch (e) {
        this.changeFlowState(FAILURE);
        throw e;
      } finally {
        await this.executor.stop();
      }
      this.finish(machine, state);
    } finally {
      this.statistics.activeForMs = performance.now() - started;
      this.locked = false;
    }
  }

  /**
   * Runs step by step, yielding each engine state before its work is done.
   * Send `true` (`next(true)`) to request suspension; `throw(err)` records
   * `err` as a failure (the run then ends FAILURE); `return()` suspends and
   * runs to a stop without yielding further.
   */
  async *runIter(): AsyncGenerator<EngineState, void, unknown> {
    const machine = this.begin();
    try {
      await this.executor.start();
    } catch (e) {
      await this.executor.stop();
      this.changeFlowState(FAILURE);
      throw e;
    }
    let state: MachineState = RESUMING;
    let closed = false;
    let error: unknown = NO_ERROR;
    try {
      while (!isTerminal(state)) {
        if (!closed && state !== GAME_OVER) {
          try {
            const sent: unknown = yield state as EngineState;
            if (sent) this.suspend();
          } catch (e) {
            machine.failures.push(Failure.fromError(e));
            closed = true;
          }
        }
        const next = machine.work(state);
        state = next instanceof Promise ? await next : next;
      }
      if (!closed && state !== FAILURE) yield state as EngineState;
    } catch (e) {
      error = e;
    } finally {
      if (error === NO_ERROR && !isTerminal(state)) {
        // The caller stopped iterating: suspend, and finish without yielding.
        try {
          this.suspend();
          while (!isTerminal(state)) {
            const next = machine.work(state);
            state = next instanceof Promise ? await next : next;
          }
        } catch (e) {
          error = e;
        }
      }
      await this.executor.stop();
      if (error !== NO_ERROR) {
        this.changeFlowState(FAILURE);
        // eslint-disable-next-line no-unsafe-finally
        throw error;
      }

      this.finish(machine, state);
    }
  }
}
