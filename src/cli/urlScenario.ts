// `servebench run --url URL --model NAME ...`: the flags of a one-command run turned into the
// scenario a file would hold, so the run passes the loader's own checks and --print-scenario can
// write that file to start from. Pure: the caller reads the disk and knows the folders.
import path from 'node:path';
import { stringify } from 'yaml';
import { DEFAULTS } from '../scenario/defaults.ts';
import type { PhaseInput, ScenarioInput } from '../scenario/input.ts';
import { parseDurationMs } from '../scenario/units.ts';
import { formatDurationMs, formatNumber } from '../format/units.ts';
import { flag } from './flags.ts';
import { isServebenchError, ServebenchError } from '../contract/errors.ts';

export const URL_RUN_DEFAULTS = { duration: '30s', warmup: '3s', connections: 8 } as const;
const PROTOCOLS = ['kserve-v2', 'torchserve'] as const;

/** The value flags of a url run, in the order the scenario's description repeats them. Their text is checked by urlScenarioInput. */
export const URL_RUN_FLAGS = {
  url: flag.text('URL', 'run against the server at URL instead of a scenario file (needs --model);\nKServe v2 model metadata (GET URL/v2/models/NAME) sizes random input tensors'),
  model: flag.text('NAME', 'the model to send requests to'),
  protocol: flag.text('P', PROTOCOLS.join(' or '), { defaultNote: PROTOCOLS[0] }),
  rate: flag.text('R', 'open loop: R requests per second, whatever the answers'),
  connections: flag.text('C', 'closed loop: C connections, each sending when its last answer came', { defaultNote: String(URL_RUN_DEFAULTS.connections) }),
  duration: flag.text('D', 'how long the measured phase runs, like 30s, 500ms or 2m', { defaultNote: URL_RUN_DEFAULTS.duration }),
  warmup: flag.text('D', 'load before it, measured but not counted; 0 for none', { defaultNote: URL_RUN_DEFAULTS.warmup }),
  payload: flag.text('FILE', 'request bodies to send instead of random tensors: a file (one body; .json,\nraw bytes, an image), a folder (a body per file) or a .jsonl file'),
  'ready-timeout': flag.text('D', 'how long to wait for the server to answer ready', { defaultNote: formatDurationMs(DEFAULTS.ready_timeout_ms) }),
};

export type UrlRunFlag = keyof typeof URL_RUN_FLAGS;
export const URL_VALUE_FLAGS = Object.keys(URL_RUN_FLAGS) as UrlRunFlag[];
export type UrlRunValues = Partial<Record<UrlRunFlag, string>>;

function durationFlag(flag: string, text: string, allowZero: boolean): string {
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch (err) {
    if (!isServebenchError(err, 'SB_ERR_UNIT')) throw err;
    throw new ServebenchError('SB_ERR_USAGE', `--${flag} takes a duration like 30s, 500ms or 2m, got ${JSON.stringify(text)}`);
  }
  if (ms === 0 && !allowZero) throw new ServebenchError('SB_ERR_USAGE', `--${flag} takes a positive duration like 30s, got ${JSON.stringify(text)}`);
  return formatDurationMs(ms);
}

