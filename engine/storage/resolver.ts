/**
 * Symbol lookup for one run (spec §4.2–§4.4, §8.4): which provider's value an
 * atom gets for each argument, scoped by what the atom can see, and what
 * validation reports as missing. Visibility never changes during a run, so the
 * visible providers of each (atom, symbol) are worked out once.
 */
import type { ArgMapping, Values } from '../atoms/atom.js';
import type { Compilation } from '../compiler/compile.js';
import type { GNode } from '../compiler/graph.js';
import { DisallowedAccess, NotFound } from '../errors.js';
import { Failure } from '../failure.js';
import type { AtomDetail, FlowDetail } from '../persistence/models.js';
import { IGNORE } from '../states.js';
import { ATOM, extract, type Located, type Provider, type ProviderIndex } from './providers.js';

/** What the resolver reads from the storage it serves. */
export interface ResolverHost {
  readonly providers: ProviderIndex;
  readonly flowDetail: FlowDetail;
  readonly compilation: Compilation | undefined;
  resultOf(ad: AtomDetail): unknown;
  defaultValues(p: Provider): Values;
  atomArgs(ad: AtomDetail): { transient: Values | undefined; persistent: Values | undefined };
}

export class Resolver {
  private readonly scopes = new Map<GNode, Map<string, readonly Located[]>>();

  constructor(private readonly host: ResolverHost) {}

  /** Drops the worked-out visibility (new providers, or a new compilation). */
  forgetScopes(): void {
    this.scopes.clear();
  }

  /** Every value of a symbol, unscoped: injected ones first, then atoms' (spec §8.4). */
  fetchValues(name: string): unknown[] {
    const providers = this.host.providers.get(name);
    if (!providers) throw new NotFound(`Name '${name}' is not mapped as a produced output by any providers`);
    const values: unknown[] = [];
    for (const p of providers) {
      if (p.kind === ATOM) continue;
      const r = extract(this.host.defaultValues(p), p.index);
      if (!r.ok) throw new NotFound(`Unable to find result '${name}' in the injected values`);
      values.push(r.value);
    }
    for (const p of providers) {
      if (p.kind !== ATOM) continue;
      const ad = this.host.flowDetail.atoms.get(p.name);
      if (!ad) continue;
      let container: unknown;
      try {
        container = this.host.resultOf(ad);
      } catch (e) {
        if (e instanceof DisallowedAccess && e.state === IGNORE) continue;
        throw new NotFound(
          `Expected to be able to find output '${name}' produced by '${p.name}' but its result is not accessible`,
          {
            cause: e,
          },
        );
      }
      if (container instanceof Failure) {
        values.push(container);
        continue;
      }
      const r = extract(container, p.index);
      if (!r.ok) {
        throw new NotFound(
          `Unable to find result '${name}', expected to be able to find it created by '${p.name}' but was unable to perform successful extraction`,
        );
      }
      values.push(r.value);
    }
    if (values.length === 0)
      throw new NotFound(`Unable to find result '${name}', searched ${providers.length} providers`);
    return values;
  }

  /** The visible atom providers of a symbol for an atom, nearest first (cached). */
  private located(node: GNode, symbol: string, providers: readonly Provider[]): readonly Located[] {
    let perNode = this.scopes.get(node);
    if (!perNode) {
      perNode = new Map();
      this.scopes.set(node, perNode);
    }
    const hit = perNode.get(symbol);
    if (hit) return hit;
    const out: Located[] = [];
    const comp = this.host.compilation;
    if (comp) {
      for (const p of providers) {
        if (p.kind !== ATOM) continue;
        const pn = comp.atom(p.name);
        if (!pn) continue;
        const pos = comp.scopePosition(pn, node);
        if (pos) out.push({ provider: p, level: pos.level, order: pos.order });
      }
      out.sort((a, b) => a.level - b.level || a.order - b.order);
    }
    perNode.set(symbol, out);
    return out;
  }

  /** The arguments of a method of `ad`'s atom (spec §4.2). */
  mappedArgs(mapping: ArgMapping, node: GNode | undefined, ad: AtomDetail | undefined): Values {
    const out: Values = {};
    const rebind = mapping.rebind;
    const injected = ad ? this.host.atomArgs(ad) : undefined;
    const transientArgs = injected?.transient;
    const persistentArgs = injected?.persistent;
    for (const param in rebind) {
      const symbol = rebind[param] as string;
      if (transientArgs && Object.hasOwn(transientArgs, symbol)) {
        out[param] = transientArgs[symbol];
        continue;
      }
      if (persistentArgs && Object.hasOwn(persistentArgs, symbol)) {
        out[param] = persistentArgs[symbol];
        continue;
      }
      const providers = this.host.providers.get(symbol);
      if (!providers) {
        if (mapping.optionalParams.has(param)) {
          if (Object.hasOwn(mapping.defaults, param)) out[param] = mapping.defaults[param];
          continue;
        }
        throw new NotFound(`Name '${symbol}' is not mapped as a produced output by any providers`);
      }
      out[param] = this.lookup(param, symbol, providers, node);
    }
    return out;
  }

