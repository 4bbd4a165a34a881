// The nvidia-smi parser on every recorded output, and the GPU query's "no GPU" answers.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryGpus } from '../../src/measure/gpu.ts';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from '../../src/measure/nvidiaSmi.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const FIXTURES = join(REPO_ROOT, 'fixtures/nvidia-smi');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const DRIVER_FAILURE = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";

describe('parseNvidiaSmiCsv', () => {
  it('reads 8 H100s, busy and idle', () => {
    const { gpus, rejected } = parseNvidiaSmiCsv(fixture('h100-sxm-8x.csv'));
    expect(rejected).toEqual([]);
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(gpus[0]).toEqual({ index: 0, name: 'NVIDIA H100 80GB HBM3', utilization_percent: 97, memory_used_mib: 74213, memory_total_mib: 81559, power_watts: 612.47, temperature_c: 58 });
    expect(gpus[7]).toEqual({ index: 7, name: 'NVIDIA H100 80GB HBM3', utilization_percent: 0, memory_used_mib: 1, memory_total_mib: 81559, power_watts: 70.11, temperature_c: 32 });
  });

  it('leaves out the utilization MIG reports as [N/A]', () => {
    const { gpus } = parseNvidiaSmiCsv(fixture('a100-mig-2x.csv'));
    expect(gpus).toHaveLength(2);
    expect(gpus[1]).toEqual({ index: 1, name: 'NVIDIA A100-SXM4-80GB', memory_used_mib: 20483, memory_total_mib: 81920, power_watts: 272.18, temperature_c: 46 });
    expect('utilization_percent' in gpus[0]).toBe(false);
  });

  it('leaves out a [Not Supported] power draw', () => {
    expect(parseNvidiaSmiCsv(fixture('t4-power-not-supported.csv')).gpus).toEqual([
      { index: 0, name: 'Tesla T4', utilization_percent: 0, memory_used_mib: 0, memory_total_mib: 15360, temperature_c: 38 },
    ]);
  });

  it('turns bare N/A, empty fields and [Unknown Error] into absent fields, never NaN', () => {
    const { gpus } = parseNvidiaSmiCsv(fixture('mixed-placeholders.csv'));
    expect(gpus[1]).toEqual({ index: 1, name: 'NVIDIA RTX 6000 Ada Generation', memory_total_mib: 49140, temperature_c: 40 });
    for (const gpu of gpus) for (const value of Object.values(gpu)) expect(Number.isNaN(value)).toBe(false);
  });

  it('keeps a name containing commas whole, reading the numbers from the end', () => {
    expect(parseNvidiaSmiCsv(fixture('name-with-comma.csv')).gpus).toEqual([
      { index: 0, name: 'Acme Accelerator, Rev 2', utilization_percent: 12, memory_used_mib: 512, memory_total_mib: 16384, power_watts: 35.5, temperature_c: 44 },
    ]);
  });

  it('rejects the driver-failure and no-device messages as non-GPU lines', () => {
    expect(parseNvidiaSmiCsv(fixture('driver-failure.txt'))).toEqual({ gpus: [], rejected: [DRIVER_FAILURE] });
    expect(parseNvidiaSmiCsv(fixture('no-devices.txt'))).toEqual({ gpus: [], rejected: ['No devices were found'] });
  });

  it('reads an empty output as no GPUs', () => {
    expect(parseNvidiaSmiCsv(fixture('empty.csv'))).toEqual({ gpus: [], rejected: [] });
  });

  it('has a test for every fixture', () => {
    const tested = ['h100-sxm-8x.csv', 'a100-mig-2x.csv', 't4-power-not-supported.csv', 'mixed-placeholders.csv', 'name-with-comma.csv', 'driver-failure.txt', 'no-devices.txt', 'empty.csv'];
    expect(readdirSync(FIXTURES).filter((f) => f !== 'README.md').sort()).toEqual([...tested].sort());
  });
});

describe('queryGpus', () => {
  // Real nvidia-smi cannot run here; stand-in executables print a fixture and exit as it does.
  const dir = mkdtempSync(join(tmpdir(), 'servebench-smi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function standIn(name: string, fixtureName: string, exitCode: number): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n[ "$1" = "${NVIDIA_SMI_ARGS[0]}" ] || exit 64\ncat '${join(FIXTURES, fixtureName)}'\nexit ${exitCode}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('answers "no GPU" when nvidia-smi does not exist', async () => {
    expect(await queryGpus({ command: join(dir, 'no-such-nvidia-smi') })).toEqual({ available: false, reason: 'nvidia-smi not found' });
  });

  it('answers "no GPU" with nvidia-smi\'s own message when the driver is not there', async () => {
    expect(await queryGpus({ command: standIn('smi-driver', 'driver-failure.txt', 9) })).toEqual({ available: false, reason: DRIVER_FAILURE });
  });

  it('answers "no GPU" for an empty answer', async () => {
    expect(await queryGpus({ command: standIn('smi-empty', 'empty.csv', 0) })).toEqual({ available: false, reason: 'nvidia-smi listed no GPUs' });
  });

  it('lists the GPUs nvidia-smi prints, asked with the query arguments', async () => {
    const status = await queryGpus({ command: standIn('smi-h100', 'h100-sxm-8x.csv', 0) });
    expect(status.available).toBe(true);
    if (status.available) expect(status.gpus).toHaveLength(8);
  });

  it('gives up on an nvidia-smi that hangs', async () => {
    const path = join(dir, 'smi-hang');
    writeFileSync(path, '#!/bin/sh\nexec sleep 5\n');
    chmodSync(path, 0o755);
    expect(await queryGpus({ command: path, timeoutMs: 200 })).toEqual({ available: false, reason: 'nvidia-smi did not answer within 200 ms' });
  });
});
