"""W2: per-op overhead. A chain of add, mul, tanh on a shape-(4,) float32 tensor, forward + backward; time per op.

    x = leaf (4,), requires grad
    repeat LINKS times:  x = tanh((x + b) * w)     # b, w: constant (4,) arrays
    x.sum().backward()

One call builds and differentiates 3 * LINKS ops (plus the sum); the reported time is the call's time divided by
3 * LINKS. The constants keep the chain away from saturation, so the gradient stays well above float32 round-off.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from benchmarks.harness import Case

LINKS = 100
X0 = np.array([0.5, -0.3, 0.8, 0.1], dtype=np.float32)
B = np.array([0.1, -0.2, 0.05, 0.3], dtype=np.float32)
W = np.array([0.9, 1.1, 0.95, 1.05], dtype=np.float32)


def cases(quick: bool = False) -> list[Case]:
    return [
        Case(
            key="W2",
            title="W2 chain of add/mul/tanh on shape (4,), fwd+bwd per op",
            workload="W2",
            params={"links": LINKS},
            unit="op",
            units_per_call=3 * LINKS,
            rtol=1e-4,
            atol=1e-6,
        )
    ]


class NumpyRunner:
    """Hand-written: keep each tanh output t; backward multiplies by (1 - t^2) then by w, link by link."""

    def __init__(self, case: Case) -> None:
        self.links = case.params["links"]

    def run(self) -> None:
        x = X0.copy()
        outputs = []
        for _ in range(self.links):
            x = np.tanh((x + B) * W)
            outputs.append(x)
        grad = np.ones_like(x)
        for t in reversed(outputs):
            grad = grad * (1 - t * t) * W
        self.out, self.grad = x, grad

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


class TensorLibraryRunner:
    """torch and tinygrad_lr: the same code, the library passed in; with `compiled`, through its `compile`."""

    def __init__(self, lib: Any, case: Case, compiled: bool = False) -> None:
        self.lib, self.links = lib, case.params["links"]
        self.b, self.w = lib.from_numpy(B.copy()), lib.from_numpy(W.copy())
        b, w, links, tensor = self.b, self.w, self.links, lib.tensor

        def forward_backward() -> tuple[Any, Any]:
            x0 = tensor(X0, requires_grad=True)
            x = x0
            for _ in range(links):
                x = ((x + b) * w).tanh()
            x.sum().backward()
            return x.detach(), x0.grad

        self.forward_backward = lib.compile(forward_backward)
        if compiled:
            self.run = self.run_compiled  # type: ignore[method-assign]

    def run(self) -> None:  # the eager form stays written out: what `benchmarks.compare` has always timed
        x0 = self.lib.tensor(X0, requires_grad=True)
        x = x0
        b, w = self.b, self.w
        for _ in range(self.links):
            x = ((x + b) * w).tanh()
        x.sum().backward()
        self.out, self.grad = x.detach().numpy(), x0.grad.numpy()

    def run_compiled(self) -> None:
        out, grad = self.forward_backward()
        self.out, self.grad = out.numpy(), grad.numpy()

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


class MygradRunner:
    def __init__(self, case: Case) -> None:
        import mygrad as mg

        self.mg, self.links = mg, case.params["links"]

    def run(self) -> None:
        mg = self.mg
        x0 = mg.tensor(X0)
        x = x0
        for _ in range(self.links):
            x = mg.tanh((x + B) * W)
        mg.sum(x).backward()
        self.out, self.grad = x.data.copy(), x0.grad

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


class AutogradRunner:
    def __init__(self, case: Case) -> None:
        import autograd
        import autograd.numpy as anp

        links = case.params["links"]

        def chain(x: Any) -> Any:
            for _ in range(links):
                x = anp.tanh((x + B) * W)
            return x

        self.chain = chain
        self.value_and_grad = autograd.value_and_grad(lambda x: anp.sum(chain(x)))

    def run(self) -> None:
        _, self.grad = self.value_and_grad(X0)

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.chain(X0), "grad": self.grad}


def _micrograd_tanh(v: Any) -> Any:
    """tanh as a micrograd node, built the way micrograd builds its own ops (it ships no tanh)."""
    from micrograd.engine import Value

    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


class MicrogradRunner:
    """Four scalar chains (micrograd has only scalars), float64."""

    def __init__(self, case: Case) -> None:
        from micrograd.engine import Value

        self.Value, self.links = Value, case.params["links"]
        self.b, self.w = [float(v) for v in B], [float(v) for v in W]

    def run(self) -> None:
        leaves = [self.Value(float(v)) for v in X0]
        xs = list(leaves)
        for _ in range(self.links):
            xs = [_micrograd_tanh((x + b) * w) for x, b, w in zip(xs, self.b, self.w)]
        total = xs[0] + xs[1] + xs[2] + xs[3]
        total.backward()
        self.out = np.array([x.data for x in xs])
        self.grad = np.array([v.grad for v in leaves])

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


def _library(name: str) -> Any:
    import importlib

    return importlib.import_module(name)


RUNNERS = {
    "tinygrad_lr": lambda case: TensorLibraryRunner(_library("tinygrad_lr"), case),
    "tinygrad_lr.compile": lambda case: TensorLibraryRunner(_library("tinygrad_lr"), case, True),
    "torch.compile": lambda case: TensorLibraryRunner(_library("torch"), case, True),
    "numpy": NumpyRunner,
    "torch": lambda case: TensorLibraryRunner(_library("torch"), case),
    "mygrad": MygradRunner,
    "autograd": AutogradRunner,
    "micrograd": MicrogradRunner,
}
