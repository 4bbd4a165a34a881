// The malformed-request corpus (fixtures/malformed/<model>.json): each case is a self-contained
// HTTP request with the status and SB_ERR_* code the server must answer. Used by the server's codec
// tests, the live-server integration test and the load generator's malformed mix. A case with
// `contentLength` lies about its body's length and is sent over a raw socket.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ServebenchError } from '../contract/errors.ts';

/** A body too big to store: `prefix + chunk × times + suffix`. */
export interface BodyRepeat {
  prefix?: string;
  chunk: string;
  times: number;
  suffix?: string;
}

export interface MalformedCase {
  name: string;
  /** What is wrong, e.g. invalid_json, negative_dim, body_too_large. */
  class: string;
  /** `codec`: decoding alone must refuse it; `http`: only the server can (routing, body limit). */
  layer: 'codec' | 'http';
  method: 'POST';
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Exactly one of body, bodyBase64, bodyRepeat: the bytes sent. */
  body?: string;
  bodyBase64?: string;
  bodyRepeat?: BodyRepeat;
  /** A 4xx: malformed input is never the server's fault. */
  expectStatus: number;
  /** The embedded server's SB_ERR_* code (test/load checks it against the server's own status table). */
  expectCode: string;
  /**
   * The Content-Length to declare instead of the body's true length (a `layer: http` case only).
   * Larger: the client sends the body and waits; smaller: the rest of the body follows as if it
   * were the next request. No HTTP client sends such a request, so it goes over a raw socket, and
   * a server may refuse it by closing the connection instead of answering, if it does so within
   * the client's request timeout.
   */
  contentLength?: number;
  /** What a runner must know to get the expected answer (e.g. the body limit a case assumes). */
  note?: string;
}

export type CorpusProtocol = 'kserve' | 'torchserve';

export const MALFORMED_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/malformed/', import.meta.url));

function fail(where: string, message: string): never {
  throw new ServebenchError('SB_ERR_MALFORMED_CORPUS', `malformed corpus ${where}: ${message}`);
}

/** The protocol a case speaks, by its path. */
export function corpusProtocolOf(c: Pick<MalformedCase, 'path'>): 'kserve-v2' | 'torchserve' {
  return c.path.startsWith('/predictions/') ? 'torchserve' : 'kserve-v2';
}

export function corpusFile(model: string, dir = MALFORMED_FIXTURES_DIR): string {
  return `${dir.endsWith('/') ? dir : `${dir}/`}${model}.json`;
}

export function hasMalformedCorpus(model: string, dir = MALFORMED_FIXTURES_DIR): boolean {
  return existsSync(corpusFile(model, dir));
}

/** Reads and checks the corpus for one model, so a broken fixture fails loudly rather than testing nothing. */
export function loadMalformedCorpus(model: string, dir = MALFORMED_FIXTURES_DIR): MalformedCase[] {
  const file = corpusFile(model, dir);
  const cases = JSON.parse(readFileSync(file, 'utf8')) as MalformedCase[];
  if (!Array.isArray(cases)) fail(file, 'expected a JSON array of cases');
  const names = new Set<string>();
  for (const c of cases) {
    const where = `${file} case ${JSON.stringify(c?.name)}`;
    if (typeof c.name !== 'string' || names.has(c.name)) fail(where, 'needs a unique name');
    names.add(c.name);
    if (typeof c.class !== 'string' || c.class === '' || c.class === 'valid') fail(where, 'needs a class name (not "valid")');
    if (c.layer !== 'codec' && c.layer !== 'http') fail(where, 'layer must be codec or http');
    if (c.method !== 'POST' || typeof c.path !== 'string' || typeof c.headers !== 'object') fail(where, 'needs method POST, path and headers');
    const bodies = [c.body, c.bodyBase64, c.bodyRepeat].filter((b) => b !== undefined).length;
    if (bodies !== 1) fail(where, 'needs exactly one of body, bodyBase64, bodyRepeat');
    if (!Number.isInteger(c.expectStatus) || c.expectStatus < 400 || c.expectStatus > 499) fail(where, `expectStatus must be a 4xx, got ${c.expectStatus}`);
    if (typeof c.expectCode !== 'string' || !/^SB_ERR_[A-Z0-9_]+$/.test(c.expectCode)) fail(where, `expectCode must be an SB_ERR_* code, got ${JSON.stringify(c.expectCode)}`);
    if (c.contentLength !== undefined) checkContentLength(c, where);
  }
  return cases;
}

function checkContentLength(c: MalformedCase, where: string): void {
  if (!Number.isSafeInteger(c.contentLength) || c.contentLength! < 0) fail(where, `contentLength must be a byte count, got ${JSON.stringify(c.contentLength)}`);
  if (c.contentLength === materializeBody(c).length) fail(where, `contentLength ${c.contentLength} is the body's true length: leave it out`);
  if (c.layer !== 'http') fail(where, 'a case with contentLength is refused by the server, not the decoder: layer must be http');
  if (Object.keys(c.headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
    fail(where, 'contentLength declares the length: headers must not name content-length or transfer-encoding');
  }
}

/** The classes whose cases lie about their length: a server may refuse those by closing the connection. */
export function lengthLieClasses(cases: readonly MalformedCase[]): Set<string> {
  return new Set(cases.filter((c) => c.contentLength !== undefined).map((c) => c.class));
}

/** The model the corpus was written for; the malformed mix aims its cases at the scenario's model. */
export const CORPUS_MODEL = 'mlp';

/** The corpus cases in one protocol: a KServe case sent to TorchServe tests its router, not its decoder. */
export function corpusCasesFor(protocol: string): MalformedCase[] {
  return loadMalformedCorpus(CORPUS_MODEL).filter((c) => corpusProtocolOf(c) === protocol);
}

/** The exact bytes to send. */
export function materializeBody(c: MalformedCase): Buffer {
  if (c.bodyBase64 !== undefined) return Buffer.from(c.bodyBase64, 'base64');
  if (c.bodyRepeat !== undefined) {
    const { prefix = '', chunk, times, suffix = '' } = c.bodyRepeat;
    return Buffer.from(prefix + chunk.repeat(times) + suffix, 'utf8');
  }
  return Buffer.from(c.body ?? '', 'utf8');
}

/** Which decoder a codec-level case is for, from its path. */
export function corpusProtocol(c: MalformedCase): CorpusProtocol {
  if (/^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/infer$/.test(c.path)) return 'kserve';
  if (c.path.startsWith('/predictions/')) return 'torchserve';
  throw new ServebenchError('SB_ERR_MALFORMED_CORPUS', `malformed corpus case ${c.name}: no protocol for path ${c.path}`);
}
