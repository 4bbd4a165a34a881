// Builds the fastify app: raw-body parsing (the codecs parse, so errors can name fields), request
// ids, the drain gate, metrics labels, and the protocol plugins.
import { maxHeaderSize } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { clientErrorHandler } from './clientErrors.ts';
import type { HttpContext } from './context.ts';
import { MAX_PARAM_LENGTH, sendError, toServeError } from './errors.ts';
import { serveError } from '../errors.ts';
import { inferenceRoutes } from './inference.ts';
import { metadataRoutes } from './kserveMetadata.ts';
import { managementRoutes } from './management.ts';
import { bodyReader } from './rawBody.ts';
import { redactMessage, repositoryRoots } from './redact.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function buildApp(ctx: HttpContext, logger: Logger): FastifyInstance {
  let requestCounter = 0;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: !ctx.config.accessLog }),
    bodyLimit: ctx.config.bodyLimitBytes,
    // A client-supplied id is kept when it is harmless, so callers can correlate logs.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : `r${(++requestCounter).toString(36)}`;
    },
    // Draining is set before the app closes, so the onRequest hook answers late requests in the project's shape.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Node closes a connection whose headers have not all come within the deadline (its own 408);
    // deadlines are checked every second (Node's default is 30 s). The body's deadline is bodyReader's.
    http: { headersTimeout: ctx.config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    // What Node's parser refuses (those deadlines, header overflow, bad lengths) and what the router
    // refuses are answered in the project's shape too.
    clientErrorHandler: clientErrorHandler({ headersTimeoutMs: ctx.config.headersTimeoutMs, maxHeaderBytes: maxHeaderSize }, logger),
    frameworkErrors: (err, request, reply) => sendError(reply, request, toServeError(err, ctx.config.bodyLimitBytes)),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });

  // The codecs read raw bytes themselves: one parser for every content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', bodyReader(ctx.config.bodyLimitBytes, ctx.config.bodyTimeoutMs));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const routeConfig = request.routeOptions.config;
    if (ctx.lifecycle.draining()) {
      reply.header('connection', 'close');
      if (!routeConfig.answersWhileDraining) {
        throw serveError('SB_ERR_SHUTTING_DOWN', 'server is shutting down and accepts no new requests');
      }
    }
    if (routeConfig.protocol) {
      ctx.inflight.enter(request);
      // The response's 'close' comes after a normal finish and also when the client hangs up once
      // its body was read (neither onResponse nor onRequestAbort runs then, and a drain would wait
      // for it until drain_timeout_ms). The scheduler drain still covers the work it left behind.
      reply.raw.once('close', () => ctx.inflight.leave(request));
    }
  });

  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.protocol) ctx.inflight.admit(request);
  });

  app.addHook('onResponse', async (request, reply) => {
    const protocol = request.routeOptions.config.protocol;
    if (!protocol) return;
    const model = request.servedModel;
    ctx.metrics.requests.inc({ model: model?.name ?? 'unknown', version: model?.version ?? '', protocol, code: String(reply.statusCode) });
  });

  const roots = repositoryRoots(ctx.config.models);
  app.setErrorHandler((err, request, reply) => {
    const error = toServeError(err, ctx.config.bodyLimitBytes);
    const message = redactMessage(error.message, roots);
    if (error.status >= 500 && error.code !== 'SB_ERR_QUEUE_FULL' && error.code !== 'SB_ERR_SHUTTING_DOWN') {
      request.log.error({ err, code: error.code }, 'request failed');
    } else if (message !== error.message) {
      // The answer left out paths or a listing: the log has them.
      request.log.info({ err, code: error.code }, 'request refused');
    }
    return sendError(reply, request, error, message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, serveError('SB_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  app.register(metadataRoutes(ctx));
  app.register(inferenceRoutes(ctx));
  if (ctx.config.management) app.register(managementRoutes(ctx));
  app.get('/metrics', { config: { answersWhileDraining: true } }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
  return app;
}
