"""Serve ONE reference ONNX model with the `tritonserver` binary bundled in PyTriton, run DIRECTLY on a
model repository (no PyTriton proxy), so Triton's repository API (load/unload, config override) works.

    .peers/triton/bin/python peers/triton/serve-repository.py --models-dir models --model mlp \
        --repository /tmp/triton-repo --http-port 18000 --grpc-port 18001 --metrics-port 18002 \
        [--config my-config.pbtxt]

It (re)builds <repository>/<model>/ (any previous content of that folder is replaced):
    config.pbtxt     --config copied byte for byte, else just `name: "<model>"`;
                     `backend: "python"` is appended when it names no backend/platform (Triton
                     would otherwise pick the onnxruntime backend for the model.onnx it sees)
    1/model.onnx     symlink to <models-dir>/<model>/1/model.onnx
    1/model.py       copy of peers/triton/model.py (Python backend + onnxruntime on the CPU;
                     it auto-completes inputs/outputs from the ONNX graph)
then exec()s tritonserver with --model-control-mode explicit --load-model <model>: this PID becomes
tritonserver, so SIGTERM/SIGINT reach it directly; it drains in-flight requests and unloads
(~3 s), exit 0.  Caveat (Triton 2.51): once any load has FAILED in this process, shutdown always
waits the full --exit-timeout-secs and exits 1 ("Exit timeout expired"): the failed load leaves a
"live model" behind.  A failed load keeps the previously loaded version serving.
A config sent with POST /v2/repository/models/<model>/load {"parameters": {"config": "<JSON>"}}
replaces config.pbtxt wholesale, so it must say "backend": "python" too; inputs/outputs may be
left out (auto-completed), but given dims must match max_batch_size (model.py checks the rank).
Triton's log goes to stderr; stdout stays empty.  No API restrictions: bind to loopback only.
"""

import argparse
import os
import pathlib
import re
import shutil
import sys
import sysconfig
import tempfile

import pytriton

HERE = pathlib.Path(__file__).resolve().parent
TRITON_DIST = pathlib.Path(pytriton.__file__).parent / "tritonserver"
PYTRITON_LIBS = pathlib.Path(pytriton.__file__).parent.parent / "nvidia_pytriton.libs"
PY_VERSION = f"{sys.version_info[0]}.{sys.version_info[1]}"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models-dir", type=pathlib.Path, default=pathlib.Path("models"))
    p.add_argument("--model", required=True, help="model name: <models-dir>/<model>/1/model.onnx")
    p.add_argument("--repository", type=pathlib.Path, required=True, help="model repository dir")
    p.add_argument("--config", type=pathlib.Path, help="config.pbtxt to use (default: name only)")
    p.add_argument("--host", default="127.0.0.1", help="bind address for HTTP, gRPC and metrics")
    p.add_argument("--http-port", type=int, default=18000)
    p.add_argument("--grpc-port", type=int, default=18001)
    p.add_argument("--metrics-port", type=int, default=18002)
    p.add_argument("--exit-timeout-secs", type=int, default=30, help="Triton drain time on stop")
    p.add_argument("--log-verbose", type=int, default=0, help="Triton --log-verbose level")
    a = p.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", a.model) or a.model in (".", ".."):
        p.error(f"--model {a.model!r}: not a plain model name")
    if not (a.models_dir / a.model / "1" / "model.onnx").is_file():
        p.error(f"no ONNX model at {a.models_dir / a.model / '1' / 'model.onnx'}")
    if a.config is not None and not a.config.is_file():
        p.error(f"--config {a.config}: no such file")
    ports = (a.http_port, a.grpc_port, a.metrics_port)
    if not all(0 < port < 65536 for port in ports) or len(set(ports)) != 3:
        p.error(f"--http-port/--grpc-port/--metrics-port must be 3 distinct ports, got {ports}")
    return a


