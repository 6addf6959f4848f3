"""Which engines can run here, their versions, and how tinygrad_lr is driven.

An engine is a name in ENGINES; the peers are optional and simply left out when not installed. tinygrad_lr runs the
PyTorch-style loop (nn.Linear, nn.MSELoss, optim.SGD/Adam) when its `nn` and `optim` packages provide those, and
otherwise the same math with plain Values and a manual update under `no_grad` (labelled as such in the report).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from typing import Any

ENGINES = ("tinygrad_lr", "numpy", "torch", "mygrad", "autograd", "micrograd")
BASELINE = "torch"  # ratios are to torch in the same run (to numpy when torch is missing)

_DISTRIBUTIONS = {"tinygrad_lr": "tinygrad_lr", "numpy": "numpy", "torch": "torch", "mygrad": "mygrad",
                  "autograd": "autograd", "micrograd": "micrograd"}


def is_available(engine: str) -> bool:
    """True when the engine's package can be imported here."""
    return importlib.util.find_spec(engine) is not None


def version(engine: str) -> str:
    try:
        return importlib.metadata.version(_DISTRIBUTIONS[engine])
    except importlib.metadata.PackageNotFoundError:
        module = importlib.import_module(engine)
        return str(getattr(module, "__version__", "?"))


def tinygrad_lr_has_training_loop() -> bool:
    """True when tinygrad_lr offers nn.Linear, nn.Sequential, nn.Tanh, nn.MSELoss, optim.SGD and optim.Adam."""
    try:
        nn = importlib.import_module("tinygrad_lr.nn")
        optim = importlib.import_module("tinygrad_lr.optim")
    except ImportError:
        return False
    return all(hasattr(nn, name) for name in ("Linear", "Sequential", "Tanh", "MSELoss")) and all(
        hasattr(optim, name) for name in ("SGD", "Adam")
    )


def tinygrad_lr_mode() -> str:
    """How the tinygrad_lr engine is driven in W1 and W4, for the report."""
    if tinygrad_lr_has_training_loop():
        return "PyTorch-style loop: nn.Linear / nn.MSELoss / optim.SGD, optim.Adam, zero_grad, backward, step"
    return "plain Values with a manual update under no_grad (tinygrad_lr.nn / optim not available yet)"


def torch_style_library(engine: str) -> Any:
    """The module to drive with PyTorch-style code (`torch` itself or `tinygrad_lr`), or None."""
    if engine == "torch":
        return importlib.import_module("torch")
    if engine == "tinygrad_lr" and tinygrad_lr_has_training_loop():
        return importlib.import_module("tinygrad_lr")
    return None
