/** Looking kinds up by name. */
import type { TaskKind } from './kind.js';
import { KINDS } from './kinds/index.js';

const byKind = new Map<string, TaskKind>(KINDS.map((k) => [k.kind, k as TaskKind]));

/** The built-in task kinds. */
export const catalog: { get(kind: string): TaskKind | undefined; kinds(): readonly TaskKind[] } =
  Object.freeze({
    /** The kind named `kind`, if there is one. */
    get(kind: string): TaskKind | undefined {
      return byKind.get(kind);
    },
    /** Every kind, in palette order. */
    kinds(): readonly TaskKind[] {
      return KINDS;
    },
  });
