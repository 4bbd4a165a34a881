// The environment record: real values from this machine, and no throw where git or a GPU is missing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEnvironment } from '../../src/measure/environment.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

describe('collectEnvironment', () => {
  it('describes this machine, node, onnxruntime-node and servebench', async () => {
    const env = await collectEnvironment({ gpu: { command: '/nonexistent/nvidia-smi' } });
    expect(env.hostname).toBe(os.hostname());
    expect(env.os).toContain(os.release());
    expect(env.cpu_model.length).toBeGreaterThan(0);
    expect(env.cores).toBeGreaterThanOrEqual(1);
    expect(env.memory_bytes).toBe(os.totalmem());
    expect(env.node).toBe(process.version);
    expect(env.onnxruntime).toMatch(/^1\.\d+\.\d+/);
    expect(env.servebench).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.gpus).toEqual([]);
    // systeminformation's additions, queried off the main thread.
    expect(env.os_distro?.length).toBeGreaterThan(0);
    expect(env.physical_cores).toBeGreaterThanOrEqual(1);
    expect(Array.isArray(env.graphics)).toBe(true);
  }, 30_000);

  it('records the git commit of a checkout and leaves it out elsewhere', async () => {
    const here = await collectEnvironment({ gpu: { command: '/nonexistent/nvidia-smi' } });
    if (existsSync(join(REPO_ROOT, '.git'))) expect(here.git_commit).toMatch(/^[0-9a-f]{40}$/);
    const dir = mkdtempSync(join(os.tmpdir(), 'servebench-nogit-'));
    try {
      const elsewhere = await collectEnvironment({ gitDir: dir, gpu: { command: '/nonexistent/nvidia-smi' } });
      expect('git_commit' in elsewhere).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
