// A scenario split over N agents: every share adds up exactly to the whole, an agent may get none,
// and the phases that act on the server go to agent 0 alone.
import { describe, expect, it } from 'vitest';
import { integerShare, rateShare, scenarioShare, type Shard } from '../../src/agents/shares.ts';
import { mulberry32 } from '../../src/analyze/random.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { Phase } from '../../src/contract/scenario.ts';

const shards = (count: number): Shard[] => Array.from({ length: count }, (_, index) => ({ index, count }));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('shares', () => {
  it('splits whole units with the remainder to the first agents: 4 over 3 is 2, 1, 1; 100/s over 3 is 34, 33, 33', () => {
    expect(shards(3).map((s) => integerShare(4, s))).toEqual([2, 1, 1]);
    expect(shards(3).map((s) => rateShare(100, s))).toEqual([34, 33, 33]);
    expect(shards(3).map((s) => integerShare(2, s))).toEqual([1, 1, 0]);
  });

  it('adds up exactly to the whole for any total and any number of agents, fractional rates included', () => {
    const random = mulberry32(18);
    for (let trial = 0; trial < 2000; trial++) {
      const count = 1 + Math.floor(random() * 12);
      const whole = Math.floor(random() * 5000);
      expect(sum(shards(count).map((s) => integerShare(whole, s)))).toBe(whole);
      const rate = Math.round(random() * 1e6) / 1000; // up to three decimals
      const shares = shards(count).map((s) => rateShare(rate, s));
      expect(Math.round(sum(shares.map((x) => Math.round(x * 1000))))).toBe(Math.round(rate * 1000));
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(Number.isInteger(rate) ? 1 : 0.001 + 1e-9);
    }
  });

  const scenario = parseScenario(
    {
      name: 'split',
      target: { kind: 'url', url: 'http://127.0.0.1:9' },
      model: 'mlp',
      phases: [
        { kind: 'warmup', duration: '1s', connections: 4 },
        { kind: 'steady', name: 'open', duration: '2s', rate: 100, thresholds: ['p99 < 1s'] },
        { kind: 'ramp', name: 'ramp', steps: [{ rate: 10, duration: '1s' }, { rate: 2, duration: '1s' }] },
        { kind: 'flap', name: 'flap', duration: '4s', rate: 50, every: '2s', down: '100ms' },
        { kind: 'steady', name: 'counted', requests: 7, connections: 2 },
      ],
      thresholds: ['error_rate < 1%'],
    },
    'split.yaml',
  );

  it('gives each agent its share of every phase, summing to the whole, and agent 0 the flap phase whole', () => {
    const parts = shards(3).map((s) => scenarioShare(scenario, s));
    const phase = (i: number, name: string) => parts[i].scenario.phases.find((p) => p.name === name)! as Phase & { load: { rate?: number; connections?: number } };
    expect(parts.map((_, i) => phase(i, 'warmup').load.connections)).toEqual([2, 1, 1]);
    expect(sum(parts.map((_, i) => phase(i, 'open').load.rate!))).toBe(100);
    const ramps = parts.map((_, i) => phase(i, 'ramp') as unknown as { steps: { rate: number }[] });
    expect(ramps.map((r) => r.steps.map((s) => s.rate))).toEqual([[4, 1], [3, 1], [3, 0]]);
    expect(phase(0, 'flap').kind).toBe('flap');
    expect(phase(0, 'flap').load.rate).toBe(50);
    expect(phase(1, 'flap')).toMatchObject({ kind: 'steady', duration_s: 4, load: { mode: 'open', rate: 0 } });
    expect(parts.map((p) => p.drives)).toEqual([['flap'], [], []]);
    expect(parts.map((_, i) => phase(i, 'counted').requests)).toEqual([3, 2, 2]);
    expect(parts.map((_, i) => phase(i, 'counted').load.connections)).toEqual([1, 1, 0]);
  });

  it('leaves thresholds to the merge: a share judges none of its own', () => {
    const { scenario: share } = scenarioShare(scenario, { index: 1, count: 2 });
    expect(share.thresholds).toEqual([]);
    expect(share.phases.every((p) => p.thresholds.length === 0)).toBe(true);
    expect(scenario.thresholds).toEqual(['error_rate < 1%']);
  });

  it('is the whole scenario for one agent of one', () => {
    const { scenario: share } = scenarioShare(scenario, { index: 0, count: 1 });
    expect(share.phases.map((p) => ({ ...p, thresholds: [] }))).toEqual(scenario.phases.map((p) => ({ ...p, thresholds: [] })));
  });
});
