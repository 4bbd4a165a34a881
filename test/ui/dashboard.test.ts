// The dashboard's frames, rendered by ink (ink-testing-library) from event sequences: what a
// person sees during a run, a sweep and a soak; and without colour, not one escape code.
import { createElement } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/contract/events.ts';
import { dashboardReducer, initialDashboardState } from '../../src/ui/dashboardState.ts';
import { DashboardStore } from '../../src/ui/dashboardStore.ts';
import { runEvents, second, soakEvents, sweepEvents } from './sampleEvents.ts';

// chalk (inside ink) decides its colour level when it loads: force one, so that the colour frame
// really has colour and the NO_COLOR frame's lack of escape codes means something.
const savedForceColor = process.env.FORCE_COLOR;
process.env.FORCE_COLOR = '1';
afterAll(() => {
  if (savedForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = savedForceColor;
});
let ink: typeof import('ink-testing-library');
let ui: typeof import('../../src/ui/Dashboard.tsx');
let live: typeof import('../../src/ui/LiveDashboard.tsx');
beforeAll(async () => {
  ink = await import('ink-testing-library');
  ui = await import('../../src/ui/Dashboard.tsx');
  live = await import('../../src/ui/LiveDashboard.tsx');
});
afterEach(() => ink.cleanup());

const ESC = '\x1b';
const stateOf = (events: RunEvent[]) => events.reduce(dashboardReducer, initialDashboardState());
const frameOf = (events: RunEvent[], color = false, command = 'run') => ink.render(createElement(ui.Dashboard, { state: stateOf(events), color, command, machineCores: 2 })).lastFrame() ?? '';

describe('Dashboard frames', () => {
  it('shows the phase, time left, rate and sparkline, latency rows, errors by class and server CPU/RSS', () => {
    const frame = frameOf(runEvents().slice(0, 5));
    expect(frame).toContain('servebench run · demo · mlp @ http://127.0.0.1:41234');
    expect(frame).toMatch(/phase\s+1\/2 closed-8 · steady · 8 conn · 4s of 15s · 11s left \(run 17s left\)/);
    expect(frame).toMatch(/rate\s+1234 req\/s now \(ok 1228\)/);
    expect(frame).toMatch(/[▁▂▃▄▅▆▇█]{3}\s+last 60s/);
    expect(frame).toMatch(/now\s+1\.20ms\s+2\.30ms\s+4\.50ms\s+9\.80ms/);
    expect(frame).toMatch(/phase\s+1\.10ms\s+2\.20ms\s+4\.40ms\s+12ms/);
    expect(frame).toMatch(/errors\s+phase status_503=10 \(0\.27%\)/);
    // Server, machine and load generator on one scale: cores busy.
    expect(frame).toMatch(/server\s+CPU 0\.85 cores RSS 262\.1 MB · machine CPU 1\.94 of 2 cores · loadgen CPU 0\.60 cores/);
    expect(frame).toContain('q or Ctrl-C: stop gracefully');
    expect(frame).not.toContain('GPU');
  });

  it('shows fault markers, the saturation warning and the finished phase', () => {
    const frame = frameOf(runEvents());
    expect(frame).toMatch(/markers\s+18\.6s shutdown-sent SIGTERM · 19\.2s server-exited code 0/);
    expect(frame).toMatch(/!!\s+generator saturated in phase closed-8/);
    // The done table's counts add up: 18000 requests = 17990 ok + 10 HTTP errors + 0 of the rest.
    expect(frame).toMatch(/done\s+phase\s+req\s+ok\s+err\s+t\/o\s+cut\s+ref\s+drop\s+rps\s+p99/);
    expect(frame).toMatch(/closed-8\s+18000\s+17990\s+10\s+0\s+0\s+0\s+0\s+1199\s+4\.40ms/);
    expect(frame).toMatch(/phase\s+2\/2 drain · shutdown · 200\/s/);
  });

  it('shows GPU utilisation and memory when samples carry GPUs', () => {
    const withGpu: RunEvent = { ...(second(1, 10) as Extract<RunEvent, { type: 'second' }>), system: { t: 1, gpus: [{ index: 0, name: 'NVIDIA H100', utilization_percent: 45, memory_used_mib: 1234, memory_total_mib: 81_559 }] } };
    expect(frameOf([runEvents()[0], runEvents()[1], withGpu])).toMatch(/gpu0\s+util 45% mem 1\.3 GB\/85\.5 GB · NVIDIA H100/);
  });

  it('shows a sweep: trial i/N, the configuration under test, best so far and ETA', () => {
    const frame = frameOf(sweepEvents(), false, 'tune');
    expect(frame).toContain('servebench tune');
    expect(frame).toMatch(/sweep\s+trial 2\/12 running · workers=2 max_batch_size=16 · ETA 9m10s/);
    expect(frame).toContain('best so far: 1300 rps with workers=1 max_batch_size=8');
    expect(frame).toContain('trial 1: 1300 rps, p99 40ms · workers=1 max_batch_size=8');
  });

  it('shows a soak: elapsed of planned, RSS, its slope, p99 and the leak verdict so far', () => {
    const frame = frameOf(soakEvents(), false, 'soak');
    expect(frame).toMatch(/soak\s+20m00s of 8h00m · RSS 257\.9 MB · slope \+36\.5 MB\/h · p99 12ms · errors 2\/120000/);
    expect(frame).toMatch(/leak so far: leak\s+RSS ▁█/);
  });

  it('says it is stopping after q, and that the run finished', () => {
    expect(stateOf(runEvents()).stopping).toBe(false);
    const stopping = ink.render(createElement(ui.Dashboard, { state: dashboardReducer(stateOf(runEvents()), { type: 'stop-requested' }), color: false })).lastFrame();
    expect(stopping).toContain('stopping: ending the current measurement');
    const finished = stateOf([...runEvents(), { type: 'run-end', results: { exit_code: 2, error: 'interrupted before the last phase finished' } as never }]);
    expect(ink.render(createElement(ui.Dashboard, { state: finished, color: false })).lastFrame()).toContain('finished (exit 2): interrupted before the last phase finished');
  });

  it('with colour has ANSI colours; without (NO_COLOR) has no escape code at all', () => {
    const all = [...runEvents(), ...sweepEvents(), ...soakEvents()];
    expect(frameOf(all, true)).toMatch(/\x1b\[3\dm/);
    const plain = frameOf(all, false);
    expect(plain).toContain('generator saturated');
    expect(plain).not.toContain(ESC);
  });

  it('fits an 80x24 terminal for a run, long messages wrapped', async () => {
    const { Box } = await import('ink');
    const frame = ink.render(createElement(Box, { width: 80 }, createElement(ui.Dashboard, { state: stateOf(runEvents()), color: false }))).lastFrame() ?? '';
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(frame).toContain('last 60s');
  });
});

describe('LiveDashboard', () => {
  it('redraws from the store and turns q and Ctrl-C typed in raw mode into stop requests', async () => {
    const store = new DashboardStore({ intervalMs: 10 });
    const keys: string[] = [];
    const view = ink.render(createElement(live.LiveDashboard, { store, color: false, command: 'run', keys: true, onKey: (k) => keys.push(k) }));
    const drawn = new Promise<void>((resolve) => store.subscribe(() => setImmediate(resolve)));
    for (const e of runEvents().slice(0, 3)) store.dispatch(e);
    await drawn;
    expect(view.lastFrame()).toContain('closed-8');
    view.stdin.write('q');
    view.stdin.write('\x03');
    view.stdin.write('x');
    expect(keys).toEqual(['q', 'ctrl-c']);
  });
});
