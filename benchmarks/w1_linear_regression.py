"""W1: linear regression y = X w + b, full batch, MSE loss, plain SGD; time per epoch.

One epoch: prediction X W^T + b, loss mean((pred - y)^2), gradients, one SGD step with lr 0.1. Float32. All engines
start from the same weights and see the same data (X standard normal, y = X w_true + 0.5 + noise, shape (N, 1)).
"""

# ruff: noqa: N806  (X, W, W1 follow the math's notation)

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from benchmarks.engines import torch_style_library
from benchmarks.harness import Case, UnsupportedCaseError

LR = 0.1
MICROGRAD_MAX_ROWS = 1000  # micrograd is scalar Python: only the N=50 case


def cases(quick: bool = False) -> list[Case]:
    def case(key: str, n: int, d: int) -> Case:
        return Case(
            key=key,
            title=f"W1 linear regression, full batch, SGD, N={_short(n)}, D={d}, f32, per epoch",
            workload="W1",
            params={"n": n, "d": d},
            check_calls=3,
        )

    return [case("W1 N=50 D=1", 50, 1), case("W1 N=1e6 D=10", 1_000_000, 10), case("W1 N=1e5 D=100", 100_000, 100)]


def _short(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if n >= 1000 and str(n).strip("0") == "1" else str(n)


@dataclass(frozen=True)
class Problem:
    X: np.ndarray  # (N, D) float32
    y: np.ndarray  # (N, 1) float32
    W0: np.ndarray  # (1, D) initial weight, as nn.Linear(D, 1) stores it
    b0: np.ndarray  # (1,) initial bias
    lr: float = LR


def make_problem(n: int, d: int, seed: int = 0) -> Problem:
    """Data made in float32 directly, so creating it leaves no large temporaries (the memory figure relies on it)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    w_true = rng.standard_normal((d, 1), dtype=np.float32)
    y = X @ w_true
    y += 0.5
    y += 0.1 * rng.standard_normal((n, 1), dtype=np.float32)
    bound = 1 / np.sqrt(d)
    W0 = rng.uniform(-bound, bound, (1, d)).astype(np.float32)
    b0 = rng.uniform(-bound, bound, (1,)).astype(np.float32)
    return Problem(X, y, W0, b0)


@lru_cache(maxsize=1)
def _problem_for(n: int, d: int) -> Problem:
    return make_problem(n, d)


def problem_for(case: Case) -> Problem:
    return _problem_for(case.params["n"], case.params["d"])


class NumpyRunner:
    """Hand-written gradients: d loss / d pred = 2 (pred - y) / N, then dW = g^T X, db = sum(g)."""

    def __init__(self, problem: Problem) -> None:
        self.X, self.y, self.lr = problem.X, problem.y, problem.lr
        self.W, self.b = problem.W0.copy(), problem.b0.copy()
        self.loss = np.nan

    def run(self) -> None:
        X, W, b = self.X, self.W, self.b
        diff = X @ W.T + b - self.y
        self.loss = float(np.mean(diff * diff))
        g = diff * (2 / len(X))
        W -= self.lr * (g.T @ X)
        b -= self.lr * g.sum(axis=0)

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, "W": self.W, "b": self.b}


class TorchStyleRunner:
    """The PyTorch training loop, written once and driven by `torch` or by `tinygrad_lr` (same code, other import).
    With `compiled`, the step (zero_grad, forward, backward, step) goes through the library's `compile`."""

    def __init__(self, lib: Any, problem: Problem, compiled: bool = False) -> None:
        nn, optim = lib.nn, lib.optim
        d = problem.X.shape[1]
        self.lib = lib
        self.model = nn.Linear(d, 1)
        with lib.no_grad():
            self.model.weight.copy_(lib.from_numpy(problem.W0))
            self.model.bias.copy_(lib.from_numpy(problem.b0))
        self.X, self.y = lib.from_numpy(problem.X), lib.from_numpy(problem.y)
        self.loss_fn = nn.MSELoss()
        self.optimizer = optim.SGD(self.model.parameters(), lr=problem.lr)
        self.loss: Any = None
        model, loss_fn, optimizer, X, y = self.model, self.loss_fn, self.optimizer, self.X, self.y
        if not compiled:
            return

        def step() -> Any:  # a closure, so that compile sees only the objects of the step
            optimizer.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
            return loss.detach()

        self.step = lib.compile(step)
        self.run = self.run_compiled  # type: ignore[method-assign]

    def run(self) -> None:
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self.X), self.y)
        loss.backward()
        self.optimizer.step()
        self.loss = loss.item()

    def run_compiled(self) -> None:
        self.loss = self.step().item()

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, "W": self.model.weight.detach().numpy(), "b": self.model.bias.detach().numpy()}


