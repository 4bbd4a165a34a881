"""Serve ONE reference ONNX model through a real Triton Inference Server (via PyTriton).

PyTriton starts the `tritonserver` binary bundled in its wheel; Triton loads a Python-backend
proxy model whose stub process forwards each (batched) request over ZeroMQ/shared memory to the
infer callable below, which runs in THIS process with onnxruntime on the CPU.  So clients talk
genuine Triton HTTP/gRPC (KServe v2 / Open Inference Protocol, incl. the binary-tensor extension)
and get Triton's own queueing, dynamic batcher, metrics and error handling.

    .peers/triton/bin/python peers/triton/serve.py --models-dir models --model mlp \
        --http-port 18000 --grpc-port 18001 --metrics-port 18002

Triton's log lines go to stderr.  SIGTERM/SIGINT -> PyTriton stops Triton (SIGINT to tritonserver,
which drains in-flight requests, bounded by --exit-timeout-secs) and cleans its workspace; exit 0.
"""

import argparse
import ctypes
import logging
import os
import pathlib
import shutil
import signal
import sys
import sysconfig
import tempfile
import threading

import numpy as np
import onnxruntime as ort
from pytriton.decorators import batch
from pytriton.model_config import DynamicBatcher, ModelConfig, Tensor
from pytriton.triton import Triton, TritonConfig, TritonSecurityConfig

