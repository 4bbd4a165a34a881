#!/usr/bin/env python3
r"""Launch a real MLServer serving one servebench reference model (stdlib only).

  python3 peers/mlserver/serve.py --model mlp --http-port 18200 --grpc-port 18201 \
      --metrics-port 18202 --max-batch-size 16 --max-batch-time 0.002 --parallel-workers 2

Writes settings.json and <model>/model-settings.json into --work-dir (wiped first),
then exec()s `<venv>/bin/mlserver start <work-dir>`: the PID that ran this script
becomes MLServer's main process, in the foreground, so a harness can hold it and send
SIGTERM (MLServer stops its workers and exits 0). Listens on 127.0.0.1 only.
Workers ignore SIGTERM and outlive a SIGKILLed main process: SIGKILL them by PID
(`ps --ppid <main>`). To change batching live, edit <work-dir>/<model>/model-settings.json
and POST /v2/repository/models/<model>/unload then /load (a bare /load drops batching).
Venv: .peers/mlserver, from peers/requirements/mlserver.txt.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="model folder name under --models-dir, e.g. mlp")
    p.add_argument("--models-dir", default=os.path.join(REPO, "models"))
    p.add_argument("--version", help="version folder (default: the highest integer)")
    p.add_argument("--http-port", type=int, default=18200)
    p.add_argument("--grpc-port", type=int, default=18201)
    p.add_argument("--metrics-port", type=int, default=18202)
    p.add_argument("--max-batch-size", type=int, default=0, help="adaptive batching: rows per batch (0/1 = off)")
    p.add_argument("--max-batch-time", type=float, default=0.0, help="adaptive batching: max wait, SECONDS (batching needs both > 1 and > 0)")
    p.add_argument("--parallel-workers", type=int, default=1,
                   help="inference worker processes (MLServer default 1; 0 = infer in the main process)")
    p.add_argument("--intra-op-threads", type=int, default=1, help="onnxruntime threads per worker session")
    p.add_argument("--debug", action="store_true", help="MLServer debug: per-request access logs (slower)")
    p.add_argument("--venv", default=os.path.join(REPO, ".peers", "mlserver"))
    p.add_argument("--work-dir", help="settings folder (default: $TMPDIR/servebench-mlserver-<http-port>)")
    a = p.parse_args()

    model_root = os.path.abspath(os.path.join(a.models_dir, a.model))
    version = a.version or max((v for v in os.listdir(model_root) if v.isdigit()), key=int)
    vdir = os.path.join(model_root, version)
    with open(os.path.join(vdir, "config.json")) as f:
        cfg = json.load(f)
    batched = cfg.get("max_batch_size", 0) > 0  # dims then exclude the batch dim

    def tensors(specs):
        return [{"name": t["name"], "datatype": t["datatype"],
                 "shape": ([-1] if batched else []) + list(t["dims"])} for t in specs]

    work = os.path.abspath(a.work_dir or os.path.join(tempfile.gettempdir(), f"servebench-mlserver-{a.http_port}"))
    shutil.rmtree(work, ignore_errors=True)  # stale metrics .db files would leak into /metrics
    os.makedirs(os.path.join(work, a.model))

    settings = {
        "host": "127.0.0.1",  # MLServer defaults to 0.0.0.0 (REST, gRPC and metrics alike)
        "http_port": a.http_port,
        "grpc_port": a.grpc_port,
        "metrics_port": a.metrics_port,
        "parallel_workers": a.parallel_workers,
        "debug": a.debug,  # default True in MLServer: access log line per request
        "metrics_dir": os.path.join(work, ".metrics"),  # prometheus multiprocess files
        "environments_dir": os.path.join(work, ".envs"),  # unused: no environment tarballs
        "load_models_at_startup": True,
        # Nothing reaches out: no tracing collector, no Kafka, no cache.
        "tracing_server": None,
        "kafka_enabled": False,
        "cache_enabled": False,
    }
    model_settings = {
        "name": a.model,
        "implementation": "runtime.OnnxModel",  # peers/mlserver/runtime.py, via PYTHONPATH
        "platform": "onnxruntime",
        # MLServer documents `versions` as framework versions, but V2 metadata clients
        # read it as the model's versions (Triton answers ["1"]): give them that.
        "versions": [version],
        "inputs": tensors(cfg["input"]),  # served by GET /v2/models/<model> (metadata)
        "outputs": tensors(cfg["output"]),
        "max_batch_size": a.max_batch_size,
        "max_batch_time": a.max_batch_time,
        "parameters": {
            "uri": os.path.join(vdir, cfg.get("model_file", "model.onnx")),
            "version": version,
            "extra": {"intra_op_threads": a.intra_op_threads},
        },
    }
    with open(os.path.join(work, "settings.json"), "w") as f:
        json.dump(settings, f, indent=2)
    with open(os.path.join(work, a.model, "model-settings.json"), "w") as f:
        json.dump(model_settings, f, indent=2)

    env = {k: v for k, v in os.environ.items() if not k.startswith("MLSERVER_")}  # MLSERVER_* would fill settings the files omit
    env["PYTHONPATH"] = os.pathsep.join(x for x in (HERE, env.get("PYTHONPATH")) if x)
    env["PYTHONUNBUFFERED"] = "1"
    os.chdir(work)  # pydantic-settings also reads ./.env; keep the repo's cwd out of it
    exe = os.path.join(a.venv, "bin", "mlserver")
    if not os.access(exe, os.X_OK):
        sys.exit(f"serve.py: {exe} missing: python3 -m venv {a.venv} && "
                 f"{a.venv}/bin/pip install -r peers/requirements/mlserver.txt")
    sys.stdout.flush()
    os.execve(exe, [exe, "start", work], env)


if __name__ == "__main__":
    main()
