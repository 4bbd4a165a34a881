// systeminformation's answers mapped to the environment's fields: from a recording made on the
// development VM (pure), and one real query on this machine (off the main thread).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { querySystemFacts, type SystemFacts, systemFields } from '../../src/measure/systemFacts.ts';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/systeminformation-linux-vm.json', import.meta.url), 'utf8')) as SystemFacts;

describe('systemFields', () => {
  it('maps a recorded Linux VM: distribution, physical cores, CPU name, memory, no graphics', () => {
    expect(systemFields(recorded)).toEqual({
      cpu_model: 'AMD EPYC',
      memory_bytes: 25276194816,
      physical_cores: 2,
      os_distro: 'Debian GNU/Linux 12 (bookworm)',
      graphics: [],
    });
  });

  it('lists every graphics controller with its memory, and leaves out what systeminformation did not know', () => {
    // Controllers in systeminformation's documented shape (GraphicsControllerData): vram in MB, null when unknown.
    const facts: SystemFacts = {
      cpu: { manufacturer: '', brand: '', physicalCores: 0 },
      mem: { total: 0 },
      osInfo: { distro: 'macOS', release: '14.4.1', codename: '' },
      graphics: { controllers: [
        { vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', vram: 81559 },
        { vendor: 'Apple', model: 'Apple M2  Pro', vram: null },
        { vendor: 'ASPEED', model: '', vram: 0 },
      ] },
    };
    expect(systemFields(facts)).toEqual({
      os_distro: 'macOS 14.4.1',
      graphics: [{ vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', vram_mib: 81559 }, { vendor: 'Apple', model: 'Apple M2 Pro' }],
    });
  });
});

describe('querySystemFacts', () => {
  it('answers on this machine', async () => {
    const facts = await querySystemFacts(20_000);
    expect(facts).toBeDefined();
    expect(facts!.mem.total).toBeGreaterThan(0);
    expect(Array.isArray(facts!.graphics.controllers)).toBe(true);
    expect(systemFields(facts!).os_distro?.length).toBeGreaterThan(0);
  }, 30_000);
});
