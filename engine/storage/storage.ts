/**
 * The engine's view of one run's persisted state (spec §8): atom details,
 * results and failures, injected values and symbol lookup with scoping.
 * Writes go through to the persistence backend, when there is one, before the
 * call returns.
 */
import type { Atom, ArgMapping, Values } from '../atoms/atom.js';
import { History, Retry } from '../atoms/retry.js';
import type { Compilation } from '../compiler/compile.js';
import type { GNode } from '../compiler/graph.js';
import { DisallowedAccess, Duplicate, NotFound, StorageFailure, ValueError } from '../errors.js';
import { Failure } from '../failure.js';
import type { EngineEvent, FlowEvent } from '../notify/events.js';
import type { PersistenceBackend } from '../persistence/backend.js';
import { FailureCache } from './failure-cache.js';
import { ATOM, INJECTOR, ProviderIndex, TRANSIENT, type Provider } from './providers.js';
import { Resolver } from './resolver.js';
import { AtomDetail, FlowDetail } from '../persistence/models.js';
import {
  EXECUTE,
  FAILURE,
  IGNORE,
  PENDING,
  REVERT,
  REVERTED,
  REVERTING,
  REVERT_FAILURE,
  SUCCESS,
  checkFlowTransition,
  type AtomState,
  type FlowState,
  type Intention,
} from '../states.js';

const NOT_DURABLE = Object.freeze({ durable: false });

/** Name of the detail that holds flow-level persistent injected values. */
export const INJECTOR_NAME = '_atomflow_injector';
const EXECUTE_STATES_WITH_RESULTS = new Set<AtomState>([SUCCESS, FAILURE, REVERTING]);
const REVERT_STATES_WITH_RESULTS = new Set<AtomState>([REVERTED, REVERT_FAILURE, REVERTING]);

/** Per-run storage of atom details, results, failures and injected values. */
export class Storage {
  readonly flowDetail: FlowDetail;
  private readonly backend: PersistenceBackend | undefined;
  /** The compiled flow, once {@link attach}ed: lookups are scoped by it. */
  compilation: Compilation | undefined;
  /** Who provides which symbol. */
  readonly providers = new ProviderIndex();
  private readonly resolver: Resolver;
  private transients: Values = {};
  private readonly injectedArgs = new Map<string, Values>();
  private readonly failures: FailureCache;
  /**
   * Increments whenever an atom stops being "settled" for execution (leaves
   * SUCCESS/IGNORE or gets a revert/retry intention): the runtime's readiness
   * memos are valid only within one epoch.
   */
  executeEpoch = 0;
  /** Same for revert readiness: increments when an atom leaves PENDING/REVERTED/IGNORE. */
  revertEpoch = 0;

  constructor(flowDetail: FlowDetail, backend?: PersistenceBackend) {
    this.flowDetail = flowDetail;
    this.backend = backend;
    this.failures = new FailureCache(flowDetail);
    this.resolver = new Resolver(this);
    const injector = flowDetail.atoms.get(INJECTOR_NAME);
    if (injector) {
      const names = Object.keys((injector.results as Values | undefined) ?? {});
      this.providers.register(INJECTOR_NAME, INJECTOR, new Map(names.map((n) => [n, n])));
    }
  }

  /** Gives storage the compiled flow so that lookups can be scoped. */
  attach(compilation: Compilation): void {
    this.compilation = compilation;
    this.resolver.forgetScopes();
  }

  // ---------------------------------------------------------------- writes

  /**
   * Writes one atom detail through to the backend. `durable: false` marks a
   * write nothing depends on (a progress report), which a backend may delay.
   */
  persistAtom(ad: AtomDetail, durable = true, event?: EngineEvent): void {
    if (!this.backend) return;
    try {
      this.backend.updateAtomDetail(
        this.flowDetail.uuid,
        ad,
        event ? { durable, event } : durable ? undefined : NOT_DURABLE,
      );
    } catch (e) {
      throw e instanceof StorageFailure
        ? e
        : new StorageFailure(`Failed saving atom detail '${ad.name}'`, { cause: e });
    }
  }

