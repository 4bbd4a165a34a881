"""Stand-in for `torch` -- this is NOT PyTorch.

TorchServe 0.12.0's Python worker imports torch at module level in exactly one place on
its path: ts/protocol/otf_message_handler.py, which uses it only to serialise a handler
output that is a torch.Tensor (`isinstance(val, torch.Tensor)` then `torch.save`).
Our ONNX handler returns JSON-able objects, so neither is ever reached. The PyPI Linux
torch wheel is ~540 MB plus several GB of nvidia-* CUDA wheels, and a CPU-only build is
not on PyPI. Upstream: pytorch/serve issue #1296 (open), PR #3351 (unmerged).

serve.sh puts this directory on PYTHONPATH only when the venv has no real torch, so
installing real torch into the venv makes this file unused.
"""

__version__ = "0.0.0+servebench.shim"


class Tensor:  # nothing is ever an instance of this, so the tensor branch is never taken
    pass


def save(*_args, **_kwargs):
    raise RuntimeError("servebench torch shim: torch.save is unavailable (handler returned a Tensor?)")
