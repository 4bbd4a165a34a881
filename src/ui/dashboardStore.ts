// The bridge between the runner's events and the screen: each event is folded at once (cheap),
// but watchers are told at most once per interval, from a timer, so a burst of events costs one
// redraw and the runner's emit never waits on React, layout or the terminal.
import { dashboardReducer, initialDashboardState, type DashboardAction, type DashboardState } from './dashboardState.ts';

/** At most four redraws a second: smooth enough for numbers that change once a second. */
export const REDRAW_INTERVAL_MS = 250;

export class DashboardStore {
  private state: DashboardState;
  private readonly listeners = new Set<() => void>();
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastNotifyMs = Number.NEGATIVE_INFINITY;
  /** How many times watchers were told (the redraw count, for tests and the benchmark). */
  notifications = 0;

  constructor(options: { intervalMs?: number; initial?: DashboardState } = {}) {
    this.intervalMs = options.intervalMs ?? REDRAW_INTERVAL_MS;
    this.state = options.initial ?? initialDashboardState();
  }

  dispatch = (action: DashboardAction): void => {
    this.state = dashboardReducer(this.state, action);
    if (this.timer) return;
    const wait = Math.max(0, this.lastNotifyMs + this.intervalMs - performance.now());
    this.timer = setTimeout(this.notify, wait);
    this.timer.unref();
  };

  getState = (): DashboardState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Tells watchers now if a change is pending (the last frame before the view closes). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.notify();
  }

  private readonly notify = (): void => {
    this.timer = undefined;
    this.lastNotifyMs = performance.now();
    this.notifications += 1;
    for (const listener of this.listeners) listener();
  };
}