function positiveNumber(flag: string, text: string, what: string, integer: boolean, max?: number): number {
  const value = /^\s*(\d+(\.\d+)?|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  const ok = value > 0 && (!integer || Number.isInteger(value)) && (max === undefined || value <= max);
  if (!ok) throw new ServebenchError('SB_ERR_USAGE', `--${flag} takes ${what}, got ${JSON.stringify(text)}`);
  return value;
}

/** --url as a scenario's target.url accepts it; throws SB_ERR_USAGE otherwise. */
export function checkServerUrl(url: string): void {
  if (!/^https?:\/\/[^\s/]+/.test(url) || !URL.canParse(url)) throw new ServebenchError('SB_ERR_USAGE', `--url takes a server origin like http://127.0.0.1:8000, got ${JSON.stringify(url)}`);
}

/** A scenario name from the model's: `resnet50` stays, odd characters become `-`. */
function scenarioName(model: string): string {
  const cleaned = model.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'url-run' : cleaned;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The scenario input of a url run. `payloadFile` is --payload made absolute by the caller, so
 * the printed scenario sends the same bodies wherever it is saved. Throws SB_ERR_USAGE for flags
 * the scenario could not express; the loader checks the rest as it checks any file.
 */
export function urlScenarioInput(values: UrlRunValues, payloadFile?: string): ScenarioInput {
  const { url, model } = values;
  if (url === undefined) throw new ServebenchError('SB_ERR_USAGE', 'a url run needs --url, e.g. --url http://127.0.0.1:8000');
  if (model === undefined || model.trim() === '') throw new ServebenchError('SB_ERR_USAGE', '--url needs --model, the model to send requests to, e.g. --model mlp');
  checkServerUrl(url);
  if (values.rate !== undefined && values.connections !== undefined) {
    throw new ServebenchError('SB_ERR_USAGE', 'give --rate (open loop: requests per second) or --connections (closed loop), not both');
  }
  const protocol = values.protocol ?? 'kserve-v2';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw new ServebenchError('SB_ERR_USAGE', `--protocol takes ${PROTOCOLS.join(' or ')}, got ${JSON.stringify(protocol)}`);
  const rate = values.rate !== undefined ? positiveNumber('rate', values.rate, 'requests per second, a positive number like 200', false) : undefined;
  const connections = values.connections !== undefined
    ? positiveNumber('connections', values.connections, 'a whole number of connections between 1 and 10000', true, 10_000)
    : URL_RUN_DEFAULTS.connections;
  const load = rate !== undefined ? { rate } : { connections };
  const duration = durationFlag('duration', values.duration ?? URL_RUN_DEFAULTS.duration, false);
  const warmup = durationFlag('warmup', values.warmup ?? URL_RUN_DEFAULTS.warmup, true);
  const readyTimeout = values['ready-timeout'] !== undefined ? durationFlag('ready-timeout', values['ready-timeout'], false) : undefined;

  const steadyName = rate !== undefined ? `open-${formatNumber(rate)}` : `closed-${connections}`;
  const phases: PhaseInput[] = [
    ...(warmup === '0ms' ? [] : [{ kind: 'warmup' as const, duration: warmup, ...load }]),
    { kind: 'steady', name: steadyName, duration, ...load },
  ];
  const flags = URL_VALUE_FLAGS.filter((flag) => values[flag] !== undefined).map((flag) => `--${flag} ${shellWord(values[flag]!)}`);
  return {
    name: scenarioName(model),
    description: `servebench run ${flags.join(' ')}`,
    target: { kind: 'url', url, protocol: protocol as (typeof PROTOCOLS)[number], ...(readyTimeout ? { ready_timeout: readyTimeout } : {}) },
    model,
    ...(payloadFile !== undefined ? { payload: { fixture: payloadFile } } : {}),
    phases,
  };
}

/**
 * Where the printed scenario's `# yaml-language-server: $schema=` line points: the schema file
 * of the installed package, relative to the folder the command runs in when it lies under it
 * (node_modules/servebench/scenarios/schema.json: the line then holds for a file saved there,
 * on any machine with the project installed), else its absolute path (a global install).
 */
export function schemaReference(cwd: string, schemaFile: string): string {
  const relative = path.relative(cwd, schemaFile);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return schemaFile;
  return relative.split(path.sep).join('/');
}

/** The scenario as a YAML file: the editor's schema line, where it came from, then the fields. */
export function scenarioYaml(input: ScenarioInput, schemaRef: string): string {
  return [
    `# yaml-language-server: $schema=${schemaRef}`,
    '# Written by servebench run --print-scenario: run it with `servebench run FILE`, and add',
    '# thresholds (e.g. "p99 < 50ms") or phases as scenarios/README.md describes.',
    stringify(input, { lineWidth: 0 }),
  ].join('\n');
}
