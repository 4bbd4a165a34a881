// Model repository management (KServe/Triton repository extension): index, load with an optional
// serving-settings override, unload. Off switch and bearer token come from the server settings.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseServingOverride } from '../config/resolve.ts';
import { isServeError, serveError } from '../errors.ts';
import type { SettingValue } from '../config/settings.ts';
import { isSafeName } from '../repository/repository.ts';
import type { HttpContext } from './context.ts';

function tokenMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const got = Buffer.from(header ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The override travels as Triton does (`parameters.config`, a JSON string or object) or as `config`. */
function overrideOf(body: unknown): unknown {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null) throw serveError('SB_ERR_BAD_REQUEST', 'load request body must be a JSON object');
  const record = body as Record<string, unknown>;
  const params = record.parameters as Record<string, unknown> | undefined;
  const config = params?.config ?? record.config ?? {};
  if (typeof config !== 'string') return config;
  try {
    return JSON.parse(config);
  } catch (err) {
    throw serveError('SB_ERR_INVALID_JSON', `parameters.config: not valid JSON: ${(err as Error).message}`);
  }
}

function parseJsonBody(request: FastifyRequest): unknown {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw serveError('SB_ERR_INVALID_JSON', `request body: not valid JSON: ${(err as Error).message}`);
  }
}

/** The client's override, checked: a setting it cannot have is the client's mistake (400), not the server's. */
function checkedOverride(data: unknown): Record<string, SettingValue> {
  try {
    return parseServingOverride(data, 'load request config');
  } catch (err) {
    if (isServeError(err)) throw serveError('SB_ERR_BAD_OVERRIDE', err.message);
    throw err;
  }
}

function checkedName(name: string): string {
  if (!isSafeName(name)) throw serveError('SB_ERR_BAD_REQUEST', `model name "${name}" is not a valid repository name (letters, digits, '_', '-', '.')`);
  return name;
}

export function managementRoutes(ctx: HttpContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    const token = ctx.config.managementToken;
    if (token) {
      app.addHook('onRequest', async (request) => {
        if (!tokenMatches(request.headers.authorization, token)) {
          throw serveError('SB_ERR_UNAUTHORIZED', 'management endpoints need "Authorization: Bearer <token>" (management_token or management_token_file)');
        }
      });
    }
    const index = async () => ctx.registry.index();
    app.get('/v2/repository/index', index);
    app.post('/v2/repository/index', index);

    app.post('/v2/repository/models/:name/load', async (request: FastifyRequest<{ Params: { name: string } }>) => {
      const name = checkedName(request.params.name);
      const override = checkedOverride(overrideOf(parseJsonBody(request)));
      const model = await ctx.registry.load(name, override);
      return { name: model.name, version: model.version, state: 'READY', effective_serving: model.settings };
    });
    app.post('/v2/repository/models/:name/unload', async (request: FastifyRequest<{ Params: { name: string } }>) => {
      const name = checkedName(request.params.name);
      await ctx.registry.unload(name);
      return { name, state: 'UNAVAILABLE' };
    });
  };
}
