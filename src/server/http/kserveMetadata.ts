// KServe v2 health, server and model metadata endpoints (and TorchServe's /ping).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoadedModel } from '../models.ts';
import type { TensorSpec } from '../repository/modelConfig.ts';
import type { HttpContext } from './context.ts';
import { modelConfigView } from './tritonConfig.ts';

interface ModelParams {
  name: string;
  version?: string;
}

function tensorMetadata(spec: TensorSpec, batched: boolean) {
  return { name: spec.name, datatype: spec.datatype, shape: batched ? [-1, ...spec.dims] : [...spec.dims] };
}

export function modelMetadata(model: LoadedModel) {
  const batched = model.config.max_batch_size > 0;
  return {
    name: model.name,
    versions: [model.version],
    platform: model.config.platform === 'ensemble' ? 'ensemble' : 'onnxruntime_onnx',
    inputs: model.config.input.map((s) => tensorMetadata(s, batched)),
    outputs: model.config.output.map((s) => tensorMetadata(s, batched)),
  };
}

export function metadataRoutes(ctx: HttpContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    const always = { config: { answersWhileDraining: true } };
    app.get('/v2/health/live', always, async () => ({ live: true }));
    app.get('/v2/health/ready', always, async (_request, reply) => {
      const ready = ctx.lifecycle.ready();
      return reply.code(ready ? 200 : 503).send({ ready });
    });
    app.get('/ping', always, async (_request, reply) => {
      const ready = ctx.lifecycle.ready();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'Healthy' : 'Unhealthy' });
    });
    app.get('/v2', async () => ({
      name: 'servebench',
      version: ctx.serverVersion,
      extensions: ['binary_tensor_data', 'model_repository', 'model_configuration', 'statistics', 'statistics_via_metrics'],
    }));

    const metadata = async (request: FastifyRequest<{ Params: ModelParams }>) => modelMetadata(ctx.registry.get(request.params.name, request.params.version));
    app.get('/v2/models/:name', metadata);
    app.get('/v2/models/:name/versions/:version', metadata);

    // Not ready while the model cannot take work (no worker left, replacements failing) or the server drains.
    const ready = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
      const model = ctx.registry.get(request.params.name, request.params.version);
      const modelReady = !ctx.lifecycle.draining() && model.scheduler.ready();
      return reply.code(modelReady ? 200 : 503).send({ name: model.name, version: model.version, ready: modelReady });
    };
    app.get('/v2/models/:name/ready', always, ready);
    app.get('/v2/models/:name/versions/:version/ready', always, ready);

    // Triton's model configuration extension: servebench's config.json fields, the effective serving
    // settings a harness needs to record, and Triton's own field names for Triton's clients.
    const config = async (request: FastifyRequest<{ Params: ModelParams }>) => modelConfigView(ctx.registry.get(request.params.name, request.params.version));
    app.get('/v2/models/:name/config', config);
    app.get('/v2/models/:name/versions/:version/config', config);

    // Triton's statistics extension. The static path wins over /v2/models/:name (as in Triton, a
    // model named "stats" has no metadata route).
    app.get('/v2/models/stats', async () => ({ model_stats: ctx.registry.list().map((m) => ctx.statistics.snapshot(m.name, m.version)) }));
    const stats = async (request: FastifyRequest<{ Params: ModelParams }>) => {
      const model = ctx.registry.get(request.params.name, request.params.version);
      return { model_stats: [ctx.statistics.snapshot(model.name, model.version)] };
    };
    app.get('/v2/models/:name/stats', stats);
    app.get('/v2/models/:name/versions/:version/stats', stats);
  };
}
