// Request bodies recorded in files (payload.fixture), for targets whose inputs cannot be generated
// from metadata (TorchServe-style servers without /v2, models that want real images).
//
// Formats, chosen by what payload.fixture names (relative paths resolve against baseDir):
//   a folder       every regular file in it (sorted by name, dot-files skipped) is one request body;
//   a file         one request body;
//     content-type by extension: .json -> application/json, .txt/.b64 -> text/plain (base64),
//     anything else -> application/octet-stream; sent to the target's infer path.
//   a .jsonl file  one request per line: {"body": "text"} | {"bodyBase64": "..."} | {"json": <any>},
//                  with optional "headers" (object), "path" and "method" ("POST" | "GET");
//                  blank lines and lines starting with // are skipped. Needed for KServe binary
//                  bodies, which must carry their Inference-Header-Content-Length header.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { RequestTemplate } from './types.ts';
import { ServebenchError } from '../contract/errors.ts';

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.txt': 'text/plain', '.b64': 'text/plain' };

function bodyFile(file: string, path: string): RequestTemplate {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' },
    body: readFileSync(file),
    requestClass: 'valid',
  };
}

interface JsonlRequest {
  body?: string;
  bodyBase64?: string;
  json?: unknown;
  headers?: Record<string, string>;
  path?: string;
  method?: 'POST' | 'GET';
}

function jsonlRequests(file: string, defaultPath: string): RequestTemplate[] {
  const out: RequestTemplate[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const text = line.trim();
      if (text === '' || text.startsWith('//')) return;
      const where = `${file}:${i + 1}`;
      let r: JsonlRequest;
      try {
        r = JSON.parse(text) as JsonlRequest;
      } catch (err) {
        throw new ServebenchError('SB_ERR_PAYLOAD_FIXTURE', `${where}: not a JSON object (${(err as Error).message})`, { cause: err });
      }
      const bodies = [r.body, r.bodyBase64, r.json].filter((b) => b !== undefined).length;
      if (bodies !== 1) throw new ServebenchError('SB_ERR_PAYLOAD_FIXTURE', `${where}: needs exactly one of "body", "bodyBase64", "json"`);
      if (r.method !== undefined && r.method !== 'POST' && r.method !== 'GET') throw new ServebenchError('SB_ERR_PAYLOAD_FIXTURE', `${where}: method must be POST or GET, got ${JSON.stringify(r.method)}`);
      if (r.headers !== undefined && (typeof r.headers !== 'object' || Object.values(r.headers).some((v) => typeof v !== 'string'))) {
        throw new ServebenchError('SB_ERR_PAYLOAD_FIXTURE', `${where}: headers must be an object of strings`);
      }
      const body = r.json !== undefined ? Buffer.from(JSON.stringify(r.json), 'utf8') : r.bodyBase64 !== undefined ? Buffer.from(r.bodyBase64, 'base64') : Buffer.from(r.body!, 'utf8');
      const headers = { ...(r.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(r.headers ?? {}) };
      out.push({ method: r.method ?? 'POST', path: r.path ?? defaultPath, headers, body, requestClass: 'valid' });
    });
  return out;
}

/** The fixture's requests, in a stable order; refuses an empty or unreadable fixture. */
export function loadFixtureRequests(fixture: string, defaultPath: string, baseDir = process.cwd()): RequestTemplate[] {
  const path = resolve(baseDir, fixture);
  let requests: RequestTemplate[];
  try {
    if (statSync(path).isDirectory()) {
      requests = readdirSync(path)
        .filter((name) => !name.startsWith('.'))
        .sort()
        .map((name) => join(path, name))
        .filter((file) => statSync(file).isFile())
        .map((file) => bodyFile(file, defaultPath));
    } else if (extname(path).toLowerCase() === '.jsonl') {
      requests = jsonlRequests(path, defaultPath);
    } else {
      requests = [bodyFile(path, defaultPath)];
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'SB_ERR_PAYLOAD_FIXTURE') throw err;
    throw new ServebenchError('SB_ERR_PAYLOAD_FIXTURE', `payload.fixture ${fixture} (${path}): ${(err as Error).message}`, { cause: err });
  }
  if (requests.length === 0) throw new ServebenchError('SB_ERR_PAYLOAD_FIXTURE', `payload.fixture ${fixture} (${path}): no request bodies found`);
  return requests;
}
