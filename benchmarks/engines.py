"""Which engines can run here and their versions.

An engine is a name in ENGINES; the peers are optional and simply left out when not installed. tinygrad_lr and torch
run the same PyTorch-style training loop (nn.Linear, nn.MSELoss, optim.SGD/Adam) in W1 and W4.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from typing import Any

ENGINES = ("tinygrad_lr", "tinygrad_lr.compile", "numpy", "torch", "mygrad", "autograd", "micrograd")
# torch.compile is opt-in (`--engines ...,torch.compile`): its first call compiles C++ with inductor, 1-2 minutes
# per case on the development machine
OPTIONAL_ENGINES = ("torch.compile",)
BASELINE = "torch"  # ratios are to torch in the same run (to numpy when torch is missing)

_DISTRIBUTIONS = {"tinygrad_lr": "tinygrad_lr", "numpy": "numpy", "torch": "torch", "mygrad": "mygrad",
                  "autograd": "autograd", "micrograd": "micrograd"}


def package(engine: str) -> str:
    """The package an engine runs on: `tinygrad_lr.compile` (the step compiled with tinygrad_lr.compile) on
    tinygrad_lr, `torch.compile` on torch."""
    return engine.split(".")[0]


def is_available(engine: str) -> bool:
    """True when the engine's package can be imported here."""
    return importlib.util.find_spec(package(engine)) is not None


def version(engine: str) -> str:
    engine = package(engine)
    try:
        return importlib.metadata.version(_DISTRIBUTIONS[engine])
    except importlib.metadata.PackageNotFoundError:
        module = importlib.import_module(engine)
        return str(getattr(module, "__version__", "?"))


def torch_style_library(engine: str) -> Any:
    """The module to drive with PyTorch-style code: `torch` itself or `tinygrad_lr`."""
    if package(engine) not in ("torch", "tinygrad_lr"):
        raise ValueError(f"{engine} has no PyTorch-style API; expected torch or tinygrad_lr")
    return importlib.import_module(package(engine))


def limit_threads(threads: int, *engines: str) -> None:
    """Run NumPy's BLAS (and torch's intra-op pool, if torch is among `engines`) with `threads` threads here."""
    if "torch" in map(package, engines) and is_available("torch"):
        import torch

        torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("note: threadpoolctl is not installed; NumPy's BLAS keeps its own thread count", file=sys.stderr)
        return
    import numpy  # noqa: F401  (load the BLAS before limiting it)

    threadpool_limits(limits=threads, user_api="blas")