  private lookup(
    param: string,
    symbol: string,
    providers: readonly Provider[],
    node: GNode | undefined,
  ): unknown {
    for (const p of providers) {
      if (p.kind === ATOM) continue;
      const r = extract(this.host.defaultValues(p), p.index);
      if (r.ok) return r.value;
      throw new NotFound(`Unable to find result '${symbol}' in the injected values`);
    }
    if (!node) {
      throw new NotFound(
        `Mapped argument '${param}' <= '${symbol}' was not produced by any accessible provider (0 possible providers were scanned)`,
      );
    }
    const located = this.located(node, symbol, providers);
    let i = 0;
    while (i < located.length) {
      const level = (located[i] as Located).level;
      const readable: [Provider, unknown][] = [];
      for (; i < located.length && (located[i] as Located).level === level; i++) {
        const p = (located[i] as Located).provider;
        const ad = this.host.flowDetail.atoms.get(p.name);
        if (!ad) continue;
        try {
          readable.push([p, this.host.resultOf(ad)]);
        } catch (e) {
          if (e instanceof DisallowedAccess && e.state === IGNORE) continue;
          throw new NotFound(
            `Expected to be able to find output '${symbol}' produced by '${p.name}' but was unable to get at that provider's results`,
            { cause: e },
          );
        }
      }
      if (readable.length === 0) continue;
      for (const [p, container] of readable) {
        if (container instanceof Failure) return container;
        const r = extract(container, p.index);
        if (r.ok) return r.value;
      }
      throw new NotFound(
        `Unable to find result '${symbol}', expected to be able to find it created by one of ` +
          `[${readable.map(([p]) => `'${p.name}'`).join(', ')}] but was unable to perform successful extraction`,
      );
    }
    throw new NotFound(
      `Mapped argument '${param}' <= '${symbol}' was not produced by any accessible provider ` +
        `(${located.length} possible providers were scanned)`,
    );
  }

  /**
   * Optional parameters that can never be read: their symbol is produced, but
   * only by atoms this one cannot see (beside it or after it), and nothing
   * injects it. TaskFlow lets such a run start and fail when the atom is
   * reached (spec §4.3); the engine reports it before anything runs.
   * Returns `[symbol, providerNames]` pairs.
   */
  unreachableOptionalArgs(
    ad: AtomDetail,
    node: GNode | undefined,
    mapping: ArgMapping,
  ): [string, string[]][] {
    const out: [string, string[]][] = [];
    if (mapping.optionalParams.size === 0) return out;
    const { transient: transientArgs, persistent: persistentArgs } = this.host.atomArgs(ad);
    for (const param of mapping.optionalParams) {
      const symbol = mapping.rebind[param] as string;
      if (transientArgs && Object.hasOwn(transientArgs, symbol)) continue;
      if (persistentArgs && Object.hasOwn(persistentArgs, symbol)) continue;
      const providers = this.host.providers.get(symbol);
      if (!providers || !node) continue;
      if (providers.some((p) => p.kind !== ATOM && extract(this.host.defaultValues(p), p.index).ok)) continue;
      if (this.located(node, symbol, providers).length > 0) continue;
      out.push([symbol, providers.filter((p) => p.kind === ATOM).map((p) => p.name)]);
    }
    return out;
  }

  /** Symbols of required parameters with no potential source at all (spec §4.4). */
  unsatisfiedArgs(ad: AtomDetail, node: GNode | undefined, mapping: ArgMapping): string[] {
    const { transient: transientArgs, persistent: persistentArgs } = this.host.atomArgs(ad);
    const missing: string[] = [];
    for (const param in mapping.rebind) {
      if (mapping.optionalParams.has(param)) continue;
      const symbol = mapping.rebind[param] as string;
      if (transientArgs && Object.hasOwn(transientArgs, symbol)) continue;
      if (persistentArgs && Object.hasOwn(persistentArgs, symbol)) continue;
      const providers = this.host.providers.get(symbol);
      if (providers) {
        // An injected value counts only while it is there (a run may have dropped it since).
        if (providers.some((p) => p.kind !== ATOM && extract(this.host.defaultValues(p), p.index).ok))
          continue;
        if (node && this.located(node, symbol, providers).length > 0) continue;
      }
      missing.push(symbol);
    }
    return missing;
  }
}
