// Asks nvidia-smi for the GPUs' state. No GPU (no nvidia-smi, no driver, no device) is a normal
// answer on most machines, so it comes back as a status, never as an error.
import { execFile } from 'node:child_process';
import type { GpuSample } from '../contract/results.ts';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidiaSmi.ts';

export type GpuStatus = { available: true; gpus: GpuSample[] } | { available: false; reason: string };

export interface GpuQueryOptions {
  /** The nvidia-smi executable; default `nvidia-smi` on PATH. */
  command?: string;
  /** nvidia-smi can hang on a wedged driver: give up after this long. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

export function queryGpus(options: GpuQueryOptions = {}): Promise<GpuStatus> {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ available: false, reason: failureReason(error, String(stdout), String(stderr), command, timeoutMs) });
        return;
      }
      const { gpus, rejected } = parseNvidiaSmiCsv(String(stdout));
      if (gpus.length > 0) resolve({ available: true, gpus });
      else resolve({ available: false, reason: rejected[0] ?? 'nvidia-smi listed no GPUs' });
    });
  });
}

type ExecError = Error & { code?: string | number | null; killed?: boolean; signal?: NodeJS.Signals | null };

function failureReason(error: ExecError, stdout: string, stderr: string, command: string, timeoutMs: number): string {
  if (error.code === 'ENOENT') return 'nvidia-smi not found';
  if (error.code === 'EACCES') return `${command} is not executable`;
  if (error.killed || error.signal) return `nvidia-smi did not answer within ${timeoutMs} ms`;
  // nvidia-smi prints its failure ("NVIDIA-SMI has failed because...") on stdout.
  const message = firstLine(stdout) ?? firstLine(stderr);
  return message ?? `nvidia-smi exited with code ${String(error.code)}`;
}

function firstLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
}