  private persistFlow(atoms?: readonly AtomDetail[], event?: EngineEvent): void {
    if (!this.backend) return;
    try {
      this.backend.updateFlowDetail(this.flowDetail, atoms, event ? { event } : undefined);
    } catch (e) {
      throw e instanceof StorageFailure
        ? e
        : new StorageFailure(`Failed saving flow detail '${this.flowDetail.name}'`, { cause: e });
    }
  }

  /**
   * Makes sure every atom has a detail (created `PENDING`), in one write, and
   * registers what each provides. Returns the details in the given order.
   */
  ensureAtoms(atoms: readonly Atom[]): AtomDetail[] {
    const out: AtomDetail[] = [];
    const created: AtomDetail[] = [];
    for (const atom of atoms) {
      const kind = atom instanceof Retry ? 'retry' : 'task';
      if (!atom.name) throw new ValueError(`${kind === 'retry' ? 'Retry' : 'Task'} name must be non-empty`);
      let ad = this.flowDetail.atoms.get(atom.name);
      if (ad) {
        if (ad.kind !== kind) {
          throw new Duplicate(
            `Atom detail '${atom.name}' already exists in flow detail '${this.flowDetail.name}'`,
          );
        }
      } else {
        ad = new AtomDetail(atom.name, kind);
        ad.version = atom.version;
        created.push(ad);
        this.flowDetail.add(ad);
      }
      this.providers.register(atom.name, ATOM, atom.saveAs);
      out.push(ad);
    }
    if (created.length > 0) {
      try {
        this.persistFlow(created);
      } catch (e) {
        for (const ad of created) this.flowDetail.atoms.delete(ad.name);
        throw e;
      }
    }
    this.resolver.forgetScopes();
    return out;
  }

  /** One atom, as {@link ensureAtoms}. */
  ensureAtom(atom: Atom): AtomDetail {
    return this.ensureAtoms([atom])[0] as AtomDetail;
  }

  detail(name: string): AtomDetail {
    const ad = this.flowDetail.atoms.get(name);
    if (!ad) throw new NotFound(`Unknown atom name '${name}'`);
    return ad;
  }

  /** Sets an atom's state (no result); returns the old state. */
  setAtomState(name: string, state: AtomState): void {
    this.setState(this.detail(name), state);
  }

  /** Fast path used by the runtime with the detail in hand; `persist: false` leaves the write to the caller. */
  setState(ad: AtomDetail, state: AtomState, persist = true): void {
    const old = ad.state;
    if (old === state) return;
    this.trackEpochs(old, state, ad.intention, ad.intention);
    ad.state = state;
    if (persist) this.persistAtom(ad);
  }

  setAtomIntention(name: string, intention: Intention): void {
    this.setIntention(this.detail(name), intention);
  }

  setIntention(ad: AtomDetail, intention: Intention): void {
    if (ad.intention === intention) return;
    this.trackEpochs(ad.state, ad.state, ad.intention, intention);
    ad.intention = intention;
    this.persistAtom(ad);
  }

  private trackEpochs(oldState: AtomState, newState: AtomState, oldInt: Intention, newInt: Intention): void {
    const settledBefore =
      (oldState === SUCCESS || oldState === IGNORE) && (oldInt === EXECUTE || oldInt === IGNORE);
    const settledAfter =
      (newState === SUCCESS || newState === IGNORE) && (newInt === EXECUTE || newInt === IGNORE);
    if (settledBefore && !settledAfter) this.executeEpoch++;
    const clearBefore = oldState === PENDING || oldState === REVERTED || oldState === IGNORE;
    const clearAfter = newState === PENDING || newState === REVERTED || newState === IGNORE;
    if (clearBefore && !clearAfter) this.revertEpoch++;
  }

  /** Saves an outcome (spec §8.2): a result for SUCCESS/REVERTED, a {@link Failure} for the failure states. */
  save(name: string, result: unknown, state: AtomState = SUCCESS): void {
    this.saveDetail(this.detail(name), result, state);
  }

