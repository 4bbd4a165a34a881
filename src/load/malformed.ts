// The malformed phase's request picker: per the phase's `mix` (percent per corpus class) a request
// is a case of that class, otherwise a valid one; deterministic by seed. Cases written for the corpus
// model (mlp) are aimed at the target model by rewriting the model name in their path.
import { CORPUS_MODEL, materializeBody, type MalformedCase } from './malformedCorpus.ts';
import { seededRandom } from './random.ts';
import type { RequestTemplate } from './types.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface MalformedMixOptions {
  cases: MalformedCase[];
  /** Percent of requests per class; the rest (100 - sum) are valid. */
  mix: Record<string, number>;
  /** The target model: paths naming `corpusModel` are rewritten to it. */
  model: string;
  /** The model the corpus was written for (default `mlp`). */
  corpusModel?: string;
  valid: () => RequestTemplate;
  seed: number;
  /** Named in errors when the cases were chosen for one protocol. */
  protocol?: string;
}

/** Points a corpus path at the target model; paths naming another model (unknown_model cases) stay as they are. */
export function retargetPath(path: string, corpusModel: string, model: string): string {
  if (corpusModel === model) return path;
  const name = encodeURIComponent(model);
  const escaped = corpusModel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return path.replace(new RegExp(`^/v2/models/${escaped}(?=/|$)`), `/v2/models/${name}`).replace(new RegExp(`^/predictions/${escaped}(?=/|$)`), `/predictions/${name}`);
}

/** Every case as a ready-to-send template, grouped by class. */
export function malformedTemplates(cases: MalformedCase[], corpusModel: string, model: string): Map<string, RequestTemplate[]> {
  const byClass = new Map<string, RequestTemplate[]>();
  for (const c of cases) {
    const template: RequestTemplate = {
      method: c.method,
      path: retargetPath(c.path, corpusModel, model),
      headers: { ...c.headers },
      body: materializeBody(c),
      requestClass: c.class,
      expectStatus: c.expectStatus,
      ...(c.contentLength !== undefined ? { contentLength: c.contentLength } : {}),
    };
    byClass.set(c.class, [...(byClass.get(c.class) ?? []), template]);
  }
  return byClass;
}

/** Checks the mix against the corpus: known classes, shares in [0, 100], summing to at most 100. */
export function checkMix(mix: Record<string, number>, classes: Iterable<string>, protocol?: string): void {
  const known = [...classes];
  let sum = 0;
  for (const [cls, percent] of Object.entries(mix)) {
    if (!known.includes(cls)) throw new ServebenchError('SB_ERR_MALFORMED_MIX', `mix: unknown malformed class "${cls}"; the corpus has ${known.sort().join(', ')}${protocol ? ` for ${protocol}` : ''}`);
    if (!(Number.isFinite(percent) && percent >= 0 && percent <= 100)) throw new ServebenchError('SB_ERR_MALFORMED_MIX', `mix.${cls}: expected a percent in [0, 100], got ${percent}`);
    sum += percent;
  }
  if (sum > 100 + 1e-9) throw new ServebenchError('SB_ERR_MALFORMED_MIX', `mix: shares add up to ${sum}%, more than 100%`);
}

/** nextRequest for a malformed phase. Within a class, cases take turns so every case is sent. */
export function createMalformedMix(options: MalformedMixOptions): () => RequestTemplate {
  const byClass = malformedTemplates(options.cases, options.corpusModel ?? CORPUS_MODEL, options.model);
  checkMix(options.mix, byClass.keys(), options.protocol);
  const random = seededRandom(options.seed);
  const classes = Object.entries(options.mix).filter(([, percent]) => percent > 0);
  const turns = new Map<string, number>();
  return () => {
    let u = random() * 100;
    for (const [cls, percent] of classes) {
      if (u < percent) {
        const templates = byClass.get(cls)!;
        const turn = turns.get(cls) ?? 0;
        turns.set(cls, turn + 1);
        return templates[turn % templates.length];
      }
      u -= percent;
    }
    return options.valid();
  };
}
