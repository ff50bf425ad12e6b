/**
 * Who provides which symbol (spec §8.1 "reverse mapping"): atoms, by their
 * `provides`, and flow-level injected values, transient or persistent. Every
 * lookup starts here.
 */

/** Flow-level values injected for this storage object only. */
export const TRANSIENT = 0;
/** Flow-level values saved with the run (the injector detail). */
export const INJECTOR = 1;
/** An atom's result. */
export const ATOM = 2;

export interface Provider {
  readonly name: string;
  /** Where the symbol sits in the provider's value (`null`: the whole value). */
  readonly index: string | number | null;
  readonly kind: typeof TRANSIENT | typeof INJECTOR | typeof ATOM;
}

/** A provider visible to an atom, with its scope level (0 = nearest) and order within the level. */
export interface Located {
  readonly provider: Provider;
  readonly level: number;
  readonly order: number;
}

/** `value[index]`, as the spec defines extraction (§1.3), without throwing. */
export function extract(
  container: unknown,
  index: string | number | null,
): { ok: true; value: unknown } | { ok: false } {
  if (index === null) return { ok: true, value: container };
  // A string is indexable too.
  if (typeof container === 'string') {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= container.length) {
      return { ok: false };
    }
    return { ok: true, value: container[index] };
  }
  if (container === null || container === undefined || typeof container !== 'object') return { ok: false };
  if (Array.isArray(container)) {
    if (typeof index !== 'number' || index < 0 || index >= container.length) return { ok: false };
    return { ok: true, value: container[index] as unknown };
  }
  if (container instanceof Map) {
    return container.has(index) ? { ok: true, value: container.get(index) as unknown } : { ok: false };
  }
  if (!Object.prototype.hasOwnProperty.call(container, index)) return { ok: false };
  return { ok: true, value: (container as Record<string | number, unknown>)[index] };
}

/** Symbol → providers, in registration order. */
export class ProviderIndex {
  private readonly reverse = new Map<string, Provider[]>();
  /** What each injected-value provider has registered so far (atoms' mappings never change, so are not kept). */
  private readonly mappings = new Map<string, Map<string, string | number | null>>();

  /** The providers of a symbol, or `undefined` when nothing anywhere declares it. */
  get(symbol: string): readonly Provider[] | undefined {
    return this.reverse.get(symbol);
  }

  /** Every symbol with at least one provider, in registration order. */
  symbols(): IterableIterator<string> {
    return this.reverse.keys();
  }

  /** Registers (or extends) what a provider provides. */
  register(
    providerName: string,
    kind: Provider['kind'],
    mapping: ReadonlyMap<string, string | number | null>,
  ): void {
    if (kind === ATOM) {
      for (const [name, index] of mapping) this.add(name, { name: providerName, index, kind });
      return;
    }
    let own = this.mappings.get(providerName);
    if (!own) {
      own = new Map();
      this.mappings.set(providerName, own);
    }
    for (const [k, v] of mapping) own.set(k, v);
    for (const [name, index] of own) this.add(name, { name: providerName, index, kind });
  }

  private add(symbol: string, p: Provider): void {
    const entries = this.reverse.get(symbol);
    if (!entries) this.reverse.set(symbol, [p]);
    else if (!entries.some((e) => e.name === p.name && e.index === p.index)) entries.push(p);
  }
}