  saveDetail(ad: AtomDetail, result: unknown, state: AtomState, persist = true): void {
    this.trackEpochs(ad.state, state, ad.intention, ad.intention);
    ad.put(state, result);
    if (persist) this.persistAtom(ad);
    if ((state === FAILURE || state === REVERT_FAILURE) && result instanceof Failure) {
      if (ad.intention === EXECUTE || ad.intention === REVERT) {
        this.failures.record(ad.name, ad.intention, result);
      }
    }
  }

  /** Records a failure seen under a retry, in the retry's latest history entry. */
  saveRetryFailure(retryName: string, atomName: string, failure: Failure): void {
    const ad = this.detail(retryName);
    if (ad.kind !== 'retry') throw new NotFound(`Atom '${retryName}' is not a retry`);
    const last = ad.history.at(-1);
    if (!last) throw new StorageFailure(`Retry '${retryName}' has no history to record a failure in`);
    if (!(atomName in last[1])) {
      last[1][atomName] = failure;
      this.persistAtom(ad);
    }
  }

  /** Empties a retry's history (done after it was reverted). */
  cleanupRetryHistory(retryName: string, state: AtomState, persist = true): void {
    const ad = this.detail(retryName);
    ad.results = [];
    ad.state = state;
    if (persist) this.persistAtom(ad);
  }

  /** Progress (spec §8.6): `details` undefined → progress only; `{}` → clears the details. */
  setTaskProgress(name: string, progress: number, details?: Values): void {
    this.setProgress(this.detail(name), progress, details);
  }

  /**
   * Records progress; returns whether anything changed. Progress is never a
   * transition, so on its own it is written as not durable.
   */
  setProgress(ad: AtomDetail, progress: number, details?: Values, persist = true): boolean {
    const meta = ad.meta;
    let changed = meta.progress !== progress;
    meta.progress = progress;
    if (details !== undefined) {
      const next = Object.keys(details).length > 0 ? { atProgress: progress, details: { ...details } } : null;
      if (next !== null || meta.progressDetails !== null) changed = true;
      meta.progressDetails = next;
    }
    if (changed && persist) this.persistAtom(ad, false);
    return changed;
  }

  updateAtomMetadata(name: string, update: Values): void {
    const ad = this.detail(name);
    Object.assign(ad.meta, update);
    this.persistAtom(ad);
  }

  updateFlowMetadata(update: Values): void {
    Object.assign(this.flowDetail.meta, update);
    this.persistFlow();
  }

  /** Sets the flow's state, writing `event` (its announcement) with it when given. */
  setFlowState(state: FlowState, event?: FlowEvent): void {
    this.flowDetail.state = state;
    this.persistFlow(undefined, event);
  }

  /** Appends an event that changes no state (task output) to the run's log, without waiting for it to be durable. */
  recordEvent(event: EngineEvent): void {
    if (!this.backend?.recordsEvents) return;
    try {
      this.backend.recordEvent?.(this.flowDetail.uuid, event);
    } catch (e) {
      throw e instanceof StorageFailure
        ? e
        : new StorageFailure(`Failed recording an event of '${this.flowDetail.name}'`, { cause: e });
    }
  }

  /** Whether the backend keeps an event log (so the engine builds events even with no listener). */
  get recordsEvents(): boolean {
    return this.backend?.recordsEvents === true;
  }

  /** Applies a flow transition if the table allows it: `[moved, oldState]`. */
  changeFlowState(state: FlowState): [boolean, FlowState] {
    const old = this.getFlowState();
    if (!checkFlowTransition(old, state)) return [false, old];
    this.setFlowState(state);
    return [true, old];
  }

  /** Resets a detail completely (results, failures, cached failures). */
  reset(name: string, state: AtomState = PENDING): void {
    if (name === INJECTOR_NAME) return;
    const ad = this.detail(name);
    this.trackEpochs(ad.state, state, ad.intention, EXECUTE);
    ad.reset(state);
    this.failures.forget(name);
    this.persistAtom(ad);
  }

