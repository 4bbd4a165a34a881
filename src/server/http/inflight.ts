// Counts inference requests in flight so a drain can wait, by event, for the last one to finish.
// A request is admitted once its body has arrived: only those are work the server accepted.
export interface DrainOutcome {
  /** Nothing was left in flight. */
  idle: boolean;
  /** Admitted requests still unanswered at the deadline: the work a drain abandoned. */
  abandoned: number;
  /** Requests whose body had not all come by the deadline. */
  receiving: number;
}

export class InflightTracker {
  private readonly active = new Set<object>();
  private readonly admitted = new WeakSet<object>();
  private idleWaiters: (() => void)[] = [];

  get count(): number {
    return this.active.size;
  }

  enter(request: object): void {
    this.active.add(request);
  }

  /** Its body has arrived. */
  admit(request: object): void {
    if (this.active.has(request)) this.admitted.add(request);
  }

  /** Idempotent: a request may end by response and by abort. */
  leave(request: object): void {
    if (!this.active.delete(request) || this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Waits until nothing is in flight or the deadline passes, whichever is first. */
  async whenIdle(deadlineMs: number): Promise<DrainOutcome> {
    if (this.active.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadlineMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const abandoned = [...this.active].filter((r) => this.admitted.has(r)).length;
    return { idle: this.active.size === 0, abandoned, receiving: this.active.size - abandoned };
  }
}
