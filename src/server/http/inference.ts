// The two inference protocols over one path: decode -> faults -> scheduler -> encode.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeKserveInfer, encodeKserveInfer } from '../codec/kserve.ts';
import { decodeTorchserve, encodeTorchserve } from '../codec/torchserve.ts';
import { isServeError } from '../errors.ts';
import type { InferRequest, InferResult } from '../inference.ts';
import type { LoadedModel } from '../models.ts';
import { admissionHooks } from './admission.ts';
import type { HttpContext, Protocol } from './context.ts';

interface ModelParams {
  name: string;
  version?: string;
}

function bodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

async function infer(ctx: HttpContext, request: FastifyRequest, model: LoadedModel, inferRequest: InferRequest): Promise<InferResult> {
  const { metrics } = ctx;
  const started = performance.now();
  try {
    // Skipped outright when no fault is set: one await less on every request.
    if (ctx.faults.active) await ctx.faults.beforeInference();
    const result = await model.scheduler.infer(inferRequest);
    metrics.queueDuration.observe({ model: model.name }, result.queueUs / 1e6);
    metrics.computeDuration.observe({ model: model.name }, result.computeUs / 1e6);
    ctx.statistics.requestDone(model.name, model.version, { ok: true, durationUs: (performance.now() - started) * 1000, queueUs: result.queueUs, computeUs: result.computeUs });
    return result;
  } catch (err) {
    if (isServeError(err)) metrics.errors.inc({ model: model.name, error_code: err.code });
    ctx.statistics.requestDone(model.name, model.version, { ok: false, durationUs: (performance.now() - started) * 1000 });
    throw err;
  } finally {
    metrics.requestDuration.observe({ model: model.name, protocol: request.routeOptions.config.protocol ?? 'unknown' }, (performance.now() - started) / 1000);
  }
}

function resolveModel(ctx: HttpContext, request: FastifyRequest<{ Params: ModelParams }>): LoadedModel {
  const model = ctx.registry.get(request.params.name, request.params.version);
  request.servedModel = { name: model.name, version: model.version };
  return model;
}

export function inferenceRoutes(ctx: HttpContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    const admission = admissionHooks(ctx);
    app.addHook('onRequest', admission.onRequest);
    app.addHook('preValidation', admission.preValidation);
    const kserveInfer = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
      const model = resolveModel(ctx, request);
      const decoded = decodeKserveInfer(
        bodyOf(request),
        request.headers['content-type'],
        request.headers['inference-header-content-length'] as string | undefined,
        { model: model.config, requestId: String(request.id), allocate: model.scheduler.allocateTensor },
      );
      const result = await infer(ctx, request, model, decoded.request);
      const encoded = encodeKserveInfer(result, {
        modelName: model.name,
        modelVersion: model.version,
        clientId: decoded.clientId,
        binaryOutputs: decoded.binaryOutputs,
        requestedOutputs: decoded.request.outputs,
      });
      return reply.headers(encoded.headers).send(encoded.body);
    };
    const kserve = { config: { protocol: 'kserve-v2' as Protocol } };
    app.post('/v2/models/:name/infer', kserve, kserveInfer);
    app.post('/v2/models/:name/versions/:version/infer', kserve, kserveInfer);

    const torchserveInfer = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
      const model = resolveModel(ctx, request);
      const inferRequest = decodeTorchserve(bodyOf(request), request.headers['content-type'], { model: model.config, requestId: String(request.id) });
      const result = await infer(ctx, request, model, inferRequest);
      return reply.type('application/json').send(encodeTorchserve(result, model.config));
    };
    const torchserve = { config: { protocol: 'torchserve' as Protocol } };
    app.post('/predictions/:name', torchserve, torchserveInfer);
    app.post('/predictions/:name/:version', torchserve, torchserveInfer);
  };
}
