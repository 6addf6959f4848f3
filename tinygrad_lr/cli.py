"""The `tinygrad-lr` command. For now: fit Sales ~ TV on the bundled Advertising data with the engine."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

import tinygrad_lr as tl


def _load_advertising() -> tuple[np.ndarray, np.ndarray]:
    with resources.files("tinygrad_lr.datasets").joinpath("advertising.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    tv = np.array([float(r["TV"]) for r in rows])
    sales = np.array([float(r["Sales"]) for r in rows])
    return tv, sales


def main(argv: list[str] | None = None) -> int:
    tv, sales = _load_advertising()
    x = tl.tensor((tv - tv.mean()) / tv.std(), dtype=tl.float64)
    y = tl.tensor(sales, dtype=tl.float64)
    w = tl.zeros((), dtype=tl.float64, requires_grad=True)
    b = tl.zeros((), dtype=tl.float64, requires_grad=True)
    for epoch in range(200):
        loss = ((w * x + b - y) ** 2).mean()
        w.grad = b.grad = None
        loss.backward()
        with tl.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
        if epoch % 50 == 0:
            print(f"epoch {epoch:3d}  mse {loss:.4f}")
    print(f"final mse {loss:.4f}: sales = {b.item():.4f} + {w.item():.4f} * (standardized TV)")
    return 0
