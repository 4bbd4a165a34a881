// Every codec-level case of the malformed corpus is refused by the decoder alone, with the exact
// code the live server must answer and a message that names the offending field.
import { describe, expect, it } from 'vitest';
import { decodeKserveInfer } from '../../../src/server/codec/kserve.ts';
import { decodeTorchserve } from '../../../src/server/codec/torchserve.ts';
import { ServeError } from '../../../src/server/errors.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { corpusProtocol, loadMalformedCorpus, materializeBody, type MalformedCase } from '../../helpers/malformedCorpus.ts';
import { mlp, mlpAsShipped } from './models.ts';

const corpus = loadMalformedCorpus('mlp');
const codecCases = corpus.filter((c) => c.layer === 'codec');

/** The field or header each class of error must name in its message. */
const FIELD_BY_CODE: Partial<Record<string, RegExp>> = {
  SB_ERR_INVALID_JSON: /body|header/,
  SB_ERR_CONTENT_TYPE: /content-type/,
  SB_ERR_MISSING_INPUT: /inputs.*"input"/,
  SB_ERR_UNEXPECTED_INPUT: /inputs.*"mask"/,
  SB_ERR_DATATYPE: /(inputs\[0\]|body)\.?\w*/,
  SB_ERR_SHAPE_INVALID: /inputs\[0\]\.shape/,
  SB_ERR_BATCH_TOO_LARGE: /(inputs\[0\]\.shape\[0\]|body).*65.*64/,
  SB_ERR_NON_FINITE: /inputs\[0\]\.data element (0|10):/,
  SB_ERR_BASE64: /(body|data).*base64/,
  SB_ERR_BINARY_TRUNCATED: /binary_data_size|Inference-Header-Content-Length/,
};

function decode(c: MalformedCase, model: ModelConfig = mlp): unknown {
  const body = materializeBody(c);
  const ctx = { model, requestId: c.name };
  if (corpusProtocol(c) === 'torchserve') return decodeTorchserve(body, c.headers['content-type'], ctx);
  return decodeKserveInfer(body, c.headers['content-type'], c.headers['inference-header-content-length'], ctx);
}

describe('the malformed corpus for mlp', () => {
  it('has at least 20 cases, codec and http ones, covering the classes the harness relies on', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    const classes = new Set(corpus.map((c) => c.class));
    for (const cls of ['invalid_json', 'wrong_content_type', 'missing_input', 'extra_input', 'wrong_datatype', 'shape_data_mismatch', 'negative_dim', 'absurd_dims', 'non_finite', 'invalid_base64', 'truncated_binary', 'unknown_model', 'unknown_version', 'body_too_large']) {
      expect(classes, cls).toContain(cls);
    }
    expect(corpus.filter((c) => c.layer === 'http').map((c) => c.expectCode).sort()).toEqual([
      'SB_ERR_BODY_TIMEOUT',
      'SB_ERR_BODY_TOO_LARGE',
      'SB_ERR_CONTENT_ENCODING',
      'SB_ERR_INVALID_JSON',
      'SB_ERR_MODEL_NOT_FOUND',
      'SB_ERR_MODEL_NOT_FOUND',
      'SB_ERR_MODEL_NOT_FOUND',
      'SB_ERR_MODEL_NOT_FOUND',
      'SB_ERR_VERSION_NOT_FOUND',
    ]);
    // What a client can get wrong outside the body: its encoding, the model name's length, the body's length.
    for (const cls of ['content_encoding', 'long_model_name', 'length_over_body', 'length_under_body']) expect(classes, cls).toContain(cls);
    expect(corpus.filter((c) => c.contentLength !== undefined).map((c) => c.name).sort()).toEqual(['kserve_content_length_over_body', 'kserve_content_length_under_body']);
  });

  it('materializes repeated bodies to their full size', () => {
    const tooLarge = corpus.find((c) => c.class === 'body_too_large')!;
    expect(materializeBody(tooLarge).length).toBeGreaterThan(2 * 1024 * 1024);
  });

  // Each case must hold whichever preprocess encoding mlp ships with (it only changes TorchServe bodies).
  const matrix = codecCases.flatMap((c) => [[c.name, 'no preprocess', mlp, c] as const, [c.name, 'as shipped', mlpAsShipped, c] as const]);
  it.each(matrix)('refuses %s (mlp %s) with its code and names the field', (_name, _config, model, c) => {
    let thrown: unknown;
    try {
      decode(c, model);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ServeError);
    const error = thrown as ServeError;
    expect(error.code, error.message).toBe(c.expectCode);
    expect(error.status).toBe(c.expectStatus);
    const field = FIELD_BY_CODE[c.expectCode];
    if (field) expect(error.message).toMatch(field);
    // Every message says what was wrong in more than a word.
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('lets the http-level cases through the decoder (only routing, the body limit, the encoding or a lying length refuses them)', () => {
    for (const c of corpus.filter((x) => x.layer === 'http' && x.class !== 'body_too_large' && x.contentLength === undefined)) {
      expect(() => decode(c), c.name).not.toThrow();
    }
  });

  it('sends a whole valid body under a Content-Length too short for it, and a cut one under a length too long', () => {
    for (const c of corpus.filter((x) => x.contentLength !== undefined)) {
      const sent = materializeBody(c).length;
      if (c.contentLength! < sent) {
        expect(() => decode(c), c.name).not.toThrow();
        // What the server reads as the body is the declared prefix: the decoder refuses that with the code expected.
        const prefix = { ...c, body: materializeBody(c).subarray(0, c.contentLength).toString('latin1'), bodyRepeat: undefined };
        expect(() => decode(prefix), c.name).toThrow(expect.objectContaining({ code: c.expectCode }));
      } else {
        expect(c.contentLength, c.name).toBeGreaterThan(sent);
      }
    }
  });
});