def build_repository(a: argparse.Namespace) -> None:
    model_dir = a.repository / a.model
    shutil.rmtree(model_dir, ignore_errors=True)
    (model_dir / "1").mkdir(parents=True)
    config = a.config.read_bytes() if a.config else f'name: "{a.model}"\n'.encode()
    if not re.search(rb"(?:^|[\s{])(?:backend|platform)\s*:", re.sub(rb"#[^\n]*", b"", config)):
        config += b'\nbackend: "python"\n'
    (model_dir / "config.pbtxt").write_bytes(config)
    (model_dir / "1" / "model.onnx").symlink_to((a.models_dir / a.model / "1" / "model.onnx").resolve())
    shutil.copyfile(HERE / "model.py", model_dir / "1" / "model.py")


def backends_dir() -> pathlib.Path:
    """PyTriton's backends/ plus the Python-backend stub for THIS interpreter's version (the wheel
    keeps one per Python version aside), assembled once in a shared temp folder, not in the venv."""
    target = pathlib.Path(tempfile.gettempdir()) / (
        f"servebench-triton-backends-{os.getuid()}-{pytriton.__version__}-py{PY_VERSION}")
    if not (target / "python" / "triton_python_backend_stub").is_file():
        staging = pathlib.Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
        shutil.copytree(TRITON_DIST / "backends", staging, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(TRITON_DIST / "python_backend_stubs" / PY_VERSION / "triton_python_backend_stub",
                    staging / "python" / "triton_python_backend_stub")
        try:
            staging.rename(target)  # atomic; a concurrent launch may have won the race
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def environment() -> dict[str, str]:
    """The copied libtriton_python.so loses its $ORIGIN rpath to nvidia_pytriton.libs, so add that;
    and the stub links libpython3.11.so.1.0 by soname: THIS interpreter's LIBDIR must come first
    or Debian's /usr/lib one (another 3.11.x) is embedded and the stub fails to import the venv's
    stdlib ('_thread.RLock' object has no attribute '_recursion_count').  The venv's bin/ first on
    PATH makes the embedded interpreter find the venv (numpy, onnxruntime)."""
    env = dict(os.environ)
    libs = [sysconfig.get_config_var("LIBDIR"), str(PYTRITON_LIBS), env.get("LD_LIBRARY_PATH")]
    env["LD_LIBRARY_PATH"] = ":".join(x for x in libs if x)
    env["PATH"] = f"{pathlib.Path(sys.prefix) / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def exec_tritonserver(args: list[str]) -> None:
    """Becomes tritonserver (same PID: signals reach it directly) with `args`, the backends and
    the environment above."""
    server = TRITON_DIST / "bin" / "tritonserver"
    argv = [
        str(server), *args,
        f"--backend-directory={backends_dir()}",
        f"--cache-directory={TRITON_DIST / 'caches'}",
        "--allow-gpu-metrics=false",  # CPU-only box; avoids NVML probing noise
        "--pinned-memory-pool-byte-size=0",  # no CUDA driver: else a warning at every start
    ]
    sys.stdout.flush()
    os.execve(server, argv, environment())


def main() -> None:
    # peers/triton/tritonserver: Triton as its own command line says, for tools that start it
    # themselves (Model Analyzer's triton_server_path).
    if sys.argv[1:2] == ["--exec-tritonserver"]:
        exec_tritonserver(sys.argv[2:])
    a = parse_args()
    a.repository = a.repository.resolve()
    build_repository(a)
    os.dup2(2, 1)  # Triton logs to stdout; send it to stderr like serve.py does
    exec_tritonserver([
        f"--model-repository={a.repository}",
        "--model-control-mode=explicit", f"--load-model={a.model}",
        f"--http-address={a.host}", f"--http-port={a.http_port}",
        f"--grpc-address={a.host}", f"--grpc-port={a.grpc_port}",
        f"--metrics-address={a.host}", f"--metrics-port={a.metrics_port}",
        f"--exit-timeout-secs={a.exit_timeout_secs}",
        f"--log-verbose={a.log_verbose}",
        # no --http-restricted-api/--grpc-restricted-protocol: repository, statistics, trace,
        # logging and shared-memory APIs are open (bind to loopback only!)
    ])


if __name__ == "__main__":
    main()
