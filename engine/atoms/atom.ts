/**
 * What tasks and retries share: identity, what they require and provide, and
 * how their arguments are mapped from symbols (spec §1.1–§1.3). Arguments are
 * declared, not introspected: `requires` lists the required parameters and
 * `optional` the ones that may be missing at run time.
 */
import { ValueError } from '../errors.js';

/** A plain object of arguments or values keyed by name. */
export type Values = Record<string, unknown>;

/** A result is published whole under a name, by position (list) or by key/index (map). */
export type ProvidesSpec = string | readonly string[] | Readonly<Record<string, string | number>>;

/** Rebinding: a map parameter → symbol, or a list zipped with the required parameters. */
export type RebindSpec = readonly string[] | Readonly<Record<string, string>>;

/** Options every atom accepts. */
export interface AtomOptions {
  /** Unique within a compiled flow; defaults to the class name (tasks) or `<flow>_retry` (retries). */
  name?: string;
  /** Names the result is published under (see {@link ProvidesSpec}). */
  provides?: ProvidesSpec;
  /** Required parameters of `execute` (and of `revert`, unless `revertRequires` is given). */
  requires?: string | readonly string[];
  /** Optional parameters: a list, or a map of defaults filled in when no value is found. */
  optional?: readonly string[] | Readonly<Values>;
  rebind?: RebindSpec;
  revertRequires?: string | readonly string[];
  revertOptional?: readonly string[] | Readonly<Values>;
  revertRebind?: RebindSpec;
  /** Atom-local constant inputs keyed by symbol; they beat every other source. */
  inject?: Readonly<Values>;
  /** Among atoms ready in the same round, higher priority is submitted first. */
  priority?: number;
  version?: string | readonly number[];
  /** Accept arguments beyond the declared parameters (like Python's `**kwargs`). */
  extraArgs?: boolean;
}

