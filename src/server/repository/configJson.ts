// Validates a parsed config.json into a partial ModelConfig. Pure. Every error names the JSON path
// of the bad field; unknown fields are refused, since a typo would otherwise silently do nothing.
import { DATATYPES, isDatatype } from '../codec/tensor.ts';
import { ServeError } from '../errors.ts';
import type { PartialModelConfig } from './autoConfig.ts';

type Obj = Record<string, unknown>;

class ConfigPath {
  constructor(
    readonly where: string,
    readonly path: string,
  ) {}

  at(key: string | number): ConfigPath {
    const next = typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
    return new ConfigPath(this.where, next);
  }

  fail(expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got);
    throw new ServeError('SB_ERR_CONFIG', `${this.where}: ${this.path || '(root)'}: expected ${expected}, got ${shown}`);
  }
}

function object(v: unknown, p: ConfigPath, allowed: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) p.fail('an object', v);
  for (const key of Object.keys(v as Obj)) {
    if (!allowed.includes(key)) {
      throw new ServeError('SB_ERR_CONFIG', `${p.where}: ${p.at(key).path}: unknown field (allowed here: ${allowed.join(', ')})`);
    }
  }
  return v as Obj;
}

function array(v: unknown, p: ConfigPath): unknown[] {
  if (!Array.isArray(v)) p.fail('an array', v);
  return v as unknown[];
}

function string(v: unknown, p: ConfigPath): string {
  if (typeof v !== 'string' || v.length === 0) p.fail('a non-empty string', v);
  return v as string;
}

function integer(v: unknown, p: ConfigPath, min: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min) p.fail(`an integer >= ${min}`, v);
  return v as number;
}

function finite(v: unknown, p: ConfigPath): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) p.fail('a finite number', v);
  return v as number;
}

function boolean(v: unknown, p: ConfigPath): boolean {
  if (typeof v !== 'boolean') p.fail('true or false', v);
  return v as boolean;
}

/** A file beside config.json: a bare name, so a config can never point outside its version folder. */
function fileName(v: unknown, p: ConfigPath): string {
  const s = string(v, p);
  if (s.includes('/') || s.includes('\\') || s.startsWith('.')) p.fail('a file name in the version folder (no directories)', s);
  return s;
}

/** Copies the optional keys that are present, each through its validator. */
function pick<T extends object>(src: Obj, p: ConfigPath, fields: { [K in keyof T]-?: (v: unknown, p: ConfigPath) => T[K] }): T {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    if (src[key] !== undefined) out[key] = fields[key](src[key], p.at(key));
  }
  return out as T;
}

const tensorSpec = (v: unknown, p: ConfigPath) =>
  pick<NonNullable<PartialModelConfig['input']>[number]>(object(v, p, ['name', 'datatype', 'dims']), p, {
    name: string,
    datatype: (d, q) => (isDatatype(d) ? d : q.fail(`one of ${DATATYPES.join(', ')}`, d)),
    dims: (d, q) => array(d, q).map((x, i) => (x === -1 ? -1 : integer(x, q.at(i), 1))),
  });

const preprocess = (v: unknown, p: ConfigPath): NonNullable<PartialModelConfig['preprocess']> => {
  const o = object(v, p, ['encoding', 'scale', 'mean', 'std']);
  const encoding = o.encoding === 'uint8' || o.encoding === 'float32' ? o.encoding : p.at('encoding').fail("'uint8' or 'float32'", o.encoding);
  return {
    encoding,
    ...pick<{ scale?: number; mean?: number; std?: number }>(o, p, {
      scale: finite,
      mean: finite,
      std: (x, q) => (finite(x, q) > 0 ? (x as number) : q.fail('a positive number', x)),
    }),
  };
};

const postprocess = (v: unknown, p: ConfigPath) =>
  pick<NonNullable<PartialModelConfig['postprocess']>>(object(v, p, ['softmax', 'top_k', 'labels']), p, {
    softmax: boolean,
    top_k: (x, q) => integer(x, q, 1),
    labels: (x, q) => array(x, q).map((l, i) => string(l, q.at(i))),
  });

const serving = (v: unknown, p: ConfigPath) =>
  pick<NonNullable<PartialModelConfig['serving']>>(
    object(v, p, ['workers', 'max_batch_size', 'max_batch_delay_us', 'preferred_batch_sizes', 'max_queue_size']),
    p,
    {
      workers: (x, q) => integer(x, q, 1),
      max_batch_size: (x, q) => integer(x, q, 0),
      max_batch_delay_us: (x, q) => integer(x, q, 0),
      preferred_batch_sizes: (x, q) => array(x, q).map((b, i) => integer(b, q.at(i), 1)),
      max_queue_size: (x, q) => integer(x, q, 1),
    },
  );

const TOP_LEVEL = [
  'name', 'version', 'platform', 'model_file', 'steps', 'max_batch_size', 'input', 'output',
  'allow_non_finite', 'preprocess', 'postprocess', 'serving',
] as const;

/** Validates config.json's parsed value; `where` (its path) prefixes every error. */
export function validateConfigJson(value: unknown, where: string): PartialModelConfig {
  const root = new ConfigPath(where, '');
  const o = object(value, root, TOP_LEVEL);
  return pick<PartialModelConfig>(o, root, {
    name: string,
    version: (v, p) => (typeof v === 'string' && /^[0-9]+$/.test(v) ? v : p.fail('a version string such as "1"', v)),
    platform: (v, p) => (v === 'onnxruntime' || v === 'ensemble' ? v : p.fail("'onnxruntime' or 'ensemble'", v)),
    model_file: fileName,
    steps: (v, p) => array(v, p).map((s, i) => ({ model_file: fileName(object(s, p.at(i), ['model_file']).model_file, p.at(i).at('model_file')) })),
    max_batch_size: (v, p) => integer(v, p, 0),
    input: (v, p) => array(v, p).map((s, i) => tensorSpec(s, p.at(i))),
    output: (v, p) => array(v, p).map((s, i) => tensorSpec(s, p.at(i))),
    allow_non_finite: boolean,
    preprocess,
    postprocess,
    serving,
  });
}

/** Parses config.json's text; a syntax error names the file. */
export function parseConfigJson(text: string, where: string): PartialModelConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ServeError('SB_ERR_CONFIG', `${where}: not valid JSON (${(err as Error).message})`);
  }
  return validateConfigJson(value, where);
}
