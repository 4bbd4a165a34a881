"""TorchServe handler for servebench's reference ONNX models (mlp, cnn), run with onnxruntime.

A plain module (no BaseHandler, which imports torch): TorchServe calls `handle(data, context)`
once with data=None to initialise, then once per batch that its frontend assembled
(batch_size / max_batch_delay). Everything about the model comes from the config.json packed
into the .mar as an extra file, the same file servebench's own server reads.

Request body (TorchServe hands the worker the body as the "body" parameter; the worker has
already json-decoded application/json and utf-8-decoded text/*):
  application/json          [numbers, flat or nested] | "base64" | {"data": ...} | {"instances": [...]}
  text/plain                base64 of the raw bytes
  application/octet-stream  raw bytes (also any other content type)
Numbers and bytes are `preprocess.encoding` values (uint8: 0..255, scaled by scale/mean/std;
float32: little-endian). A body may hold several samples (a multiple of one sample's size).
Answer per request: top-k [{label, index, probability}] (a list of those for several samples),
or logits when the config has no postprocess. Bad input answers 400 for that request alone
(context.set_response_status per batch index); the rest of the batch still runs.
"""
import base64
import binascii
import json
import logging
import math
import os
import time

import numpy as np
import onnxruntime as ort

logger = logging.getLogger(__name__)


class _BadInput(ValueError):
    pass


