// Admission control: once a model holds as many requests as its queue and workers can take, the
// next one is refused with 503 at once. The queue bound alone acts only after the body was read and
// decoded, and under a flood that reading and decoding is what piles up.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serveError } from '../errors.ts';
import type { LoadedModel } from '../models.ts';
import type { HttpContext } from './context.ts';

/** Requests a model may hold at once: its queue, plus what its workers run, plus what is being decoded. */
export function admissionLimit(model: LoadedModel): number {
  const { max_queue_size, workers, max_batch_size } = model.settings;
  return max_queue_size + 2 * workers * Math.max(1, max_batch_size);
}

/**
 * Admission in two steps. When a request's headers arrive, a model already full refuses it at once
 * (a flood costs no body reading). A request takes its place only once its body has arrived: a
 * client that trickles or withholds its body holds a connection until body_timeout_ms, never a
 * place that valid requests need.
 */
export function admissionHooks(ctx: HttpContext) {
  const held = new WeakMap<LoadedModel, number>();
  const modelOf = (request: FastifyRequest<{ Params: { name?: string; version?: string } }>): LoadedModel | undefined => {
    const name = request.params.name;
    if (name === undefined) return undefined;
    try {
      return ctx.registry.get(name, request.params.version);
    } catch {
      return undefined; // the handler answers unknown models with its own 404
    }
  };
  const refuseWhenFull = (model: LoadedModel): number => {
    const count = held.get(model) ?? 0;
    if (count >= admissionLimit(model)) {
      throw serveError('SB_ERR_QUEUE_FULL', `model "${model.name}" already holds ${count} requests (max_queue_size ${model.settings.max_queue_size} plus what its workers run): retry later`);
    }
    return count;
  };
  return {
    async onRequest(request: FastifyRequest<{ Params: { name?: string; version?: string } }>): Promise<void> {
      const model = modelOf(request);
      if (model) refuseWhenFull(model);
    },
    async preValidation(request: FastifyRequest<{ Params: { name?: string; version?: string } }>, reply: FastifyReply): Promise<void> {
      const model = modelOf(request);
      if (!model) return;
      held.set(model, refuseWhenFull(model) + 1);
      reply.raw.once('close', () => held.set(model, (held.get(model) ?? 1) - 1));
    },
  };
}
