// The one builder of the agent and merge command lines, which local and Kubernetes runs share.
import { describe, expect, it } from 'vitest';
import { agentArgv, mergeArgv } from '../../src/agents/argv.ts';

const startAt = new Date('2026-12-07T10:00:00Z');

describe('agentArgv', () => {
  it('is `agent SCENARIO --shard I/N --start-at T0 --out DIR`, T0 in ISO-8601 UTC', () => {
    expect(agentArgv({ scenarioPath: 's.yaml', shard: 2, count: 4, startAt, outDir: 'out/agent-2' }))
      .toEqual(['agent', 's.yaml', '--shard', '2/4', '--start-at', '2026-12-07T10:00:00.000Z', '--out', 'out/agent-2']);
  });

  it('passes a launcher\'s placeholder through as the shard', () => {
    expect(agentArgv({ scenarioPath: 's.yaml', shard: '$(JOB_COMPLETION_INDEX)', count: 3, startAt, outDir: 'o' })[3]).toBe('$(JOB_COMPLETION_INDEX)/3');
  });

  it.each([
    [{ shard: 4, count: 4 }, /shard must be a whole number from 0 to 3, got 4/],
    [{ shard: -1, count: 4 }, /shard must be/],
    [{ shard: 0.5, count: 4 }, /shard must be/],
    [{ shard: 0, count: 0 }, /agent count must be a whole number >= 1, got 0/],
  ])('refuses an impossible share %o', (share, message) => {
    expect(() => agentArgv({ scenarioPath: 's.yaml', ...share, startAt, outDir: 'o' })).toThrow(message);
  });

  it('refuses an invalid start time', () => {
    expect(() => agentArgv({ scenarioPath: 's.yaml', shard: 0, count: 1, startAt: new Date('nope'), outDir: 'o' })).toThrow(/startAt/);
  });
});

describe('mergeArgv', () => {
  it('lists the agent folders, then --out', () => {
    expect(mergeArgv({ agentDirs: ['a/0', 'a/1'], outDir: 'm' })).toEqual(['merge', 'a/0', 'a/1', '--out', 'm']);
    expect(() => mergeArgv({ agentDirs: [], outDir: 'm' })).toThrow(/at least one agent folder/);
  });
});
