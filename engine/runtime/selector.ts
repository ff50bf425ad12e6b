/**
 * Which atoms are ready to execute or to revert (spec §6.3).
 *
 * Readiness is defined over *transitive* predecessors (successors for revert).
 * The engine keeps an invariant that makes the direct ones enough: an atom is
 * only settled after its predecessors were, and failure resolution and resets
 * always act on an atom together with all its successors. Two kinds of node
 * do not keep it and are looked through instead: bookkeeping nodes (flow
 * starts and ends) and atoms a decider marked IGNORE. Each keeps a memo of how
 * far the look-through got, valid until some atom becomes unsettled again (the
 * storage epochs). That is
 * what keeps a run linear in the number of atoms, where TaskFlow re-walks all
 * ancestors for every candidate.
 */
import type { GNode } from '../compiler/graph.js';
import type { AtomDetail } from '../persistence/models.js';
import { EXECUTE, FAILURE, IGNORE, PENDING, REVERT, REVERTED, RETRY, RETRYING, SUCCESS } from '../states.js';
import type { Runtime } from './runtime.js';

function settled(ad: AtomDetail): boolean {
  const s = ad.state;
  const i = ad.intention;
  return (s === SUCCESS || s === IGNORE) && (i === EXECUTE || i === IGNORE);
}

function clear(ad: AtomDetail): boolean {
  const s = ad.state;
  return s === PENDING || s === REVERTED || s === IGNORE;
}

export class Selector {
  /** Reused by every scan: scans never nest. */
  private readonly queue: GNode[] = [];

  constructor(private readonly rt: Runtime) {}

  /**
   * Whether `p` lets its successors run: a settled atom does; a bookkeeping node
   * or an ignored atom does when everything before it does (an ignored atom
   * stands in the graph without having waited for its predecessors).
   */
  private passSettled(p: GNode): boolean {
    if (!p.noop) {
      const ad = p.detail as AtomDetail;
      if (!settled(ad)) return false;
      if (ad.state !== IGNORE) return true;
    }
    const epoch = this.rt.storage.executeEpoch;
    let i = p.cursorEpoch === epoch ? p.cursor : 0;
    const preds = p.pred;
    for (; i < preds.length; i++) if (!this.passSettled(preds[i] as GNode)) break;
    p.cursor = i;
    p.cursorEpoch = epoch;
    return i === preds.length;
  }

  /** Every predecessor (looking through bookkeeping nodes and ignored atoms) is settled. */
  private predsSettled(node: GNode): boolean {
    const preds = node.pred;
    for (let i = 0; i < preds.length; i++) if (!this.passSettled(preds[i] as GNode)) return false;
    return true;
  }

  /** Whether `s` lets its predecessors be reverted (the mirror image of {@link passSettled}). */
  private passClear(s: GNode): boolean {
    if (!s.noop) {
      const ad = s.detail as AtomDetail;
      if (!clear(ad)) return false;
      if (ad.state !== IGNORE) return true;
    }
    const epoch = this.rt.storage.revertEpoch;
    let i = s.rcursorEpoch === epoch ? s.rcursor : 0;
    const succs = s.succ;
    for (; i < succs.length; i++) if (!this.passClear(succs[i] as GNode)) break;
    s.rcursor = i;
    s.rcursorEpoch = epoch;
    return i === succs.length;
  }

  /** Every successor (looking through bookkeeping nodes and ignored atoms) is pending, reverted or ignored. */
  private succsClear(node: GNode): boolean {
    const succs = node.succ;
    for (let i = 0; i < succs.length; i++) if (!this.passClear(succs[i] as GNode)) return false;
    return true;
  }

  /** Ready to execute: it may move to RUNNING, its intention is EXECUTE, everything before it is settled. */
  readyToExecute(node: GNode): boolean {
    const ad = node.detail as AtomDetail;
    const s = ad.state;
    if (!(s === PENDING || (s === RETRYING && node.kind === 'retry'))) return false;
    if (ad.intention !== EXECUTE) return false;
    return this.predsSettled(node);
  }

  /** Ready to revert: it may move to REVERTING, its intention is REVERT or RETRY, everything after it is clear. */
  readyToRevert(node: GNode): boolean {
    const ad = node.detail as AtomDetail;
    const s = ad.state;
    if (s !== SUCCESS && s !== FAILURE) return false;
    if (ad.intention !== REVERT && ad.intention !== RETRY) return false;
    return this.succsClear(node);
  }

  /**
   * Atoms that may run after `node` succeeded, breadth-first, with deciders
   * applied as each candidate is reached (an ignored atom lets the same scan
   * go on past it).
   */
  nextAfterSuccess(node: GNode, out: GNode[], decide: (n: GNode) => boolean): void {
    const stamp = this.rt.nextStamp();
    const queue = this.queue;
    queue.length = 0;
    for (const s of node.succ) queue.push(s);
    for (let q = 0; q < queue.length; q++) {
      const n = queue[q] as GNode;
      if (n.mark === stamp) continue;
      n.mark = stamp;
      if (n.noop) {
        if (this.passSettled(n)) for (const s of n.succ) queue.push(s);
        continue;
      }
      const ad = n.detail as AtomDetail;
      if (settled(ad)) {
        for (const s of n.succ) queue.push(s);
        continue;
      }
      if (!this.readyToExecute(n)) continue;
      if (decide(n)) out.push(n);
      else for (const s of n.succ) queue.push(s);
    }
    queue.length = 0;
  }

  /** Atoms that may be reverted after `node` was: its predecessors, not passing through retries. */
  nextAfterRevert(node: GNode, out: GNode[]): void {
    const stamp = this.rt.nextStamp();
    const queue = this.queue;
    queue.length = 0;
    for (const p of node.pred) queue.push(p);
    for (let q = 0; q < queue.length; q++) {
      const n = queue[q] as GNode;
      if (n.mark === stamp) continue;
      n.mark = stamp;
      if (n.noop) {
        if (this.passClear(n)) for (const p of n.pred) queue.push(p);
        continue;
      }
      if (this.readyToRevert(n)) {
        out.push(n);
        continue;
      }
      if (n.kind === 'retry') continue;
      if (clear(n.detail as AtomDetail)) for (const p of n.pred) queue.push(p);
    }
    queue.length = 0;
  }

  /** Every atom ready to revert, in graph order. */
  allReadyToRevert(out: GNode[]): void {
    for (const n of this.rt.compilation.atoms) if (this.readyToRevert(n)) out.push(n);
  }

  /** Every atom ready to execute (deciders applied in graph order) then every atom ready to revert. */
  allReady(out: GNode[], decide: ((n: GNode) => boolean) | undefined): void {
    const seen = new Set<GNode>();
    for (const n of this.rt.compilation.atoms) {
      if (this.readyToExecute(n) && (!decide || decide(n))) {
        out.push(n);
        seen.add(n);
      }
    }
    for (const n of this.rt.compilation.atoms) if (!seen.has(n) && this.readyToRevert(n)) out.push(n);
  }
}
