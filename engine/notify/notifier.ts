/**
 * A small typed event hub. Listeners run in registration order, `'*'` ones
 * first; a listener that throws is reported and does not stop the run.
 */
import type { EngineEvent, EventType, Listener } from './events.js';

type AnyListener = (event: EngineEvent) => void;

export class Notifier {
  private readonly listeners = new Map<EventType | '*', AnyListener[]>();
  private total = 0;

  /** Called with errors thrown by listeners; defaults to a console warning. */
  onListenerError: (error: unknown, event: EngineEvent) => void = (error, event) => {
    console.warn(`atomflow: a ${event.type} listener failed:`, error);
  };

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends EventType | '*'>(type: K, listener: Listener<K>): () => void {
    const list = this.listeners.get(type) ?? [];
    if (list.includes(listener as AnyListener)) {
      throw new Error(`This listener is already registered for '${type}' events`);
    }
    list.push(listener as AnyListener);
    this.listeners.set(type, list);
    this.total++;
    return () => {
      this.off(type, listener);
    };
  }

  /** Unsubscribes; returns whether the listener was registered. */
  off<K extends EventType | '*'>(type: K, listener: Listener<K>): boolean {
    const list = this.listeners.get(type);
    const i = list ? list.indexOf(listener as AnyListener) : -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    this.total--;
    return true;
  }

  /** Whether anyone listens to `type` (directly or through `'*'`). */
  has(type: EventType): boolean {
    if (this.total === 0) return false;
    return (this.listeners.get(type)?.length ?? 0) + (this.listeners.get('*')?.length ?? 0) > 0;
  }

  get size(): number {
    return this.total;
  }

  emit(event: EngineEvent): void {
    if (this.total === 0) return;
    const any = this.listeners.get('*');
    if (any) this.call(any, event);
    const own = this.listeners.get(event.type);
    if (own) this.call(own, event);
  }

  private call(list: readonly AnyListener[], event: EngineEvent): void {
    for (const l of [...list]) {
      try {
        l(event);
      } catch (e) {
        this.onListenerError(e, event);
      }
    }
  }
}
