// Counts accepted inference requests so a drain can wait, by event, for the last one to finish.
export class InflightTracker {
  private readonly active = new Set<object>();
  private idleWaiters: (() => void)[] = [];

  get count(): number {
    return this.active.size;
  }

  enter(request: object): void {
    this.active.add(request);
  }

  /** Idempotent: a request may end by response and by abort. */
  leave(request: object): void {
    if (!this.active.delete(request) || this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves true when nothing is in flight, false if the deadline passes first. */
  whenIdle(deadlineMs: number): Promise<boolean> {
    if (this.active.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), deadlineMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