# ONNX tensor element types used by the reference models -> numpy dtypes (PyTriton maps
# numpy dtypes to Triton datatypes: float32 -> TYPE_FP32 etc.).
ONNX_TO_NP = {
    "tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(double)": np.float64,
    "tensor(uint8)": np.uint8, "tensor(int8)": np.int8, "tensor(int32)": np.int32,
    "tensor(int64)": np.int64, "tensor(bool)": np.bool_,
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models-dir", type=pathlib.Path, default=pathlib.Path("models"))
    p.add_argument("--model", required=True, help="model name: <models-dir>/<model>/1/model.onnx")
    p.add_argument("--host", default="127.0.0.1", help="bind address for HTTP, gRPC and metrics")
    p.add_argument("--http-port", type=int, default=18000)
    p.add_argument("--grpc-port", type=int, default=18001)
    p.add_argument("--metrics-port", type=int, default=18002)
    p.add_argument("--max-batch-size", type=int, default=0, help="0 = batching off")
    p.add_argument("--max-queue-delay-us", type=int, default=0, help="dynamic_batching delay")
    p.add_argument("--preferred-batch-size", type=int, nargs="*", default=None)
    p.add_argument("--instances", type=int, default=1, help="Triton model instances (CPU)")
    p.add_argument("--intra-op-threads", type=int, default=1, help="onnxruntime threads per instance")
    p.add_argument("--exit-timeout-secs", type=int, default=30, help="Triton drain time on stop")
    p.add_argument("--log-verbose", type=int, default=0, help="Triton --log-verbose level")
    p.add_argument("--no-token", action="store_true",
                   help="drop PyTriton's auto access token on the repository/statistics/trace/"
                        "logging/shared-memory APIs (loopback only!)")
    a = p.parse_args()
    if a.max_batch_size <= 0 and (a.max_queue_delay_us or a.preferred_batch_size):
        p.error("--max-queue-delay-us/--preferred-batch-size need --max-batch-size > 0")
    return a


def onnx_version_file(models_dir: pathlib.Path, model: str) -> pathlib.Path:
    path = models_dir / model / "1" / "model.onnx"
    if not path.is_file():
        sys.exit(f"serve.py: no ONNX model at {path}")
    return path


def use_our_libpython() -> None:
    """Make Triton's Python-backend stub embed the SAME libpython as this interpreter.

    The stub binary links `libpython3.11.so.1.0` by soname and would otherwise pick Debian's
    (3.11.2, /usr/lib) while importing this venv's stdlib (pyenv 3.11.7): model load then fails with
    "AttributeError: '_thread.RLock' object has no attribute '_recursion_count'".  PyTriton
    appends its own libs to LD_LIBRARY_PATH, so prepending our LIBDIR here wins."""
    libdir, soname = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")
    if libdir and soname and (pathlib.Path(libdir) / soname).exists():
        old = os.environ.get("LD_LIBRARY_PATH")
        os.environ["LD_LIBRARY_PATH"] = f"{libdir}:{old}" if old else libdir


def triton_log_to_stderr() -> pathlib.Path:
    """A FIFO for Triton's --log-file, pumped to our stderr in 64 KiB chunks.

    Without --log-file PyTriton reads tritonserver's stdout through `sh` UNBUFFERED (1-byte reads,
    a Python callback per byte, and it appends each byte to an ever-growing string).  That is
    harmless at --log-verbose 0 but with --log-verbose 1 it measured ~3-5 req/s with multi-second
    stalls instead of ~200 req/s.  Triton writes to the FIFO directly; this thread copies it out."""
    fifo = pathlib.Path(tempfile.mkdtemp(prefix="serve-triton-")) / "tritonserver.log"
    os.mkfifo(fifo)

    def pump() -> None:
        with open(fifo, "rb", buffering=0) as src:  # blocks until tritonserver opens it
            while chunk := src.read(65536):
                os.write(2, chunk)
        shutil.rmtree(fifo.parent, ignore_errors=True)

    threading.Thread(target=pump, name="triton-log", daemon=True).start()
    return fifo


def adopt_orphans() -> None:
    """PR_SET_CHILD_SUBREAPER: processes orphaned below us (Python-backend stubs whose
    tritonserver has exited) are re-parented to this process instead of init, so
    reap_leftover_stubs() can find them."""
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # 36 = PR_SET_CHILD_SUBREAPER


def reap_leftover_stubs() -> None:
    """When Triton's --exit-timeout-secs expires with work still in flight, tritonserver exits at
    once and leaves the model's triton_python_backend_stub running (it ignores SIGTERM), holding
    an 8 MiB /dev/shm region and Triton's /tmp/folderXXXX copy of the proxy model.  Measured;
    clean it up so repeated benchmark runs start from a clean machine."""
    me = os.getpid()
    for proc in pathlib.Path("/proc").iterdir():
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me and argv[0].endswith(b"/triton_python_backend_stub"):
            logging.warning("killing leftover Python-backend stub pid %s", proc.name)
            os.kill(int(proc.name), signal.SIGKILL)
            os.waitpid(int(proc.name), 0)
            model_copy = pathlib.Path(os.fsdecode(argv[1])).parents[1]  # /tmp/folderXXXX/1/model.py
            if model_copy.name.startswith("folder"):
                shutil.rmtree(model_copy, ignore_errors=True)
    for region in pathlib.Path("/dev/shm").glob(f"pytrtion{me}-*"):  # PyTriton's shm prefix
        region.unlink(missing_ok=True)


def make_session(path: pathlib.Path, threads: int) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # each instance gets its own pool; 2 cores here
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def tensors(args_list, batching: bool) -> list[Tensor]:
    """Triton tensor specs from onnxruntime's NodeArgs.  Symbolic dims ('batch') become -1; with
    batching on, Triton owns the leading batch dim, so it is dropped from the spec."""
    specs = []
    for a in args_list:
        dims = [d if isinstance(d, int) and d >= 0 else -1 for d in a.shape]
        if batching:
            dims = dims[1:]
        specs.append(Tensor(name=a.name, dtype=ONNX_TO_NP[a.type], shape=tuple(dims)))
    return specs


def make_infer(session: ort.InferenceSession):
    out_names = [o.name for o in session.get_outputs()]

    # @batch concatenates the requests Triton handed us (1 without batching, several when the
    # dynamic batcher merged them) into one array per input, and splits the outputs back.
    # session.run releases the GIL, so several instances really run in parallel.
    @batch
    def infer(**inputs: np.ndarray) -> dict[str, np.ndarray]:
        return dict(zip(out_names, session.run(out_names, inputs)))

    return infer


def main() -> int:
    a = parse_args()
    # PyTriton print()s whatever tritonserver and its Python stubs write to stdout/stderr (Triton's
    # own log goes through --log-file below); send that and our logging to stderr: stdout stays clean.
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s serve.py %(levelname)s %(name)s: %(message)s")

    path = onnx_version_file(a.models_dir, a.model)
    use_our_libpython()
    sessions = [make_session(path, a.intra_op_threads) for _ in range(max(1, a.instances))]
    batching = a.max_batch_size > 0
    inputs = tensors(sessions[0].get_inputs(), batching)
    outputs = tensors(sessions[0].get_outputs(), batching)

    model_config = ModelConfig(
        batching=batching,
        max_batch_size=max(a.max_batch_size, 0),
        batcher=DynamicBatcher(max_queue_delay_microseconds=a.max_queue_delay_us,
                               preferred_batch_size=a.preferred_batch_size or None),
    )
    log_fifo = triton_log_to_stderr()
    triton_config = TritonConfig(
        http_address=a.host, http_port=a.http_port,
        grpc_address=a.host, grpc_port=a.grpc_port,
        metrics_address=a.host, metrics_port=a.metrics_port,
        allow_gpu_metrics=False,  # CPU-only box; avoids NVML probing noise
        log_verbose=a.log_verbose,
        log_file=log_fifo,
        exit_timeout_secs=a.exit_timeout_secs,
    )
    # PyTriton >= 0.7 puts the repository (load/unload), statistics, trace, logging and
    # shared-memory APIs behind a random 'triton-access-token' header unless told otherwise.
    security = TritonSecurityConfig(restricted_endpoints=[]) if a.no_token else None

    # PyTriton only handles SIGINT (KeyboardInterrupt inside serve()); map SIGTERM onto it so
    # `kill <pid>` takes the same clean path: stop tritonserver, wait for it, clean workspace.
    signals: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        signals.append(signum)
        if len(signals) == 1:  # a second signal must not interrupt the shutdown itself
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    adopt_orphans()
    try:
        with Triton(config=triton_config, security_config=security) as triton:
            triton.bind(
                model_name=a.model,
                infer_func=[make_infer(s) for s in sessions],  # one callable per Triton instance
                inputs=inputs,
                outputs=outputs,
                config=model_config,
                strict=True,  # check returned dtypes/shapes against the declared outputs
            )
            if not a.no_token:
                logging.info("access token for restricted APIs (header triton-access-token): %s",
                             triton.get_access_token())
            triton.serve()  # blocks; returns after SIGINT/SIGTERM or if Triton/the proxy died
    except KeyboardInterrupt:  # signal before serve() took over (e.g. during bind/model load);
        pass  # leaving the `with` already stopped Triton and cleaned the workspace
    finally:
        reap_leftover_stubs()
        shutil.rmtree(log_fifo.parent, ignore_errors=True)  # if Triton never opened the FIFO
    return 0 if signals else 1  # returning without a signal means Triton died under us


if __name__ == "__main__":
    sys.exit(main())
