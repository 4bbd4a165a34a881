// The store folds every event at once but tells the screen at most once per interval, later,
// never inside the runner's emit.
import { describe, expect, it } from 'vitest';
import { DashboardStore } from '../../src/ui/dashboardStore.ts';
import { runEvents, second } from './sampleEvents.ts';

const nextNotification = (store: DashboardStore) =>
  new Promise<number>((resolve) => {
    const off = store.subscribe(() => {
      off();
      resolve(performance.now());
    });
  });

describe('DashboardStore', () => {
  it('folds a burst of events at once and redraws once for it, after the emit returns', async () => {
    const store = new DashboardStore({ intervalMs: 100 });
    const notified = nextNotification(store);
    for (const e of runEvents().slice(0, 2)) store.dispatch(e);
    for (let t = 1; t <= 100; t++) store.dispatch(second(t, t));
    expect(store.notifications).toBe(0);
    expect(store.getState().rateNow).toBe(100);
    await notified;
    expect(store.notifications).toBe(1);
  });

  it('waits out the interval before the next redraw', async () => {
    const store = new DashboardStore({ intervalMs: 200 });
    const first = nextNotification(store);
    store.dispatch(runEvents()[0]);
    const firstAt = await first;
    const second_ = nextNotification(store);
    store.dispatch(runEvents()[1]);
    store.dispatch(second(1, 5));
    const secondAt = await second_;
    // Timers never fire early, so this lower bound holds however loaded the machine is.
    expect(secondAt - firstAt).toBeGreaterThanOrEqual(195);
    expect(store.notifications).toBe(2);
  });

  it('flush tells the watchers now when a change is pending, and not otherwise', () => {
    const store = new DashboardStore({ intervalMs: 10_000 });
    let told = 0;
    store.subscribe(() => told++);
    store.flush();
    expect(told).toBe(0);
    store.dispatch(runEvents()[0]);
    store.flush();
    expect(told).toBe(1);
  });
});
