// A server's process tree: descendants from a parent map, and CPU between two readings of a tree
// whose children come and go.
import { describe, expect, it } from 'vitest';
import { descendantsIn, treeCpuBetween } from '../../src/measure/processTree.ts';
import type { ProcessUsage } from '../../src/measure/processUsage.ts';

const usage = (cpuMs: number): ProcessUsage => ({ cpuMs, rssBytes: 1 });

describe('process tree', () => {
  it('finds children and their children, not siblings or the root', () => {
    const parents = new Map([[10, 1], [11, 10], [12, 11], [13, 10], [20, 1], [21, 20]]);
    expect(descendantsIn(parents, 10).sort()).toEqual([11, 12, 13]);
    expect(descendantsIn(parents, 12)).toEqual([]);
  });

  it('counts each process over the span it was seen in both readings', () => {
    const before = new Map([[10, usage(100)], [11, usage(50)], [12, usage(900)]]);
    // 12 exited, 13 started with 400 ms already used: neither's lifetime total is counted.
    const after = new Map([[10, usage(130)], [11, usage(80)], [13, usage(400)]]);
    expect(treeCpuBetween(before, after, 10)).toBe(60);
  });

  it('says nothing when the root PID now names another process', () => {
    expect(treeCpuBetween(new Map([[10, usage(500)]]), new Map([[10, usage(5)]]), 10)).toBeUndefined();
    expect(treeCpuBetween(new Map(), new Map([[10, usage(5)]]), 10)).toBeUndefined();
  });
});