/** How one method's parameters map to symbols. */
export interface ArgMapping {
  /** parameter → symbol, required entries first, then optional ones. */
  readonly rebind: Readonly<Record<string, string>>;
  /** Parameters that may be left out. */
  readonly optionalParams: ReadonlySet<string>;
  /** Defaults for optional parameters, applied when no value is found. */
  readonly defaults: Readonly<Values>;
  /** Required symbols (excluding injected ones). */
  readonly requires: readonly string[];
  /** Optional symbols (excluding injected ones). */
  readonly optional: readonly string[];
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function toList(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new TypeError(`Expected a name or a list of names, got ${typeof v}`);
  return [...(v as readonly string[])];
}

const NO_OPTIONAL = { names: [] as string[], defaults: {} as Values };

function optionalSpec(v: readonly string[] | Readonly<Values> | undefined): {
  names: string[];
  defaults: Values;
} {
  if (v === undefined) return NO_OPTIONAL;
  if (Array.isArray(v)) return { names: [...(v as readonly string[])], defaults: {} };
  if (isPlainObject(v)) return { names: Object.keys(v), defaults: { ...v } };
  throw new TypeError(`Invalid optional value: ${String(v)}`);
}

const NO_PARAMS: ReadonlySet<string> = new Set();
const NO_VALUES: Readonly<Values> = Object.freeze({});
const NO_NAMES: readonly string[] = Object.freeze([]);
/** The mapping of a method without parameters, shared: most atoms have one. */
const NO_ARGS: ArgMapping = Object.freeze({
  rebind: Object.freeze({}),
  optionalParams: NO_PARAMS,
  defaults: NO_VALUES,
  requires: NO_NAMES,
  optional: NO_NAMES,
});

/** Builds the argument mapping of one method (spec §1.2, adapted to declared parameters). */
export function buildArgMapping(
  atomName: string,
  requiredParams: readonly string[],
  optional: { names: readonly string[]; defaults: Values },
  rebind: RebindSpec | undefined,
  extraArgs: boolean,
  injectKeys: ReadonlySet<string>,
): ArgMapping {
  if (rebind === undefined && optional.names.length === 0 && injectKeys.size === 0) {
    if (requiredParams.length === 0) return NO_ARGS;
    // The common case (parameters taken by their own names) without the general machinery.
    const ids: Record<string, string> = {};
    for (const p of requiredParams) ids[p] = p;
    return {
      rebind: ids,
      optionalParams: NO_PARAMS,
      defaults: NO_VALUES,
      requires: requiredParams.length === 0 ? NO_NAMES : unique(requiredParams),
      optional: NO_NAMES,
    };
  }
  // parameter -> symbol; required entries first (declaration order), then optional ones.
  const out: Record<string, string> = {};
  for (const p of requiredParams) out[p] = p;
  if (rebind !== undefined) {
    if (Array.isArray(rebind)) {
      const list = rebind as readonly unknown[];
      for (let i = 0; i < list.length; i++) {
        const symbol = list[i];
        if (typeof symbol !== 'string') {
          throw new TypeError(`Invalid rebind value for '${atomName}': entry ${i} must be a symbol name`);
        }
        out[requiredParams[i] ?? symbol] = symbol;
      }
    } else if (isPlainObject(rebind)) {
      for (const param in rebind) {
        const symbol = rebind[param];
        if (typeof symbol !== 'string') {
          throw new TypeError(`Invalid rebind value for '${atomName}': '${param}' must map to a symbol name`);
        }
        out[param] = symbol;
      }
    } else {
      throw new TypeError(`Invalid rebind value '${String(rebind)}' for atom '${atomName}'`);
    }
  }
  const requiredSymbols: string[] = [];
  for (const param in out) {
    const symbol = out[param] as string;
    if (!injectKeys.has(symbol) && !requiredSymbols.includes(symbol)) requiredSymbols.push(symbol);
  }
  let optionalParams: ReadonlySet<string> = NO_PARAMS;
  let optionalSymbols: readonly string[] = NO_NAMES;
  let defaults: Readonly<Values> = NO_VALUES;
  if (optional.names.length > 0) {
    const params = new Set<string>();
    const symbols: string[] = [];
    const defs: Values = {};
    for (const p of optional.names) {
      if (Object.hasOwn(out, p)) continue;
      out[p] = p;
      params.add(p);
      if (!injectKeys.has(p)) symbols.push(p);
      if (Object.hasOwn(optional.defaults, p)) defs[p] = optional.defaults[p];
    }
    optionalParams = params;
    optionalSymbols = symbols;
    defaults = defs;
  }
  if (!extraArgs) {
    const extra: string[] = [];
    for (const param in out) {
      if (!requiredParams.includes(param) && !optional.names.includes(param)) extra.push(param);
    }
    if (extra.length > 0) {
      const declared = [...requiredParams, ...optional.names];
      throw new ValueError(
        `Extra arguments given to atom '${atomName}': ${extra.map((e) => `'${e}'`).join(', ')} ` +
          `(declared parameters: ${declared.map((p) => `'${p}'`).join(', ') || 'none'})`,
      );
    }
  }
  return { rebind: out, optionalParams, defaults, requires: requiredSymbols, optional: optionalSymbols };
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Converts `provides` into symbol → index (`null` = the whole result). */
export function toSaveAs(
  provides: ProvidesSpec | undefined,
  atomName: string,
): Map<string, string | number | null> {
  const m = new Map<string, string | number | null>();
  if (provides === undefined || provides === null) return m;
  if (typeof provides === 'string') {
    m.set(provides, null);
  } else if (Array.isArray(provides)) {
    (provides as readonly unknown[]).forEach((p, i) => {
      if (typeof p !== 'string') throw new TypeError(`Atom provides for '${atomName}' must list names`);
      m.set(p, i);
    });
  } else if (isPlainObject(provides)) {
    for (const [symbol, index] of Object.entries(provides)) {
      if (typeof index !== 'string' && typeof index !== 'number') {
        throw new TypeError(`Atom provides for '${atomName}': '${symbol}' must map to a key or an index`);
      }
      m.set(symbol, index);
    }
  } else {
    throw new TypeError(`Atom provides '${String(provides)}' for '${atomName}' is not a name, list or map`);
  }
  return m;
}

/**
 * Base of {@link Task} and {@link Retry}: the unit the engine schedules.
 * Not constructed directly.
 */
export abstract class Atom {
  /** Unique name within a compiled flow; the key of its persisted details. */
  name: string;
  readonly version: string;
  /** Higher runs first among atoms that become ready in the same round. */
  priority: number;
  /** symbol → index into the result (`null` for the whole result). */
  readonly saveAs: ReadonlyMap<string, string | number | null>;
  /** Atom-local constant inputs keyed by symbol. */
  readonly inject: Readonly<Values> | undefined;
  /** How `execute` arguments are found. */
  readonly executeMapping: ArgMapping;
  /** How `revert` arguments are found. */
  readonly revertMapping: ArgMapping;
  private readonly requiresList: readonly string[];
  private readonly optionalList: readonly string[];
  private readonly providesList: readonly string[];

  protected constructor(options: AtomOptions, defaultName: string) {
    const name = options.name ?? defaultName;
    this.name = name;
    const v = options.version ?? '1.0';
    this.version = typeof v === 'string' ? v : v.join('.');
    this.priority = options.priority ?? 0;
    this.saveAs = toSaveAs(options.provides, name);
    this.inject = options.inject;
    const injectKeys = options.inject ? new Set(Object.keys(options.inject)) : NO_PARAMS;
    const extra = options.extraArgs ?? false;
    const requires = toList(options.requires);
    const optional = optionalSpec(options.optional);
    this.executeMapping = buildArgMapping(name, requires, optional, options.rebind, extra, injectKeys);
    if (
      options.revertRequires === undefined &&
      options.revertOptional === undefined &&
      options.revertRebind === undefined
    ) {
      this.revertMapping = this.executeMapping;
    } else {
      const revertRequires = options.revertRequires !== undefined ? toList(options.revertRequires) : requires;
      const revertOptional =
        options.revertOptional !== undefined ? optionalSpec(options.revertOptional) : optional;
      this.revertMapping = buildArgMapping(
        name,
        revertRequires,
        revertOptional,
        options.revertRebind ?? options.rebind,
        extra,
        injectKeys,
      );
    }
    const ex = this.executeMapping;
    const rv = this.revertMapping;
    this.requiresList = ex === rv ? ex.requires : unique([...ex.requires, ...rv.requires]);
    const req = new Set(this.requiresList);
    const opt = ex === rv ? ex.optional : unique([...ex.optional, ...rv.optional]);
    this.optionalList = opt.length === 0 ? opt : opt.filter((s) => !req.has(s));
    this.providesList = this.saveAs.size === 0 ? NO_NAMES : [...this.saveAs.keys()];
  }

  /** Symbols this atom's result is published under, in declaration order. */
  get provides(): readonly string[] {
    return this.providesList;
  }

  /** Symbols needed by `execute` or `revert` (minus injected ones). */
  get requires(): readonly string[] {
    return this.requiresList;
  }

  /** Symbols that may be missing at run time. */
  get optional(): readonly string[] {
    return this.optionalList;
  }

  /** parameter → symbol for `execute`. */
  get rebind(): Readonly<Record<string, string>> {
    return this.executeMapping.rebind;
  }

  /** parameter → symbol for `revert`. */
  get revertRebind(): Readonly<Record<string, string>> {
    return this.revertMapping.rebind;
  }

  toString(): string {
    return `"${this.name}==${this.version}"`;
  }
}