  /** Flow-level values: persistent ones survive a resume; transient ones live in this object only. */
  inject(pairs: Readonly<Values>, transient = false): void {
    if (transient) {
      this.transients = { ...this.transients, ...pairs };
      this.providers.register('', TRANSIENT, new Map(Object.keys(this.transients).map((n) => [n, n])));
    } else {
      let ad = this.flowDetail.atoms.get(INJECTOR_NAME);
      if (!ad) {
        ad = new AtomDetail(INJECTOR_NAME, 'task');
        ad.state = SUCCESS;
        ad.results = { ...pairs };
        this.flowDetail.add(ad);
        this.persistFlow([ad]);
      } else {
        ad.results = { ...(ad.results ?? {}), ...pairs };
        this.persistAtom(ad);
      }
      this.providers.register(
        INJECTOR_NAME,
        INJECTOR,
        new Map(Object.keys(ad.results as Values).map((n) => [n, n])),
      );
    }
    this.resolver.forgetScopes();
  }

  /** Atom-scoped values: they beat every other source for that atom (transient before persistent). */
  injectAtomArgs(atomName: string, pairs: Readonly<Values>, transient = true): void {
    const ad = this.detail(atomName);
    if (transient) {
      this.injectedArgs.set(atomName, { ...(this.injectedArgs.get(atomName) ?? {}), ...pairs });
    } else {
      ad.meta.injected = { ...(ad.meta.injected ?? {}), ...pairs };
      this.persistAtom(ad);
    }
  }

  // ---------------------------------------------------------------- reads

  getAtomState(name: string): AtomState {
    return this.detail(name).state;
  }

  getAtomIntention(name: string): Intention {
    return this.detail(name).intention;
  }

  getAtomUuid(name: string): string {
    return this.detail(name).uuid;
  }

  /** `{ name: [state, intention] }` for the given atoms. */
  getAtomsStates(names: Iterable<string>): Record<string, [AtomState, Intention]> {
    const out: Record<string, [AtomState, Intention]> = {};
    for (const n of names) {
      const ad = this.detail(n);
      out[n] = [ad.state, ad.intention];
    }
    return out;
  }

  getFlowState(): FlowState {
    return this.flowDetail.state ?? PENDING;
  }

  /** The execute outcome of a detail; throws {@link DisallowedAccess} when it is not readable. */
  resultOf(ad: AtomDetail): unknown {
    if (ad.failure) return this.failures.prefer(ad.name, 'EXECUTE', ad.failure);
    if (!EXECUTE_STATES_WITH_RESULTS.has(ad.state)) {
      throw new DisallowedAccess(
        ad.state === IGNORE
          ? `Result for atom '${ad.name}' is not accessible: the atom was ignored`
          : `Result for atom '${ad.name}' is not known/accessible due to it being in ${ad.state} state`,
        ad.state,
      );
    }
    if (ad.kind === 'retry') return ad.history.at(-1)?.[0];
    return ad.results;
  }

  /** The execute result, or the stored {@link Failure}; `NotFound` when there is none. */
  get(name: string): unknown {
    return this.resultOf(this.detail(name));
  }

  /** Same as {@link get}. */
  getExecuteResult(name: string): unknown {
    return this.get(name);
  }

  /** The revert result, or the revert {@link Failure}; `NotFound` when there is none. */
  getRevertResult(name: string): unknown {
    const ad = this.detail(name);
    if (ad.revertFailure) return this.failures.prefer(ad.name, 'REVERT', ad.revertFailure);
    if (!REVERT_STATES_WITH_RESULTS.has(ad.state)) {
      throw new DisallowedAccess(
        `Revert result for atom '${name}' is not known/accessible due to it being in ${ad.state} state`,
        ad.state,
      );
    }
    return ad.revertResults;
  }

  private views(): ReturnType<FailureCache['byName']> {
    return this.failures.byName(() => this.flowDetail.atoms.keys());
  }

  /** Execute failures by atom name (including atoms no longer in the flow). */
  getExecuteFailures(): Readonly<Record<string, Failure>> {
    return this.views().execute;
  }

