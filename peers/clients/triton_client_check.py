#!/usr/bin/env python3
"""Drives `servebench serve` with Triton's own Python HTTP client (tritonclient.http), the way
Triton's documentation uses it, and fails on the first thing a Triton server would answer
differently.

Checks: server live/ready, server and model metadata, model config (Triton's field names),
repository index (a management endpoint: start the server with --management true), inference
statistics; mlp and cnn (and pipeline when it is loaded) with JSON tensors and with binary
tensors (Triton's binary tensor extension) in every in/out combination, requested outputs and
the all-outputs default; answers equal a direct onnxruntime run of the same ONNX files (when
the onnxruntime package is installed); async_infer; and one bad request, which must come back
as InferenceServerException (not counted as an error).

Usage: triton_client_check.py [--url 127.0.0.1:18300] [--models DIR] [--async-requests 16]
Exit status 0 only when every check passed; the last line on stdout is a one-line JSON summary.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Relative tolerance of the served answer against a direct onnxruntime run (same CPU kernels;
# batching may change summation order).
RTOL, ATOL = 1e-4, 1e-5


class CheckFailed(Exception):
    pass


class Checker:
    def __init__(self, client, models_dir):
        self.client = client
        self.models_dir = models_dir
        self.requests = 0  # inference requests sent
        self.checks = 0
        self.compared = 0  # answers compared with a direct onnxruntime run
        self.expected_errors = 0
        self.latencies_ms = []
        self._sessions = {}
        try:
            import onnxruntime  # noqa: F401

            self.ort = onnxruntime
        except ImportError:
            self.ort = None

    def check(self, ok, what):
        self.checks += 1
        if not ok:
            raise CheckFailed(what)

    # --- reference -------------------------------------------------------------------------

    def reference(self, model, config, arrays):
        """The model's outputs from a direct onnxruntime run of its ONNX file(s), or None."""
        if self.ort is None:
            return None
        files = [s["model_file"] for s in config["steps"]] if config.get("platform") == "ensemble" else [config["model_file"]]
        version_dir = os.path.join(self.models_dir, model, str(config["version"]))
        sessions = []
        for f in files:
            path = os.path.join(version_dir, f)
            if path not in self._sessions:
                opts = self.ort.SessionOptions()
                opts.intra_op_num_threads = 1
                self._sessions[path] = self.ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
            sessions.append(self._sessions[path])
        # Inputs by position, as the server feeds them; each step's outputs feed the next step's inputs in order.
        feeds = {inp.name: arrays[j] for j, inp in enumerate(sessions[0].get_inputs())}
        for i, s in enumerate(sessions):
            results = s.run(None, feeds)
            if i < len(sessions) - 1:
                feeds = {inp.name: results[j] for j, inp in enumerate(sessions[i + 1].get_inputs())}
        return {o.name: r for o, r in zip(sessions[-1].get_outputs(), results)}

    # --- checks ----------------------------------------------------------------------------

    def server(self):
        c = self.client
        self.check(c.is_server_live(), "is_server_live() is False")
        self.check(c.is_server_ready(), "is_server_ready() is False")
        meta = c.get_server_metadata()
        self.check(isinstance(meta.get("extensions"), list), f"server metadata has no extensions list: {meta}")
        for ext in ("binary_tensor_data", "model_configuration", "statistics"):
            self.check(ext in meta["extensions"], f"server metadata does not list the {ext!r} extension: {meta['extensions']}")
        index = c.get_model_repository_index()
        self.check(isinstance(index, list) and len(index) > 0, f"repository index is empty: {index}")
        return [m["name"] for m in index if m.get("state") == "READY"]

    def model_info(self, model):
        c = self.client
        self.check(c.is_model_ready(model), f"is_model_ready({model!r}) is False")
        meta = c.get_model_metadata(model)
        self.check(meta["name"] == model, f"{model}: metadata name {meta.get('name')!r}")
        self.check(len(meta["inputs"]) >= 1 and len(meta["outputs"]) >= 1, f"{model}: metadata without inputs/outputs: {meta}")
        config = c.get_model_config(model)
        self.check(config["name"] == model, f"{model}: config name {config.get('name')!r}")
        mbs = config["max_batch_size"]
        self.check(isinstance(mbs, int) and mbs >= 0, f"{model}: config max_batch_size {mbs!r}")
        by_name = {t["name"]: t for t in meta["inputs"] + meta["outputs"]}
        for t in config["input"] + config["output"]:
            m = by_name.get(t["name"])
            self.check(m is not None, f"{model}: config tensor {t['name']!r} is not in the metadata")
            self.check(t["data_type"] == "TYPE_" + m["datatype"], f"{model}: {t['name']}: data_type {t.get('data_type')!r} vs metadata datatype {m['datatype']!r}")
            dims = m["shape"][1:] if mbs > 0 else m["shape"]
            self.check(list(t["dims"]) == list(dims), f"{model}: {t['name']}: config dims {t['dims']} vs metadata shape {m['shape']} (max_batch_size {mbs})")
        self.check(isinstance(config.get("instance_group"), list) and config["instance_group"][0]["count"] >= 1, f"{model}: config instance_group {config.get('instance_group')!r}")
        # servebench's own fields must still be there.
        self.check("effective_serving" in config and "manifest_bound" in config, f"{model}: config lost effective_serving/manifest_bound")
        return meta, config

    def make_inputs(self, meta, config, batch, seed):
        rng = np.random.default_rng(seed)
        arrays = []
        for t in meta["inputs"]:
            shape = [batch] + list(t["shape"][1:]) if config["max_batch_size"] > 0 else list(t["shape"])
            dt = t["datatype"]
            if dt == "FP32":
                arrays.append(rng.random(shape, dtype=np.float32))
            elif dt == "UINT8":
                arrays.append(rng.integers(0, 256, size=shape, dtype=np.uint8))
            else:
                raise CheckFailed(f"{meta['name']}: this check has no generator for datatype {dt}")
        return arrays

    def infer_once(self, model, meta, config, arrays, binary_in, binary_out, request_outputs=True):
        inputs = []
        for t, a in zip(meta["inputs"], arrays):
            inp = httpclient.InferInput(t["name"], list(a.shape), t["datatype"])
            inp.set_data_from_numpy(a, binary_data=binary_in)
            inputs.append(inp)
        outputs = [httpclient.InferRequestedOutput(t["name"], binary_data=binary_out) for t in meta["outputs"]] if request_outputs else None
        rid = f"check-{self.requests}"
        started = time.perf_counter()
        result = self.client.infer(model, inputs, request_id=rid, outputs=outputs)
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.requests += 1
        response = result.get_response()
        self.check(response.get("model_name") == model, f"{model}: response model_name {response.get('model_name')!r}")
        self.check(response.get("id") == rid, f"{model}: response id {response.get('id')!r}, sent {rid!r}")
        return result

    def verify(self, model, meta, config, arrays, result, how):
        batch = arrays[0].shape[0] if config["max_batch_size"] > 0 else None
        ref = self.reference(model, config, arrays)
        for t in meta["outputs"]:
            got = result.as_numpy(t["name"])
            self.check(got is not None, f"{model} ({how}): output {t['name']!r} missing from the response")
            want_shape = [batch] + list(t["shape"][1:]) if batch is not None else list(t["shape"])
            self.check(list(got.shape) == want_shape, f"{model} ({how}): output {t['name']} shape {list(got.shape)}, expected {want_shape}")
            self.check(bool(np.all(np.isfinite(got))), f"{model} ({how}): output {t['name']} has non-finite values")
            if ref is not None:
                want = ref[t["name"]]
                if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
                    worst = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))
                    raise CheckFailed(f"{model} ({how}): output {t['name']} differs from a direct onnxruntime run (max abs diff {worst:g})")
                self.checks += 1
                self.compared += 1

    def model(self, model):
        meta, config = self.model_info(model)
        combos = [(False, False), (False, True), (True, False), (True, True)]
        for i, (bin_in, bin_out) in enumerate(combos):
            batch = 1 if i % 2 == 0 else min(3, max(1, config["max_batch_size"]))
            arrays = self.make_inputs(meta, config, batch, seed=100 + i)
            how = f"{'binary' if bin_in else 'JSON'} in, {'binary' if bin_out else 'JSON'} out, batch {batch}"
            self.verify(model, meta, config, arrays, self.infer_once(model, meta, config, arrays, bin_in, bin_out), how)
        # No outputs named: tritonclient asks for all of them in binary (parameters.binary_data_output).
        arrays = self.make_inputs(meta, config, 1, seed=7)
        self.verify(model, meta, config, arrays, self.infer_once(model, meta, config, arrays, True, True, request_outputs=False), "all outputs by default")

    def async_requests(self, model, n):
        meta, config = self.model_info(model)
        pending = []
        for i in range(n):
            arrays = self.make_inputs(meta, config, 1, seed=1000 + i)
            inputs = []
            for t, a in zip(meta["inputs"], arrays):
                inp = httpclient.InferInput(t["name"], list(a.shape), t["datatype"])
                inp.set_data_from_numpy(a, binary_data=True)
                inputs.append(inp)
            outputs = [httpclient.InferRequestedOutput(t["name"], binary_data=True) for t in meta["outputs"]]
            pending.append((arrays, self.client.async_infer(model, inputs, request_id=f"async-{i}", outputs=outputs)))
        for i, (arrays, handle) in enumerate(pending):
            result = handle.get_result()
            self.requests += 1
            self.check(result.get_response().get("id") == f"async-{i}", f"{model}: async answer {i} has id {result.get_response().get('id')!r}")
            self.verify(model, meta, config, arrays, result, f"async_infer #{i}")

    def bad_request(self, model):
        """A wrong shape must come back as InferenceServerException with the server's message."""
        meta, _ = self.model_info(model)
        t = meta["inputs"][0]
        inp = httpclient.InferInput(t["name"], [1, 5], t["datatype"])
        inp.set_data_from_numpy(np.zeros((1, 5), dtype=np.float32), binary_data=True)
        try:
            self.client.infer(model, [inp])
        except InferenceServerException as e:
            self.expected_errors += 1
            self.check(bool(e.message()), f"{model}: InferenceServerException without a message: {e!r}")
            return str(e.message())
        finally:
            self.requests += 1
        raise CheckFailed(f"{model}: a [1,5] input was accepted; expected a 400 answer")

    def statistics(self, models):
        stats = self.client.get_inference_statistics()
        by_name = {s["name"]: s for s in stats["model_stats"]}
        for m in models:
            s = by_name.get(m)
            self.check(s is not None, f"get_inference_statistics(): no entry for {m}")
            inf = s["inference_stats"]
            self.check(inf["success"]["count"] > 0, f"{m}: statistics count no successful request: {inf['success']}")
            self.check(inf["compute_input"]["count"] == inf["compute_infer"]["count"] == inf["compute_output"]["count"], f"{m}: compute counts differ: {inf}")
            self.check(s["execution_count"] > 0 and s["inference_count"] >= s["execution_count"], f"{m}: execution/inference counts {s['execution_count']}/{s['inference_count']}")
        one = self.client.get_inference_statistics(models[0])
        self.check(len(one["model_stats"]) == 1 and one["model_stats"][0]["name"] == models[0], f"get_inference_statistics({models[0]!r}): {one}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="127.0.0.1:18300", help="host:port of servebench serve")
    ap.add_argument("--models", default=os.path.join(REPO, "models"), help="the model repository the server serves (for the onnxruntime comparison)")
    ap.add_argument("--async-requests", type=int, default=16)
    args = ap.parse_args()

    summary = {"url": args.url, "requests": 0, "errors": 0}
    started = time.perf_counter()
    checker = None
    try:
        client = httpclient.InferenceServerClient(url=args.url, verbose=False, concurrency=4, connection_timeout=10.0, network_timeout=30.0)
        checker = Checker(client, args.models)
        ready = checker.server()
        for required in ("mlp", "cnn"):
            checker.check(required in ready, f"model {required} is not READY (ready: {ready}); start the server with --load-models mlp,cnn")
        models = [m for m in ("mlp", "cnn", "pipeline") if m in ready]
        for m in models:
            checker.model(m)
        checker.async_requests("mlp", args.async_requests)
        refused = checker.bad_request("mlp")
        checker.statistics(models)
        client.close()
        summary.update(models=models, refused_bad_request=refused[:120])
    except CheckFailed as e:
        summary["errors"] = 1
        summary["failure"] = str(e)
        print(f"FAILED: {e}", file=sys.stderr)
    except InferenceServerException as e:
        summary["errors"] = 1
        summary["failure"] = f"InferenceServerException: {e}"
        print(f"FAILED: unexpected InferenceServerException: {e}", file=sys.stderr)
    except Exception as e:  # a client crash on a malformed answer is a failure too
        summary["errors"] = 1
        summary["failure"] = f"{type(e).__name__}: {e}"
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
    if checker is not None:
        lat = sorted(checker.latencies_ms)
        summary.update(
            requests=checker.requests,
            checks=checker.checks,
            compared_with_onnxruntime=checker.compared,
            onnxruntime_reference=checker.ort is not None,
            expected_errors=checker.expected_errors,
            sync_p50_ms=round(lat[len(lat) // 2], 3) if lat else None,
        )
    summary["tritonclient"] = _version("tritonclient")
    summary["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(summary))
    return 1 if summary["errors"] else 0


def _version(dist):
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main())
