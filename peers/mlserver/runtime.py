"""MLServer custom runtime serving one ONNX model with onnxruntime (CPU).

Referenced from model-settings.json as `"implementation": "runtime.OnnxModel"`
(peers/mlserver must be on PYTHONPATH; serve.py sets it). With parallel_workers
> 0 MLServer builds one instance per worker process, so each worker holds its
own InferenceSession; the main process only batches and dispatches.

Settings read from model-settings.json `parameters.extra` (written by serve.py):
  intra_op_threads  ONNX Runtime intra-op threads (default 1, like servebench's own
                    server: N workers x all cores would oversubscribe the CPU)
"""
import time
from typing import Optional

import numpy as np
import onnxruntime as ort
from prometheus_client import REGISTRY, Histogram

from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.errors import InferenceError
from mlserver.types import InferenceRequest, InferenceResponse
from mlserver.utils import get_model_uri

# ONNX element types -> V2 datatypes, for the request's datatype check.
_ORT_TO_V2 = {
    "tensor(float)": "FP32", "tensor(double)": "FP64", "tensor(float16)": "FP16",
    "tensor(int64)": "INT64", "tensor(int32)": "INT32", "tensor(int8)": "INT8",
    "tensor(uint8)": "UINT8", "tensor(bool)": "BOOL",
}

# MLServer 1.7.1 has no batch-size or compute-time metric (only the end-to-end
# model_infer_request_duration summary and queue-length histograms), so the runtime
# adds two. Created in the default registry so they show up with and without
# parallel workers (workers write them through prometheus' multiprocess files).
# Guarded: MLServer re-imports (importlib.reload) this module on every load.
_BATCH_ROWS_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _histogram(name: str, doc: str, buckets=Histogram.DEFAULT_BUCKETS) -> Histogram:
    existing = REGISTRY._names_to_collectors.get(name)  # no public lookup API
    if existing is not None:
        return existing  # type: ignore[return-value]
    return Histogram(name, doc, ["model"], buckets=buckets)


class OnnxModel(MLModel):
    async def load(self) -> bool:
        path = await get_model_uri(self.settings)  # resolves parameters.uri
        extra = (self.settings.parameters.extra if self.settings.parameters else None) or {}
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(extra.get("intra_op_threads", 1))
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No spin-waiting: idle spinning threads would steal CPU from other workers.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        inp = self._session.get_inputs()[0]  # the reference models have one input
        self._input_name = inp.name
        self._input_datatype = _ORT_TO_V2.get(inp.type)
        self._input_dims = list(inp.shape)[1:]  # per-row dims, batch dim first
        self._output_names = [o.name for o in self._session.get_outputs()]
        self._rows = _histogram("servebench_onnx_batch_rows",
                                "rows per onnxruntime run (after adaptive batching)",
                                _BATCH_ROWS_BUCKETS)
        self._run_s = _histogram("servebench_onnx_run_seconds",
                                 "onnxruntime session.run time (compute only)")
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        x = self._decode(payload)
        t0 = time.perf_counter()
        # Synchronous on purpose: a worker process serves one batch at a time, as
        # MLServer's own runtimes do; parallelism comes from parallel_workers.
        outputs = self._session.run(self._output_names, {self._input_name: x})
        self._run_s.labels(self.name).observe(time.perf_counter() - t0)
        self._rows.labels(self.name).observe(x.shape[0])
        return InferenceResponse(
            model_name=self.name,
            model_version=self.version,
            outputs=[NumpyCodec.encode_output(n, y) for n, y in zip(self._output_names, outputs)],
        )

    def _decode(self, payload: InferenceRequest) -> np.ndarray:
        # Client mistakes raise InferenceError (HTTP 400) instead of surfacing as an
        # onnxruntime exception (HTTP 500). Under adaptive batching this runs on the
        # merged batch, so one bad request fails every request batched with it.
        req: Optional[object] = next((i for i in payload.inputs if i.name == self._input_name), None)
        if req is None:
            names = [i.name for i in payload.inputs]
            raise InferenceError(f"input '{self._input_name}' missing (got {names})")
        if self._input_datatype and req.datatype != self._input_datatype:
            raise InferenceError(
                f"input '{self._input_name}': datatype {req.datatype}, model expects {self._input_datatype}")
        try:
            x = NumpyCodec.decode_input(req)  # reshapes flat data to req.shape
        except (ValueError, TypeError) as e:
            raise InferenceError(f"input '{self._input_name}': {e}")
        dims_ok = x.ndim == len(self._input_dims) + 1 and all(
            not isinstance(d, int) or d == s for d, s in zip(self._input_dims, x.shape[1:]))
        if not dims_ok:
            raise InferenceError(
                f"input '{self._input_name}': shape {list(x.shape)}, model expects [-1, "
                + ", ".join(str(d) for d in self._input_dims) + "]")
        return x
