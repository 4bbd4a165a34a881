// Stop requests: the keyboard (q, Ctrl-C as input in raw mode) and the signals count together;
// the first is graceful, a second Ctrl-C or signal forces, a second q does not.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createStopControl, type StopSource } from '../../src/ui/stopControl.ts';

function control() {
  const signals = new EventEmitter();
  const calls: string[] = [];
  const c = createStopControl({ graceful: (s: StopSource) => calls.push(`graceful:${s}`), force: (s: StopSource) => calls.push(`force:${s}`), signals: signals as unknown as NodeJS.Process });
  return { signals, calls, c };
}

describe('createStopControl', () => {
  it('q stops gracefully once; q again does not force; Ctrl-C then forces', () => {
    const { c, calls } = control();
    c.request('q');
    c.request('q');
    expect(calls).toEqual(['graceful:q']);
    c.request('ctrl-c');
    expect(calls).toEqual(['graceful:q', 'force:ctrl-c']);
  });

  it('SIGINT then SIGINT: graceful then force, through the process signals', () => {
    const { c, calls, signals } = control();
    signals.emit('SIGINT', 'SIGINT');
    expect(c.requested).toBe(true);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual(['graceful:SIGINT', 'force:SIGTERM']);
  });

  it('a hang-up (the terminal closed) stops gracefully like SIGTERM', () => {
    const { calls, signals } = control();
    signals.emit('SIGHUP', 'SIGHUP');
    expect(calls).toEqual(['graceful:SIGTERM']);
  });

  it('a key and a signal count together', () => {
    const { c, calls, signals } = control();
    c.request('ctrl-c');
    signals.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['graceful:ctrl-c', 'force:SIGINT']);
  });

  it('dispose stops listening to the signals', () => {
    const { c, calls, signals } = control();
    c.dispose();
    signals.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual([]);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM') + signals.listenerCount('SIGHUP')).toBe(0);
  });
});