class OnnxClassifier:
    def __init__(self):
        self.initialized = False

    def initialize(self, context):
        model_dir = context.system_properties["model_dir"]
        with open(os.path.join(model_dir, "config.json")) as f:
            cfg = json.load(f)
        self.name = cfg["name"]
        spec = cfg["input"][0]
        self.input_name, self.dims = spec["name"], list(spec["dims"])
        self.per_sample = math.prod(self.dims)
        self.output_name = cfg["output"][0]["name"]
        self.max_batch = int(cfg.get("max_batch_size", 0))
        pre = cfg.get("preprocess") or {}
        self.encoding = pre.get("encoding", "float32")
        self.scale = float(pre.get("scale", 1.0))
        self.mean = float(pre.get("mean", 0.0))
        self.std = float(pre.get("std", 1.0))
        self.post = cfg.get("postprocess")
        # Same session settings as servebench's own workers: full graph optimisation, one
        # intra-op thread without spinning (workers, not threads, give parallelism).
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = int(os.environ.get("SB_ORT_INTRA_OP_THREADS", "1"))
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model_file = os.path.join(model_dir, cfg.get("model_file", "model.onnx"))
        self.session = ort.InferenceSession(model_file, opts, providers=["CPUExecutionProvider"])
        self.initialized = True
        logger.info("loaded %s: input %s %s, encoding %s", self.name, self.input_name, self.dims, self.encoding)

    # ---- decoding ----------------------------------------------------------------------
    def _from_bytes(self, raw, where):
        if self.encoding == "float32":
            if len(raw) % 4:
                raise _BadInput(f"{where}: {len(raw)} bytes is not a whole number of float32 values")
            return np.frombuffer(raw, dtype="<f4").astype(np.float32)
        return np.frombuffer(raw, dtype=np.uint8)

    def _from_base64(self, text, where):
        try:
            raw = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as e:
            raise _BadInput(f"{where}: invalid base64 ({e})") from None
        return self._from_bytes(raw, where)

    def _from_numbers(self, values, where):
        try:
            arr = np.asarray(values).ravel()  # ragged nesting raises here
        except ValueError:
            raise _BadInput(f"{where}: ragged nested arrays") from None
        # Strings, null, objects or all-booleans give a non-numeric dtype (numpy, unlike a
        # per-element check, lets a boolean mixed into numbers through as 0/1).
        if arr.dtype.kind not in "iuf":
            raise _BadInput(f"{where}: expected only numbers")
        arr = arr.astype(np.float64)
        if self.encoding == "uint8":
            if not np.all((arr >= 0) & (arr <= 255) & (arr == np.floor(arr))):
                raise _BadInput(f"{where}: expected integers in [0, 255] (preprocess.encoding uint8)")
        elif not np.all(np.isfinite(arr)):
            raise _BadInput(f"{where}: expected finite numbers")
        return arr

    def _decode(self, request, context, idx):
        value = request.get("body")
        if value is None:
            value = request.get("data")
        ctype = ""
        try:  # the worker records each parameter's content type
            ctype = ((context.get_request_header(idx, "body") or {}).get("content-type") or "").lower()
        except Exception:  # pylint: disable=broad-except
            pass
        if value is None or (isinstance(value, (bytes, bytearray, str, list)) and len(value) == 0):
            raise _BadInput("body: empty")
        if isinstance(value, (bytes, bytearray)) and ctype.startswith("application/json"):
            # The worker json-decodes only a bare "application/json" (not "...; charset=utf-8")
            # and hands over as bytes what it could not decode.
            try:
                value = json.loads(bytes(value).decode("utf-8"))
            except ValueError:  # includes UnicodeDecodeError
                raise _BadInput("body: invalid JSON") from None
        if isinstance(value, (bytes, bytearray)):
            if ctype.startswith("text/"):  # the worker could not utf-8 decode it
                raise _BadInput("body: text is not valid UTF-8")
            values = self._from_bytes(bytes(value), "body (raw bytes)")
        elif isinstance(value, str):  # text/plain body, or a JSON string: base64
            values = self._from_base64(value, "body")
        elif isinstance(value, list):
            values = self._from_numbers(value, "body")
        elif isinstance(value, dict) and isinstance(value.get("data"), str):
            values = self._from_base64(value["data"], "data")
        elif isinstance(value, dict) and isinstance(value.get("data"), list):
            values = self._from_numbers(value["data"], "data")
        elif isinstance(value, dict) and isinstance(value.get("instances"), list) and value["instances"]:
            values = self._from_numbers(value["instances"], "instances")
        else:
            raise _BadInput('body: expected a JSON array of numbers, a base64 string, {"data": ...} or {"instances": [...]}')
        count = values.size
        if count == 0 or count % self.per_sample:
            raise _BadInput(f"body: expected a multiple of {self.per_sample} values ({self.input_name} {self.dims}), got {count}")
        n = count // self.per_sample
        if self.max_batch and n > self.max_batch:
            raise _BadInput(f"body: {n} samples exceed max_batch_size {self.max_batch}")
        x = (values.astype(np.float32) * np.float32(self.scale) - np.float32(self.mean)) / np.float32(self.std)
        return x.reshape([n] + self.dims)

    # ---- answering ---------------------------------------------------------------------
    def _answer_row(self, logits):
        post = self.post
        if not post or (not post.get("softmax") and post.get("top_k") is None):
            return logits.tolist()
        scores = logits.astype(np.float64)
        if post.get("softmax"):
            e = np.exp(scores - scores.max())
            scores = e / e.sum()
        if post.get("top_k") is None:
            return scores.tolist()
        labels = post.get("labels") or []
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[: int(post["top_k"])]
        return [{"label": labels[i] if i < len(labels) else str(i), "index": i, "probability": float(scores[i])} for i in order]

    def handle(self, data, context):
        start = time.perf_counter()
        answers = [None] * len(data)
        inputs, owners = [], []  # decoded arrays, and (request index, sample count) for each
        for idx, request in enumerate(data):
            context.set_response_content_type(idx, "application/json")
            try:
                x = self._decode(request, context, idx)
            except _BadInput as e:
                context.set_response_status(400, str(e), idx)
                answers[idx] = {"code": 400, "type": "BadRequest", "message": str(e)}
                continue
            inputs.append(x)
            owners.append((idx, x.shape[0]))
        if inputs:
            # One onnxruntime run for every valid sample of the batch TorchServe handed us.
            batch = inputs[0] if len(inputs) == 1 else np.concatenate(inputs)
            logits = self.session.run([self.output_name], {self.input_name: batch})[0]
            row = 0
            for idx, n in owners:
                rows = [self._answer_row(logits[r]) for r in range(row, row + n)]
                answers[idx] = rows[0] if n == 1 else rows
                row += n
        # HandlerTime is what TorchServe's BaseHandler reports (declared in its metrics.yaml).
        # TorchServe has no batch-size metric: these two counters (registered through
        # model_metrics_auto_detect) give mean batch = d(HandlerBatchRequests) / d(HandlerBatches).
        metrics = context.metrics
        metrics.add_time("HandlerTime", round((time.perf_counter() - start) * 1000, 2), None, "ms")
        metrics.add_counter("HandlerBatches", 1)
        metrics.add_counter("HandlerBatchRequests", len(data))
        return answers


_service = OnnxClassifier()


def handle(data, context):
    if not _service.initialized:
        _service.initialize(context)
    if data is None:  # TorchServe's load-time call
        return None
    return _service.handle(data, context)
