/**
 * At most `limit` pieces of work at once; the rest wait in submission order and
 * can be cancelled before they start.
 */
export class Limiter {
  private active = 0;
  private readonly queue: { start: () => void; cancel: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`maxWorkers must be a whole number ≥ 1, got ${limit}`);
  }

  /**
   * Runs `work` when a slot is free. Resolves with its result, or with
   * `cancelled()` if {@link cancelQueued} was called before it started.
   */
  run<R>(work: () => Promise<R>, cancelled: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const start = (): void => {
        this.active++;
        work()
          .then(resolve, reject)
          .finally(() => {
            this.active--;
            this.queue.shift()?.start();
          });
      };
      if (this.active < this.limit) start();
      else
        this.queue.push({
          start,
          cancel: () => {
            resolve(cancelled());
          },
        });
    });
  }

  /** Cancels everything still waiting. */
  cancelQueued(): void {
    for (const q of this.queue.splice(0)) q.cancel();
  }

  get running(): number {
    return this.active;
  }
}