  /** Same as {@link getExecuteFailures}. */
  getFailures(): Readonly<Record<string, Failure>> {
    return this.getExecuteFailures();
  }

  getRevertFailures(): Readonly<Record<string, Failure>> {
    return this.views().revert;
  }

  hasFailures(): boolean {
    return this.failures.any;
  }

  getRetryHistory(name: string): History {
    const ad = this.detail(name);
    if (ad.kind !== 'retry') throw new NotFound(`Atom '${name}' is not a retry`);
    return this.historyOf(ad);
  }

  historyOf(ad: AtomDetail): History {
    const failure = ad.failure ? this.failures.prefer(ad.name, 'EXECUTE', ad.failure) : undefined;
    return new History(ad.history, failure);
  }

  /** `[retryName, History]` for every retry. */
  getRetryHistories(): [string, History][] {
    const out: [string, History][] = [];
    for (const ad of this.flowDetail) if (ad.kind === 'retry') out.push([ad.name, this.historyOf(ad)]);
    return out;
  }

  getTaskProgress(name: string): number {
    const p = this.detail(name).meta.progress;
    return typeof p === 'number' ? p : 0;
  }

  getTaskProgressDetails(name: string): { atProgress: number; details: Values } | null {
    const d = this.detail(name).meta.progressDetails;
    return (d as { atProgress: number; details: Values } | undefined) ?? null;
  }

  /** Flow-level injected values of a provider (transient ones, or the injector detail's). */
  defaultValues(p: Provider): Values {
    if (p.kind === TRANSIENT) return this.transients;
    return (this.flowDetail.atoms.get(INJECTOR_NAME)?.results as Values | undefined) ?? {};
  }

  /** Values injected for one atom: transient (this object only) and persistent (its detail). */
  atomArgs(ad: AtomDetail): { transient: Values | undefined; persistent: Values | undefined } {
    return { transient: this.injectedArgs.get(ad.name), persistent: ad.meta.injected as Values | undefined };
  }

  /**
   * A symbol's value without scoping (spec §8.4): injected values first, then
   * every atom provider. A provider that is neither readable nor ignored makes
   * the whole fetch fail.
   */
  fetch(name: string): unknown {
    return this.resolver.fetchValues(name)[0];
  }

  /** Every symbol that can be fetched; several values for one name come as a list. */
  fetchAll(): Values {
    const out: Values = {};
    for (const name of this.providers.symbols()) {
      try {
        const values = this.resolver.fetchValues(name);
        out[name] = values.length > 1 ? values : values[0];
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
      }
    }
    return out;
  }

  /**
   * The arguments of an atom's method (spec §4.2): atom-injected values, then
   * flow-level injected values, then the nearest visible provider. Optional
   * parameters are left out (or given their default) only when nothing anywhere
   * declares their symbol.
   */
  fetchMappedArgs(mapping: ArgMapping, atomName?: string): Values {
    const node = atomName !== undefined ? this.compilation?.atom(atomName) : undefined;
    const ad = atomName !== undefined ? this.detail(atomName) : undefined;
    return this.resolver.mappedArgs(mapping, node, ad);
  }

  /** Fast path used by the runtime. */
  mappedArgs(mapping: ArgMapping, node: GNode | undefined, ad: AtomDetail | undefined): Values {
    return this.resolver.mappedArgs(mapping, node, ad);
  }

  /** See {@link Resolver.unreachableOptionalArgs}. */
  unreachableOptionalArgs(atomName: string, mapping: ArgMapping): [string, string[]][] {
    return this.resolver.unreachableOptionalArgs(
      this.detail(atomName),
      this.compilation?.atom(atomName),
      mapping,
    );
  }

  /**
   * The symbols of required parameters that have no potential source at all
   * (spec §4.4): no injected value and no visible provider, whatever its state.
   */
  fetchUnsatisfiedArgs(atomName: string, mapping: ArgMapping): string[] {
    return this.resolver.unsatisfiedArgs(this.detail(atomName), this.compilation?.atom(atomName), mapping);
  }
}
