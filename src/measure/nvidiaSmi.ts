// Parses `nvidia-smi --query-gpu=... --format=csv,noheader,nounits` output. Pure.
// nvidia-smi separates fields with ", " and never quotes them; a field it cannot read is
// `[N/A]`, `[Not Supported]` (older drivers), `N/A`, `[Unknown Error]`... and all become undefined.
import type { GpuSample } from '../contract/results.ts';

/** The fields asked for, in order; the parser relies on this order. */
export const NVIDIA_SMI_FIELDS = ['index', 'name', 'utilization.gpu', 'memory.used', 'memory.total', 'power.draw', 'temperature.gpu'] as const;

export const NVIDIA_SMI_ARGS: readonly string[] = [`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

/** Fields after the name: all numeric, so the name is whatever lies between index and them. */
const TRAILING_NUMERIC = NVIDIA_SMI_FIELDS.length - 2;

export interface ParsedNvidiaSmi {
  gpus: GpuSample[];
  /** Lines that were not GPU rows (a message, a truncated line), kept to explain an empty result. */
  rejected: string[];
}

export function parseNvidiaSmiCsv(text: string): ParsedNvidiaSmi {
  const gpus: GpuSample[] = [];
  const rejected: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const gpu = parseLine(line);
    if (gpu) gpus.push(gpu);
    else rejected.push(line);
  }
  return { gpus, rejected };
}

function parseLine(line: string): GpuSample | null {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < NVIDIA_SMI_FIELDS.length) return null;
  const index = numberOrUndefined(fields[0]);
  if (index === undefined || !Number.isInteger(index) || index < 0) return null;
  // Parse from both ends: a name containing commas is rejoined from the middle.
  const numeric = fields.slice(fields.length - TRAILING_NUMERIC);
  const name = fields.slice(1, fields.length - TRAILING_NUMERIC).join(', ');
  const [utilization, memoryUsed, memoryTotal, power, temperature] = numeric.map(numberOrUndefined);
  return definedOnly({
    index,
    name: isMissing(name) ? undefined : name,
    utilization_percent: utilization,
    memory_used_mib: memoryUsed,
    memory_total_mib: memoryTotal,
    power_watts: power,
    temperature_c: temperature,
  });
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal number, or undefined for any placeholder nvidia-smi prints instead. */
function numberOrUndefined(field: string): number | undefined {
  return NUMBER.test(field) ? Number(field) : undefined;
}

function isMissing(field: string): boolean {
  return field === '' || /^\[.*\]$/.test(field) || field === 'N/A';
}

/** Drops undefined keys so results.json and deep equality see only what was measured. */
function definedOnly(gpu: GpuSample): GpuSample {
  return Object.fromEntries(Object.entries(gpu).filter(([, v]) => v !== undefined)) as unknown as GpuSample;
}
