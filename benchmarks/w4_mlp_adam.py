"""W4: a small MLP 10 -> 64 -> tanh -> 1, MSE loss, Adam (lr 1e-3), batch 64; time per epoch of 10 000 rows.

The rows are visited in order (no shuffling, so every engine sees the same batches: 156 of 64 and a last one of 16);
the batches are cut once before timing, so the epoch time is the training step alone. Float32.
"""

# ruff: noqa: N806  (X, W, W1 follow the math's notation)

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from benchmarks.engines import torch_style_library
from benchmarks.harness import Case
from benchmarks.numpy_adam import NumpyAdam

ROWS, IN, HIDDEN, BATCH, LR = 10_000, 10, 64, 64, 1e-3


def cases(quick: bool = False) -> list[Case]:
    return [
        Case(
            key="W4",
            title="W4 MLP 10->64 tanh->1, Adam, batch 64, per epoch of 10 000",
            workload="W4",
            params={"rows": ROWS},
            rtol=2e-3,
            atol=2e-4,
        )
    ]


@dataclass(frozen=True)
class Problem:
    batches: list[tuple[np.ndarray, np.ndarray]]  # (x (B, 10), y (B, 1)) float32
    weights: dict[str, np.ndarray]  # initial W1 (64, 10), b1 (64,), W2 (1, 64), b2 (1,) as nn.Linear stores them


@lru_cache(maxsize=1)
def make_problem(rows: int = ROWS, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, IN), dtype=np.float32)
    y = (np.sin(X[:, :1] * 2) + 0.5 * X[:, 1:2] * X[:, 2:3]).astype(np.float32)
    batches = [(X[i : i + BATCH], y[i : i + BATCH]) for i in range(0, rows, BATCH)]

    def uniform(fan_in: int, shape: tuple[int, ...]) -> np.ndarray:
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(np.float32)

    weights = {"W1": uniform(IN, (HIDDEN, IN)), "b1": uniform(IN, (HIDDEN,)),
               "W2": uniform(HIDDEN, (1, HIDDEN)), "b2": uniform(HIDDEN, (1,))}
    return Problem(batches, weights)


def problem_for(case: Case) -> Problem:
    return make_problem(case.params["rows"])


class NumpyRunner:
    """Hand-written backprop through Linear -> tanh -> Linear -> MSE, then NumpyAdam."""

    def __init__(self, case: Case) -> None:
        problem = problem_for(case)
        self.batches = problem.batches
        self.p = {k: v.copy() for k, v in problem.weights.items()}
        self.adam = NumpyAdam([self.p["W1"], self.p["b1"], self.p["W2"], self.p["b2"]], lr=LR)
        self.loss = np.nan

    def run(self) -> None:
        W1, b1, W2, b2 = self.p["W1"], self.p["b1"], self.p["W2"], self.p["b2"]
        for x, y in self.batches:
            h = np.tanh(x @ W1.T + b1)
            diff = h @ W2.T + b2 - y
            loss = np.mean(diff * diff)
            g_out = diff * (2 / diff.size)
            g_pre = (g_out @ W2) * (1 - h * h)
            self.adam.step([g_pre.T @ x, g_pre.sum(axis=0), g_out.T @ h, g_out.sum(axis=0)])
        self.loss = float(loss)

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, **self.p}


class TorchStyleRunner:
    """The PyTorch training loop, written once and driven by `torch` or by `tinygrad_lr` (same code, other import).
    With `compiled`, the step (zero_grad, forward, backward, step) goes through the library's `compile`."""

    def __init__(self, lib: Any, case: Case, compiled: bool = False) -> None:
        nn = lib.nn
        problem = problem_for(case)
        self.model = nn.Sequential(nn.Linear(IN, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, 1))
        with lib.no_grad():
            for layer, (w, b) in ((self.model[0], ("W1", "b1")), (self.model[2], ("W2", "b2"))):
                layer.weight.copy_(lib.from_numpy(problem.weights[w]))
                layer.bias.copy_(lib.from_numpy(problem.weights[b]))
        self.batches = [(lib.from_numpy(x), lib.from_numpy(y)) for x, y in problem.batches]
        self.loss_fn = nn.MSELoss()
        self.optimizer = lib.optim.Adam(self.model.parameters(), lr=LR)
        self.loss: Any = None
        if not compiled:
            return
        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer

        def step(x: Any, y: Any) -> Any:  # a closure, so that compile sees only the objects of the step
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            return loss.detach()

        self.step = lib.compile(step)
        self.run = self.run_compiled  # type: ignore[method-assign]

    def run(self) -> None:
        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer
        for x, y in self.batches:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        self.loss = loss.item()

    def run_compiled(self) -> None:
        step = self.step
        for x, y in self.batches:
            loss = step(x, y)
        self.loss = loss.item()

    def snapshot(self) -> dict[str, Any]:
        m = self.model
        return {"loss": self.loss, "W1": m[0].weight.detach().numpy(), "b1": m[0].bias.detach().numpy(),
                "W2": m[2].weight.detach().numpy(), "b2": m[2].bias.detach().numpy()}


class MygradRunner:
    def __init__(self, case: Case) -> None:
        import mygrad as mg

        problem = problem_for(case)
        self.mg = mg
        self.p = {k: mg.tensor(v.copy()) for k, v in problem.weights.items()}
        self.params = [self.p["W1"], self.p["b1"], self.p["W2"], self.p["b2"]]
        self.adam = NumpyAdam([p.data for p in self.params], lr=LR)
        self.batches = problem.batches
        self.loss = np.nan

    def run(self) -> None:
        mg = self.mg
        W1, b1, W2, b2 = self.params
        for x, y in self.batches:
            diff = mg.matmul(mg.tanh(mg.matmul(x, W1.T) + b1), W2.T) + b2 - y
            loss = mg.mean(diff * diff)
            loss.backward()
            self.adam.step([p.grad for p in self.params])
        self.loss = loss.item()

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, **{k: v.data for k, v in self.p.items()}}


class AutogradRunner:
    def __init__(self, case: Case) -> None:
        import autograd
        import autograd.numpy as anp

        problem = problem_for(case)

        def loss_of(params: list[Any], x: np.ndarray, y: np.ndarray) -> Any:
            W1, b1, W2, b2 = params
            diff = anp.dot(anp.tanh(anp.dot(x, W1.T) + b1), W2.T) + b2 - y
            return anp.mean(diff * diff)

        self.value_and_grad = autograd.value_and_grad(loss_of)
        self.p = {k: v.copy() for k, v in problem.weights.items()}
        self.params = [self.p["W1"], self.p["b1"], self.p["W2"], self.p["b2"]]
        self.adam = NumpyAdam(self.params, lr=LR)
        self.batches = problem.batches
        self.loss = np.nan

    def run(self) -> None:
        for x, y in self.batches:
            loss, grads = self.value_and_grad(self.params, x, y)
            self.adam.step(grads)
        self.loss = float(loss)

    def snapshot(self) -> dict[str, Any]:
        return {"loss": self.loss, **self.p}


RUNNERS = {
    "tinygrad_lr": lambda case: TorchStyleRunner(torch_style_library("tinygrad_lr"), case),
    "tinygrad_lr.compile": lambda case: TorchStyleRunner(torch_style_library("tinygrad_lr"), case, True),
    "torch.compile": lambda case: TorchStyleRunner(torch_style_library("torch"), case, True),
    "numpy": NumpyRunner,
    "torch": lambda case: TorchStyleRunner(torch_style_library("torch"), case),
    "mygrad": MygradRunner,
    "autograd": AutogradRunner,
}
