/**
 * Failure resolution (spec §6.8): when an execute fails, the nearest retry
 * decides whether its subflow is retried, reverted, or everything is reverted.
 * Strategies only change intentions; the scheduler then acts on them.
 */
import { Decision } from '../atoms/retry.js';
import type { GNode } from '../compiler/graph.js';
import { ValueError } from '../errors.js';
import type { Failure } from '../failure.js';
import { REVERT, RETRY } from '../states.js';
import type { Runtime } from './runtime.js';

type Strategy =
  | { readonly kind: 'revert-all' }
  | { readonly kind: 'revert'; readonly retry: GNode }
  | { readonly kind: 'revert-and-retry'; readonly retry: GNode };

/** What applies when no retry anywhere handles a failure. */
const UNDEFINED: Strategy = { kind: 'revert-all' };

export class Completer {
  constructor(private readonly rt: Runtime) {}

  /** Resolves an execute failure of `node` by changing intentions. */
  processFailure(node: GNode, failure: Failure): void {
    this.apply(this.resolve(node, failure));
  }

  private resolve(node: GNode, failure: Failure): Strategy {
    const retry = node.retry;
    if (!retry) return UNDEFINED;
    const decision = this.rt.actions.onFailure(retry, node, failure);
    switch (decision) {
      case Decision.RETRY:
        return { kind: 'revert-and-retry', retry };
      case Decision.REVERT_ALL:
        return { kind: 'revert-all' };
      case Decision.REVERT: {
        const parent = this.resolve(retry, failure);
        if (this.rt.options.deferReverts) return parent;
        if (parent !== UNDEFINED && parent.kind !== 'revert') return parent;
        return { kind: 'revert', retry };
      }
      default:
        throw new ValueError(
          `Retry '${retry.name}' answered ${JSON.stringify(decision)}; expected one of RETRY, REVERT, REVERT_ALL`,
        );
    }
  }

  private apply(strategy: Strategy): void {
    const rt = this.rt;
    if (strategy.kind === 'revert-all') {
      rt.resetAtoms(rt.compilation.atoms, undefined, REVERT);
    } else if (strategy.kind === 'revert') {
      rt.resetAtoms([strategy.retry], undefined, REVERT);
      rt.resetSubgraph(strategy.retry, undefined, REVERT);
    } else {
      rt.resetAtoms([strategy.retry], undefined, RETRY);
      rt.resetSubgraph(strategy.retry, undefined, REVERT);
    }
  }
}
