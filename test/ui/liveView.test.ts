// startLiveView as the commands use it: the dashboard on a (fake) terminal, drawn by ink as on a
// real one; plain lines elsewhere; q / Ctrl-C / SIGINT stop gracefully, a second Ctrl-C forces.
import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeTTYIn, FakeTTYOut } from './fakeTerminal.ts';
import { runEvents } from './sampleEvents.ts';

// ink reads CI (is-in-ci) and chalk its colour level when they load, which happens inside
// startLiveView: a terminal outside CI with colour is the case under test.
const savedEnv = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION, FORCE_COLOR: process.env.FORCE_COLOR };
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
process.env.FORCE_COLOR = '1';
afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const { openLiveView, startLiveView } = await import('../../src/ui/liveView.ts');

const SGR_COLOUR = /\x1b\[(3\d|9\d|1)m/;

function terminal(env: Record<string, string> = {}, tty = true) {
  const stdout = new FakeTTYOut(tty);
  const stderr = new FakeTTYOut(tty);
  const stdin = new FakeTTYIn();
  const io = { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, env };
  return { stdout, stderr, stdin, io };
}

describe('startLiveView', () => {
  it('draws the dashboard on a terminal; q stops gracefully once, a second Ctrl-C gives the terminal back and exits 130', async () => {
    const t = terminal();
    const stops: number[] = [];
    let exited!: (code: number) => void;
    const exitCode = new Promise<number>((resolve) => (exited = resolve));
    const view = openLiveView({ command: 'run', flags: new Set(), onStop: () => stops.push(1), io: t.io, signals: null, exit: (code) => exited(code) });
    expect(view.mode).toBe('dashboard');
    // Events before ink has loaded are kept and drawn once it has.
    for (const e of runEvents().slice(0, 4)) view.onEvent(e);
    await view.ready;
    await t.stdout.waitFor(/closed-8[\s\S]*req\/s/);
    expect(t.stdin.rawMode).toBe(true);
    t.stdin.type('q');
    await t.stdout.waitFor(/stopping: ending the current measurement/);
    t.stdin.type('q');
    expect(stops).toEqual([1]);
    t.stdin.type('\x03');
    expect(await exitCode).toBe(130);
    expect(stops).toEqual([1]);
    expect(t.stdin.rawMode).toBe(false);
    expect(t.stderr.output).toContain('Ctrl-C again: exiting now');
    expect(t.stdout.output).toMatch(SGR_COLOUR);
  });

  it('with NO_COLOR draws the same dashboard without a colour code', async () => {
    const t = terminal({ NO_COLOR: '1' });
    const view = await startLiveView({ command: 'run', flags: new Set(), onStop: () => {}, io: t.io, signals: null });
    for (const e of runEvents()) view.onEvent(e);
    await view.stop();
    expect(t.stdout.output).toContain('generator saturated');
    expect(t.stdout.output).toContain('shutdown-sent');
    expect(t.stdout.output).not.toMatch(SGR_COLOUR);
  });

  it('stop() draws the last events before it returns', async () => {
    const t = terminal();
    const view = await startLiveView({ command: 'run', flags: new Set(), onStop: () => {}, io: t.io, signals: null });
    view.onEvent(runEvents()[0]);
    view.onEvent({ type: 'run-end', results: { exit_code: 0 } as never });
    await view.stop();
    expect(t.stdout.output).toContain('finished (exit 0)');
    await view.stop();
  });

  it('a stop before the dashboard has loaded draws nothing and leaves the terminal alone', async () => {
    const t = terminal();
    const view = openLiveView({ command: 'run', flags: new Set(), onStop: () => {}, io: t.io, signals: null });
    view.onEvent(runEvents()[0]);
    await view.stop();
    expect(t.stdout.output).toBe('');
    expect(t.stdin.rawMode).toBe(false);
  });

  it('off a terminal prints plain lines to stderr without colour, and SIGINT twice stops then exits', async () => {
    const t = terminal({}, false);
    const signals = new EventEmitter();
    const calls: string[] = [];
    const view = await startLiveView({ command: 'run', flags: new Set(), onStop: () => calls.push('stop'), io: t.io, signals: signals as unknown as NodeJS.Process, exit: (code) => calls.push(`exit ${code}`) });
    expect(view.mode).toBe('plain');
    for (const e of runEvents()) view.onEvent(e);
    expect(t.stderr.output.split('\n')).toContain('[    1s] phase 1/2 closed-8 (steady) for 15s');
    expect(t.stderr.output).not.toContain('\x1b');
    expect(t.stdout.output).toBe('');
    signals.emit('SIGINT', 'SIGINT');
    expect(t.stderr.output).toContain('servebench: stopping');
    signals.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['stop', 'exit 130']);
    await view.stop();
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('--no-dashboard on a terminal is plain; CI=true too; --quiet prints nothing', async () => {
    const a = terminal();
    expect((await startLiveView({ command: 'run', flags: new Set(['no-dashboard']), onStop: () => {}, io: a.io, signals: null })).mode).toBe('plain');
    expect((await startLiveView({ command: 'run', flags: new Set(), onStop: () => {}, io: terminal({ CI: 'true' }).io, signals: null })).mode).toBe('plain');
    const q = terminal({}, false);
    const quiet = await startLiveView({ command: 'run', flags: new Set(['quiet']), onStop: () => {}, io: q.io, signals: null });
    for (const e of runEvents()) quiet.onEvent(e);
    expect(quiet.mode).toBe('quiet');
    expect(q.stderr.output + q.stdout.output).toBe('');
  });
});
