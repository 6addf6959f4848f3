"""The classic first regression (ISLR, chapter 3) in PyTorch style: Sales ~ TV, then Sales ~ TV + Radio + Newspaper.

Each model is trained with the loop every PyTorch tutorial uses (nn.Linear, nn.MSELoss, optim.SGD,
zero_grad / backward / step) on standardized features, mapped back to the original units, and checked
against the closed-form least-squares solution. The textbook's numbers: Sales = 7.0326 + 0.0475 TV
(R^2 = 0.612), and Sales = 2.939 + 0.0458 TV + 0.1885 Radio - 0.0010 Newspaper (R^2 = 0.897).

    python examples/linear_regression_advertising.py
"""

# ruff: noqa: N806  (X is the design matrix)

from __future__ import annotations

import numpy as np

import tinygrad_lr as torch
from tinygrad_lr import nn, optim
from tinygrad_lr.datasets import load_advertising
from tinygrad_lr.reference import least_squares


def fit(features: list[str], epochs: int = 300, lr: float = 0.1) -> float:
    """Train Sales ~ features by gradient descent, print it beside the closed form, return the largest difference."""
    X, y, names = load_advertising(features=features)
    mean, std = X.mean(axis=0), X.std(axis=0)
    inputs = torch.tensor((X - mean) / std)  # standardized: mean 0, std 1, so one learning rate suits every feature
    targets = torch.tensor(y).reshape(-1, 1)  # (200, 1) like the prediction; a (200,) target would broadcast

    torch.manual_seed(0)
    model = nn.Linear(len(names), 1, dtype=torch.float64)
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    print(f"Sales ~ {' + '.join(names)}")
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        if epoch in (1, 10, 50) or epoch == epochs:
            print(f"  epoch {epoch:4d}  mse {loss.item():.6f}")

    # Back to original units: Sales = b + sum_j w_j (x_j - mean_j) / std_j = (b - sum_j w_j mean_j / std_j) + ...
    slopes = model.weight.detach().numpy()[0] / std
    intercept = model.bias.item() - slopes @ mean
    exact_slopes, exact_intercept = least_squares(X, y)
    print(f"  {'term':<10} {'learned':>10} {'closed form':>12}")
    rows = [("intercept", intercept, float(exact_intercept)), *zip(names, slopes, exact_slopes)]
    for term, learned, exact in rows:
        print(f"  {term:<10} {learned:>10.6f} {exact:>12.6f}")
    residual = y - X @ slopes - intercept
    r_squared = 1 - residual @ residual / np.sum((y - y.mean()) ** 2)
    rse = np.sqrt(residual @ residual / (len(y) - len(names) - 1))
    print(f"  R^2 = {r_squared:.3f}, residual standard error = {rse:.3f}")
    difference = max(abs(learned - exact) for _, learned, exact in rows)
    print(f"  largest difference from the closed form: {difference:.1e}\n")
    return difference


def main() -> None:
    worst = max(fit(["TV"]), fit(["TV", "Radio", "Newspaper"]))
    print(f"gradient descent matches least squares to {worst:.1e}")


if __name__ == "__main__":
    main()
