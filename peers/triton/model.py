"""Triton Python-backend model: runs the ONNX file `model.onnx` next to this file with onnxruntime
on the CPU.  serve-repository.py copies it into <repository>/<model>/1/ beside the ONNX file.

config.pbtxt may leave out the inputs and outputs: auto_complete_config() fills them in from the
ONNX graph (symbolic dims -> -1; with max_batch_size > 0 the leading batch dim is Triton's, so it
is dropped).  Optional parameter:

    parameters { key: "intra_op_thread_count" value: { string_value: "1" } }   # default 1

Each Triton instance (instance_group count) gets its own onnxruntime session.  With the dynamic
batcher Triton hands execute() several requests, each with its own batch dim; they are run as
one concatenated batch and the outputs split back, one response per request.  Failures become
error responses (pb_utils.TritonError), never a crashed stub.
"""

import json
import pathlib

import numpy as np
import onnxruntime as ort
import triton_python_backend_utils as pb_utils

ONNX_TO_TRITON = {
    "tensor(float)": "TYPE_FP32", "tensor(float16)": "TYPE_FP16", "tensor(double)": "TYPE_FP64",
    "tensor(uint8)": "TYPE_UINT8", "tensor(int8)": "TYPE_INT8", "tensor(int16)": "TYPE_INT16",
    "tensor(int32)": "TYPE_INT32", "tensor(int64)": "TYPE_INT64", "tensor(bool)": "TYPE_BOOL",
}


def onnx_path(version_dir: pathlib.Path | None = None) -> pathlib.Path:
    return (version_dir or pathlib.Path(__file__).resolve().parent) / "model.onnx"


def new_session(path: pathlib.Path, intra_op_threads: int = 1) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = intra_op_threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def tensor_specs(node_args, batching: bool) -> list[dict]:
    specs = []
    for a in node_args:
        if a.type not in ONNX_TO_TRITON:
            raise ValueError(f"ONNX tensor '{a.name}' has unsupported type {a.type}")
        dims = [d if isinstance(d, int) and d >= 0 else -1 for d in a.shape]
        specs.append({"name": a.name, "data_type": ONNX_TO_TRITON[a.type],
                      "dims": dims[1:] if batching else dims})
    return specs


class TritonPythonModel:
    @staticmethod
    def auto_complete_config(auto_complete_model_config):
        config = auto_complete_model_config.as_dict()
        session = new_session(onnx_path())
        batching = int(config.get("max_batch_size", 0)) > 0
        for kind, node_args, add in (
                ("input", session.get_inputs(), auto_complete_model_config.add_input),
                ("output", session.get_outputs(), auto_complete_model_config.add_output)):
            specs = tensor_specs(node_args, batching)
            if not config.get(kind):
                for spec in specs:
                    add(spec)
                continue
            # Given tensors: only catch the classic slip of changing max_batch_size without
            # adding/dropping the batch dim (it would only fail later, on every request).
            ranks = {spec["name"]: len(spec["dims"]) for spec in specs}
            for tensor in config[kind]:
                want = ranks.get(tensor["name"])
                if want is not None and tensor.get("dims") and len(tensor["dims"]) != want:
                    raise ValueError(
                        f"{kind} '{tensor['name']}': dims {list(tensor['dims'])} should have "
                        f"{want} entries with max_batch_size {config.get('max_batch_size', 0)} "
                        "(the batch dim is implicit when max_batch_size > 0)")
        return auto_complete_model_config

    def initialize(self, args):
        config = json.loads(args["model_config"])
        version_dir = pathlib.Path(args["model_repository"]) / args["model_version"]
        param = config.get("parameters", {}).get("intra_op_thread_count", {})
        threads = int(param.get("string_value") or 1)
        self.session = new_session(onnx_path(version_dir), threads)
        self.batching = int(config.get("max_batch_size", 0)) > 0
        self.inputs = [i["name"] for i in config["input"]]
        self.outputs = [(o["name"], pb_utils.triton_string_to_numpy(o["data_type"]))
                        for o in config["output"]]

    def feeds(self, request) -> dict[str, np.ndarray]:
        feeds = {}
        for name in self.inputs:
            tensor = pb_utils.get_input_tensor_by_name(request, name)
            if tensor is None:
                raise ValueError(f"missing input '{name}'")
            feeds[name] = tensor.as_numpy()
        return feeds

    def run(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        names = [name for name, _ in self.outputs]
        return [out.astype(dtype, copy=False)
                for out, (_, dtype) in zip(self.session.run(names, feeds), self.outputs)]

    def response(self, outs: list[np.ndarray]):
        return pb_utils.InferenceResponse(output_tensors=[
            pb_utils.Tensor(name, np.ascontiguousarray(out))
            for out, (name, _) in zip(outs, self.outputs)])

    @staticmethod
    def error(e: Exception):
        return pb_utils.InferenceResponse(error=pb_utils.TritonError(f"{type(e).__name__}: {e}"))

    def execute(self, requests):
        responses = [None] * len(requests)
        good = []  # (index, feeds) of the requests whose inputs could be read
        for i, request in enumerate(requests):
            try:
                good.append((i, self.feeds(request)))
            except Exception as e:  # noqa: BLE001 - becomes this request's error response
                responses[i] = self.error(e)

        if self.batching and len(good) > 1:
            try:  # one onnxruntime call for the whole dynamic batch
                sizes = [feeds[self.inputs[0]].shape[0] for _, feeds in good]
                merged = {n: np.concatenate([feeds[n] for _, feeds in good]) for n in self.inputs}
                outs = self.run(merged)
                if any(out.shape[:1] != (sum(sizes),) for out in outs):
                    raise ValueError("outputs do not carry the batch dim")
                cuts = np.cumsum(sizes)[:-1]
                for k, parts in enumerate(zip(*(np.split(out, cuts) for out in outs))):
                    responses[good[k][0]] = self.response(list(parts))
                return responses
            except Exception:  # noqa: BLE001 - e.g. mismatched shapes: run one by one below
                pass

        for i, feeds in good:
            try:
                responses[i] = self.response(self.run(feeds))
            except Exception as e:  # noqa: BLE001
                responses[i] = self.error(e)
        return responses
