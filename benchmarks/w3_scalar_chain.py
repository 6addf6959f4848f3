"""W3: a deep graph. 100 000 steps of x = x * 1.0001 + 0.0001 on a float64 scalar, forward + backward; time per run.

The gradient d x_final / d x_0 = 1.0001^100000 ~ 22015 checks that every step was differentiated. Engines whose
backward recurses over the graph (micrograd) crash here with RecursionError; the table says so. `deep_check` runs
tinygrad_lr alone at 10^6 steps to show it never hits the recursion limit (slow, so it is a separate option).
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import numpy as np

from benchmarks.harness import Case

STEPS = 100_000
FACTOR, OFFSET = 1.0001, 0.0001


def cases(quick: bool = False) -> list[Case]:
    return [
        Case(
            key="W3",
            title=f"W3 {STEPS:_}-step scalar chain x = x*1.0001 + 0.0001, f64, fwd+bwd".replace("_", " "),
            workload="W3",
            params={"steps": STEPS},
            unit="run",
            rtol=1e-9,
            atol=0.0,
            max_rounds=1 if quick else 5,  # a round takes ~20 s over all engines; 5 for a steadier median
        )
    ]


def exact(steps: int) -> dict[str, float]:
    """The closed form, for tests: x_n = (x_0 + c) a^n - c with c = OFFSET / (FACTOR - 1); dx_n/dx_0 = a^n."""
    c = OFFSET / (FACTOR - 1)
    return {"out": (1.0 + c) * FACTOR**steps - c, "grad": FACTOR**steps}


class TensorLibraryRunner:
    """torch and tinygrad_lr: the same code, the library passed in."""

    def __init__(self, lib: Any, steps: int) -> None:
        self.lib, self.steps = lib, steps

    def run(self) -> None:
        x0 = self.lib.tensor(1.0, dtype=self.lib.float64, requires_grad=True)
        x = x0
        for _ in range(self.steps):
            x = x * FACTOR + OFFSET
        x.backward()
        self.out, self.grad = x.item(), x0.grad.item()

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


class MygradRunner:
    def __init__(self, steps: int) -> None:
        import mygrad as mg

        self.mg, self.steps = mg, steps

    def run(self) -> None:
        x0 = self.mg.tensor(1.0)
        x = x0
        for _ in range(self.steps):
            x = x * FACTOR + OFFSET
        x.backward()
        self.out, self.grad = x.item(), float(x0.grad)

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


class AutogradRunner:
    def __init__(self, steps: int) -> None:
        import autograd

        def chain(x: Any) -> Any:
            for _ in range(steps):
                x = x * FACTOR + OFFSET
            return x

        self.value_and_grad = autograd.value_and_grad(chain)

    def run(self) -> None:
        out, grad = self.value_and_grad(np.float64(1.0))
        self.out, self.grad = float(out), float(grad)

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


class MicrogradRunner:
    def __init__(self, steps: int) -> None:
        from micrograd.engine import Value

        self.Value, self.steps = Value, steps

    def run(self) -> None:
        x0 = self.Value(1.0)
        x = x0
        for _ in range(self.steps):
            x = x * FACTOR + OFFSET
        x.backward()  # recursive topological sort: RecursionError on a deep graph
        self.out, self.grad = x.data, x0.grad

    def snapshot(self) -> dict[str, Any]:
        return {"out": self.out, "grad": self.grad}


def reference(case: Case) -> dict[str, float]:
    """What every engine must reach: the closed form (no hand-written NumPy backward is meaningful here)."""
    return exact(case.params["steps"])


def _steps(case: Case) -> int:
    return case.params["steps"]


RUNNERS = {
    "tinygrad_lr": lambda case: TensorLibraryRunner(importlib.import_module("tinygrad_lr"), _steps(case)),
    "torch": lambda case: TensorLibraryRunner(importlib.import_module("torch"), _steps(case)),
    "mygrad": lambda case: MygradRunner(_steps(case)),
    "autograd": lambda case: AutogradRunner(_steps(case)),
    "micrograd": lambda case: MicrogradRunner(_steps(case)),
}


def deep_check(steps: int = 1_000_000) -> str:
    """Run tinygrad_lr's chain at `steps` once; a line for the report saying whether it worked and how long it took."""
    runner = TensorLibraryRunner(importlib.import_module("tinygrad_lr"), steps)
    start = time.perf_counter()
    try:
        runner.run()
    except RecursionError as error:
        return f"tinygrad_lr at {steps:,} steps: RecursionError ({error})"
    seconds = time.perf_counter() - start
    want = exact(steps)["grad"]
    ok = abs(runner.grad - want) <= 1e-6 * abs(want)
    return (f"tinygrad_lr at {steps:,} steps: no RecursionError, {seconds:.1f} s, gradient {runner.grad:.6g} "
            f"({'matches' if ok else 'DIFFERS from'} the closed form {want:.6g})")
