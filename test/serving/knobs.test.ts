// The embedded server keeps its own settings table (it imports nothing of the harness); the
// harness's knob table must say the same names, defaults and limits, or tune would sweep values
// the server refuses.
import { describe, expect, it } from 'vitest';
import { SETTINGS, SETTING_BY_KEY } from '../../src/server/config/settings.ts';
import { DEFAULT_SERVING_CONFIG, KNOB_TABLE, knobExpected, knobValueOk, KNOBS } from '../../src/serving/knobs.ts';

/** Per-model integer settings of the server that are deliberately not swept. */
const NOT_KNOBS = ['request_timeout_ms', 'preferred_batch_sizes'];

describe('the knob table', () => {
  it('names every per-model integer setting of the server, and nothing else', () => {
    const serverKnobs = SETTINGS.filter((s) => s.perModel === true && (s.kind === 'int' || s.kind === 'int-list') && !NOT_KNOBS.includes(s.key)).map((s) => s.key);
    expect([...KNOBS].sort()).toEqual(serverKnobs.sort());
  });

  it.each(KNOBS)('holds the server\'s default, minimum and maximum of %s', (knob) => {
    const setting = SETTING_BY_KEY.get(knob);
    expect(setting?.kind).toBe('int');
    const { default: def, min, max } = KNOB_TABLE[knob];
    expect({ default: def, min, max }).toEqual({ default: setting?.default, min: setting?.min, max: setting?.max });
    expect(DEFAULT_SERVING_CONFIG[knob]).toBe(def);
  });

  it('accepts a knob\'s limits and refuses one past them, saying what it expects', () => {
    expect([knobValueOk('workers', 1), knobValueOk('workers', 64), knobValueOk('workers', 0), knobValueOk('workers', 65), knobValueOk('workers', 1.5)]).toEqual([true, true, false, false, false]);
    expect(knobValueOk('workers', 65, false)).toBe(true);
    expect(knobExpected('workers')).toBe('an integer between 1 and 64');
    expect(knobExpected('max_batch_size', false)).toBe('an integer >= 0');
  });
});
