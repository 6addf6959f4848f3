"""Sales ~ TV four ways (lesson 002): closed form, gradient descent by hand, nn.Linear + SGD, and Adam.

TV budgets and Sales from the Advertising data are both min-max scaled to [0, 1], then the line
Sales = intercept + slope * TV is fitted by
  1. ordinary least squares: slope = sum((x - x̄)(y - ȳ)) / sum((x - x̄)^2), intercept = ȳ - slope * x̄;
  2. gradient descent written out by hand: dMSE/dslope = -(2/N) sum(x (y - ŷ)), dMSE/dintercept = -(2/N) sum(y - ŷ),
     lr 0.1, 1000 full-batch epochs from 0;
  3. the PyTorch loop: nn.Linear(1, 1) starting from zero, nn.MSELoss, optim.SGD(lr=0.1), 1000 epochs, float64,
     the same arithmetic as 2 done by the engine, so it lands on the same numbers;
  4. the same loop with optim.Adam(lr=0.01).
The lesson's numbers: OLS 0.21519170068625232 / 0.5534088415765329, its gradient descent 0.21519198226718594 /
0.5534083104180343.

    python examples/advertising_tv_sales.py [--plot advertising_tv_sales.png]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.datasets import load_advertising
from tinygrad_lr.plotting import PlottingUnavailableError, plot_fit
from tinygrad_lr.preprocessing import MinMaxScaler


def ols_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least squares for one feature from the centred sums."""
    dx, dy = x - x.mean(), y - y.mean()
    slope = float(dx @ dy / (dx @ dx))
    return float(y.mean() - slope * x.mean()), slope


def gradient_descent_by_hand(x: np.ndarray, y: np.ndarray, lr: float = 0.1, epochs: int = 1000) -> tuple[float, float]:
    """Full-batch gradient descent on the MSE with the gradients written out (no autograd)."""
    slope = intercept = 0.0
    n = len(y)
    for _ in range(epochs):
        residual = y - (slope * x + intercept)
        slope_gradient = -(2 / n) * float(np.sum(x * residual))
        intercept_gradient = -(2 / n) * float(np.sum(residual))
        slope -= lr * slope_gradient
        intercept -= lr * intercept_gradient
    return intercept, slope


def pytorch_loop(x: np.ndarray, y: np.ndarray, optimizer_name: str, lr: float, epochs: int = 1000) -> tuple:
    """nn.Linear(1, 1) from zero trained with MSELoss and the named optimizer; returns (intercept, slope, losses)."""
    features = torch.tensor(x[:, None])  # (N, 1) float64
    response = torch.tensor(y[:, None])
    model = nn.Linear(1, 1, dtype=torch.float64)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    criterion = nn.MSELoss()
    optimizer_class = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}[optimizer_name]
    optimizer = optimizer_class(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = criterion(model(features), response)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.bias.item(), model.weight.item(), losses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default="advertising_tv_sales.png", help="picture of the fit ('' for none)")
    args = parser.parse_args(argv)

    X, y, _ = load_advertising(features=["TV"])  # noqa: N806
    scaled = MinMaxScaler().fit_transform(np.column_stack([X[:, 0], y]))
    tv, sales = scaled[:, 0], scaled[:, 1]
    fits = {
        "OLS": ols_fit(tv, sales),
        "gradient descent by hand": gradient_descent_by_hand(tv, sales),
        "nn.Linear + SGD(lr=0.1)": pytorch_loop(tv, sales, "SGD", lr=0.1)[:2],
        "nn.Linear + Adam(lr=0.01)": pytorch_loop(tv, sales, "Adam", lr=0.01)[:2],
    }
    print(f"Sales ~ TV on the Advertising data ({len(tv)} markets), both min-max scaled to [0, 1]")
    print(f"{'method':<27} {'intercept':>20} {'slope':>20}")
    for name, (intercept, slope) in fits.items():
        print(f"{name:<27} {intercept!r:>20} {slope!r:>20}")
    ols, hand, sgd = fits["OLS"], fits["gradient descent by hand"], fits["nn.Linear + SGD(lr=0.1)"]
    print(f"nn.Linear + SGD vs the hand-written descent: largest difference {max(abs(np.subtract(sgd, hand))):.1e}")
    print(f"gradient descent vs OLS after 1000 epochs: largest difference {max(abs(np.subtract(hand, ols))):.1e}")

    if args.plot:
        try:
            intercept, slope = fits["nn.Linear + SGD(lr=0.1)"]
            plot_fit(tv, sales, {"nn.Linear + SGD": (tv, intercept + slope * tv)}, args.plot,
                     xlabel="TV (scaled)", ylabel="Sales (scaled)", title="Sales ~ TV")
            print(f"plot: {args.plot}")
        except PlottingUnavailableError as error:
            print(f"no plot: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
