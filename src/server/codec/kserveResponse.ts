// KServe v2 response encoding: a JSON body, or Triton's binary extension (JSON header + raw
// bytes) when the client asked for some outputs as binary.
import { serveError } from '../errors.ts';
import type { InferResult } from '../inference.ts';
import { encodeBinaryBody, tensorBytes } from './binaryExtension.ts';
import { toJsonValues } from './jsonData.ts';
import type { Tensor } from './tensor.ts';

export interface KserveEncodeContext {
  modelName: string;
  modelVersion: string;
  /** The request's `id`, echoed when it had one. */
  clientId?: string;
  binaryOutputs: Set<string>;
  /** Output names in the order the client listed them; all result outputs when omitted. */
  requestedOutputs?: string[];
}

interface OutputHeader {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: { binary_data_size: number };
  data?: (number | boolean | string)[];
}

export function encodeKserveInfer(result: InferResult, ctx: KserveEncodeContext): { body: Buffer | string; headers: Record<string, string> } {
  const byName = new Map(result.outputs.map((t) => [t.name, t]));
  const names = ctx.requestedOutputs ?? result.outputs.map((t) => t.name);
  const chunks: Uint8Array[] = [];
  const outputs: OutputHeader[] = names.map((name) => {
    const tensor: Tensor | undefined = byName.get(name);
    // The decoder only lets known outputs through, so a gap here is a server bug, not a client error.
    if (tensor === undefined) throw serveError('SB_ERR_INTERNAL', `output "${name}" is missing from the inference result`);
    const head = { name, datatype: tensor.datatype, shape: tensor.shape };
    if (!ctx.binaryOutputs.has(name)) return { ...head, data: toJsonValues(tensor) };
    const bytes = tensorBytes(tensor.data);
    chunks.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.byteLength } };
  });
  const response = {
    model_name: ctx.modelName,
    model_version: ctx.modelVersion,
    ...(ctx.clientId === undefined ? {} : { id: ctx.clientId }),
    outputs,
  };
  if (chunks.length > 0) return encodeBinaryBody(response, chunks);
  return { body: JSON.stringify(response), headers: { 'content-type': 'application/json' } };
}
