/** Unordered flows: children have no order between them and may run at once (spec §2.3). */
import type { Retry } from '../atoms/retry.js';
import { Flow, checkItem, type FlowItem, type LinkMeta } from './flow.js';

export class UnorderedFlow extends Flow {
  readonly kind = 'unordered' as const;
  private readonly items: FlowItem[] = [];
  private readonly present = new Set<FlowItem>();

  /** Adds children; an item already in this flow is ignored. */
  add(...items: FlowItem[]): this {
    for (const it of items) checkItem(this, it);
    for (const it of items) {
      if (this.present.has(it)) continue;
      this.present.add(it);
      this.items.push(it);
    }
    return this;
  }

  children(): readonly FlowItem[] {
    return this.items;
  }

  links(): (readonly [FlowItem, FlowItem, LinkMeta])[] {
    return [];
  }

  /** Siblings never satisfy each other's requirements. */
  get requires(): readonly string[] {
    const out = new Set<string>(this.retry?.requires ?? []);
    const retryProvides = new Set(this.retry?.provides ?? []);
    for (const c of this.items) for (const r of c.requires) if (!retryProvides.has(r)) out.add(r);
    return [...out];
  }
}

/** An unordered flow: `unordered('name', retry?).add(a, b)` runs a and b in any order. */
export function unordered(name: string, retry?: Retry): UnorderedFlow {
  return new UnorderedFlow(name, retry);
}
