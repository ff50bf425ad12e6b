/** Linear flows: children run strictly in the order they were added (spec §2.2). */
import type { Retry } from '../atoms/retry.js';
import { Flow, checkItem, type FlowItem, type LinkMeta } from './flow.js';

export class LinearFlow extends Flow {
  readonly kind = 'linear' as const;
  private readonly items: FlowItem[] = [];
  private readonly present = new Set<FlowItem>();

  /** Appends children; an item already in this flow is ignored. */
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
    const out: (readonly [FlowItem, FlowItem, LinkMeta])[] = [];
    for (let i = 1; i < this.items.length; i++) {
      out.push([this.items[i - 1] as FlowItem, this.items[i] as FlowItem, { invariant: true }]);
    }
    return out;
  }

  get requires(): readonly string[] {
    const out = new Set<string>(this.retry?.requires ?? []);
    const provided = new Set<string>(this.retry?.provides ?? []);
    for (const c of this.items) {
      for (const r of c.requires) if (!provided.has(r)) out.add(r);
      for (const p of c.provides) provided.add(p);
    }
    return [...out];
  }
}

/** A linear flow: `linear('name', retry?).add(a, b, c)` runs a, then b, then c. */
export function linear(name: string, retry?: Retry): LinearFlow {
  return new LinearFlow(name, retry);
}