class MygradRunner:
    def __init__(self, problem: Problem) -> None:
        import mygrad as mg

        self.mg = mg
        self.W, self.b = mg.tensor(problem.W0.copy()), mg.tensor(problem.b0.copy())
        self.X, self.y, self.lr = problem.X, problem.y, problem.lr
        self.loss = np.nan

    def run(self) -> None:
        mg = self.mg
        diff = mg.matmul(self.X, self.W.T) + self.b - self.y
        loss = mg.mean(diff * diff)
        loss.backward()
        self.W.data -= self.lr * self.W.grad
        self.b.data -= self.lr * self.b.grad
        self.loss = loss.item()

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, "W": self.W.data, "b": self.b.data}


class AutogradRunner:
    """HIPS autograd: value_and_grad of the loss as a function of (W, b)."""

    def __init__(self, problem: Problem) -> None:
        import autograd
        import autograd.numpy as anp

        X, y = problem.X, problem.y

        def loss_of(params: tuple[Any, Any]) -> Any:
            W, b = params
            diff = anp.dot(X, W.T) + b - y
            return anp.mean(diff * diff)

        self.value_and_grad = autograd.value_and_grad(loss_of)
        self.W, self.b, self.lr = problem.W0.copy(), problem.b0.copy(), problem.lr
        self.loss = np.nan

    def run(self) -> None:
        loss, (gW, gb) = self.value_and_grad((self.W, self.b))
        self.W -= self.lr * gW
        self.b -= self.lr * gb
        self.loss = float(loss)

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, "W": self.W, "b": self.b}


class MicrogradRunner:
    """micrograd works on Python-float scalars (float64): one Value per weight, a scalar graph over the rows."""

    def __init__(self, problem: Problem) -> None:
        from micrograd.engine import Value

        self.rows = [(list(map(float, x)), float(t)) for x, t in zip(problem.X, problem.y[:, 0])]
        self.W = [Value(float(w)) for w in problem.W0[0]]
        self.b = Value(float(problem.b0[0]))
        self.lr = problem.lr
        self.loss = np.nan

    def run(self) -> None:
        params = [*self.W, self.b]
        for p in params:
            p.grad = 0.0
        total = 0.0
        for x, t in self.rows:
            pred = self.b
            for w, xi in zip(self.W, x):
                pred = pred + w * xi
            diff = pred - t
            total = diff * diff + total
        loss = total * (1.0 / len(self.rows))
        loss.backward()
        for p in params:
            p.data -= self.lr * p.grad
        self.loss = loss.data

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, "W": np.array([[w.data for w in self.W]]), "b": np.array([self.b.data])}


def _micrograd(case: Case) -> Any:
    if case.params["n"] > MICROGRAD_MAX_ROWS:
        raise UnsupportedCaseError("scalar engine: too slow at this size")
    return MicrogradRunner(problem_for(case))


RUNNERS = {
    "tinygrad_lr": lambda case: TorchStyleRunner(torch_style_library("tinygrad_lr"), problem_for(case)),
    "tinygrad_lr.compile": lambda case: TorchStyleRunner(torch_style_library("tinygrad_lr"), problem_for(case), True),
    "torch.compile": lambda case: TorchStyleRunner(torch_style_library("torch"), problem_for(case), True),
    "numpy": lambda case: NumpyRunner(problem_for(case)),
    "torch": lambda case: TorchStyleRunner(torch_style_library("torch"), problem_for(case)),
    "mygrad": lambda case: MygradRunner(problem_for(case)),
    "autograd": lambda case: AutogradRunner(problem_for(case)),
    "micrograd": _micrograd,
}
