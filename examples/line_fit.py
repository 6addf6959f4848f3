"""Fitting a line by gradient descent (lesson 000), the PyTorch way: y = m*x + b on a small noisy cloud.

The model is two numbers, m and b, each a leaf Value with requires_grad. Every epoch computes the mean squared
error over all points, calls backward() for dloss/dm and dloss/db, and steps both against their gradient
(full-batch gradient descent, lr 0.1, 200 epochs). Then the trained line predicts at x = 4.5.

The learning rate is the one knob: the same 200 epochs with a rate that crawls (0.001), one that works (0.1) and
one that explodes (0.5), each reported. Why 0.5 explodes: the MSE is a bowl whose steepest curvature is the
largest eigenvalue of its Hessian (2/n) A^T A, A = [x, 1]; gradient descent on a quadratic diverges once
lr * curvature > 2, and the script prints that limit for this cloud.

It writes the training page (`--page`, open it in any browser: the line moving epoch by epoch for each rate, and
the loss curves) and, with matplotlib, pictures of the fit and of the three loss curves.

    python examples/line_fit.py [--page line_fit.html] [--plot line_fit.png]
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np

import tinygrad_lr as torch
from tinygrad_lr.plotting import PlottingUnavailableError, plot_fit, plot_losses
from tinygrad_lr.viz import training_page

TRUE_M, TRUE_B = 2.0, 1.0


def make_cloud(n: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points with x uniform in [0, 4] and y = 2x + 1 + Gaussian noise (std 0.5)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 4, n)
    return x, TRUE_M * x + TRUE_B + rng.normal(0, 0.5, n)


def fit_line(x: np.ndarray, y: np.ndarray, lr: float, epochs: int = 200, seed: int = 0) -> dict:
    """Full-batch gradient descent on mean((m*x + b - y)^2) from random m, b in [0, 1).

    Returns m, b, the loss of every epoch, and the epoch at which the loss overflowed (None if it never did).
    """
    torch.manual_seed(seed)
    m = torch.rand((), dtype=torch.float64, requires_grad=True)  # like Math.random(): a start in [0, 1)
    b = torch.rand((), dtype=torch.float64, requires_grad=True)
    inputs, targets = torch.tensor(x), torch.tensor(y)
    losses: list[float] = []
    for epoch in range(1, epochs + 1):
        loss = ((m * inputs + b - targets) ** 2).mean()
        losses.append(loss.item())
        if not math.isfinite(losses[-1]) or losses[-1] > 1e12 * losses[0]:
            return {"m": m.item(), "b": b.item(), "losses": losses, "diverged_at": epoch}
        loss.backward()
        with torch.no_grad():  # the step itself is not part of the model: no graph for it
            m -= lr * m.grad
            b -= lr * b.grad
        m.grad.zero_()
        b.grad.zero_()
    return {"m": m.item(), "b": b.item(), "losses": losses, "diverged_at": None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="line_fit.html", help="the training page ('' for none)")
    parser.add_argument("--plot", default="line_fit.png", help="picture of the fit and the loss curves ('' for none)")
    args = parser.parse_args(argv)

    x, y = make_cloud()
    print(f"{len(x)} points around y = {TRUE_M:g}x + {TRUE_B:g}; model y = m*x + b, loss = mean squared error")
    run = fit_line(x, y, lr=0.1)
    for epoch in (1, 10, 50, 100, 200):
        print(f"epoch {epoch:3d}  loss {run['losses'][epoch - 1]:.6f}")
    m, b = run["m"], run["b"]
    exact_m, exact_b = np.polyfit(x, y, 1)
    print(f"learned  y = {m:.4f}x + {b:.4f}")
    print(f"exact    y = {exact_m:.4f}x + {exact_b:.4f}  (least squares, numpy.polyfit)")
    print(f"prediction at x = 4.5: {m * 4.5 + b:.4f}")

    design = np.stack([x, np.ones_like(x)], axis=1)
    curvature = np.linalg.eigvalsh(2 / len(x) * design.T @ design).max()
    print(f"the learning rate, the one knob (200 epochs each; above 2 / {curvature:.2f} = {2 / curvature:.3f} "
          "gradient descent diverges here):")
    runs = {}
    for lr in (0.001, 0.1, 0.5):
        runs[lr] = trial = fit_line(x, y, lr=lr)
        losses = trial["losses"]
        if trial["diverged_at"] is not None:
            verdict = (f"explodes: the loss grew from {losses[0]:.3g} to {losses[-1]:.3g} by epoch "
                       f"{trial['diverged_at']}; try a smaller rate, e.g. {lr / 5:g}")
        elif losses[-1] > 1.05 * min(run["losses"]):
            verdict = f"crawls: loss {losses[0]:.3f} -> {losses[-1]:.3f}, far from the best {min(run['losses']):.3f}"
        else:
            verdict = f"works: loss {losses[0]:.3f} -> {losses[-1]:.6f}"
        print(f"  lr {lr:<6g} {verdict}")

    if args.page:
        page = training_page(x, y, args.page, learning_rates=sorted(runs), epochs=200, title="y = m*x + b",
                             x_label="x", y_label="y")
        print(f"training page: {page}")
    if args.plot:
        try:
            grid = np.linspace(0, 4.5, 50)
            plot_fit(x, y, {"learned line": (grid, m * grid + b)}, args.plot, title="y = m*x + b by gradient descent")
            curves_path = args.plot.rsplit(".", 1)[0] + "_losses." + args.plot.rsplit(".", 1)[-1]
            plot_losses({f"lr {lr:g}": r["losses"] for lr, r in runs.items()}, curves_path)
            print(f"plots: {args.plot}, {curves_path}")
        except PlottingUnavailableError as error:
            print(f"no plots: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
