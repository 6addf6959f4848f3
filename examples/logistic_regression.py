"""Logistic regression on two overlapping Gaussian classes, in PyTorch style, checked against Newton's method.

The model p(y = 1 | x) = sigmoid(w . x + b) is trained with nn.Linear, nn.BCEWithLogitsLoss (the
numerically stable log(1 + e^z) form of the cross-entropy) and optim.SGD. Logistic regression has no
closed form, but its loss is convex, so Newton's method (iteratively reweighted least squares, a few lines
of NumPy below) finds the same maximum-likelihood weights in a handful of steps to compare with.

    python examples/logistic_regression.py
"""

# ruff: noqa: N803, N806  (X is the design matrix)

from __future__ import annotations

import numpy as np

import tinygrad_lr as torch
from tinygrad_lr import nn, optim


def make_data(n_per_class: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Class 0 around (-1, -0.5), class 1 around (1, 0.5), unit variance: they overlap, so the fit is finite."""
    rng = np.random.default_rng(seed)
    X0 = rng.normal(loc=(-1.0, -0.5), scale=1.0, size=(n_per_class, 2))
    X1 = rng.normal(loc=(1.0, 0.5), scale=1.0, size=(n_per_class, 2))
    return np.vstack([X0, X1]), np.concatenate([np.zeros(n_per_class), np.ones(n_per_class)])


def newton_logistic(X: np.ndarray, y: np.ndarray, steps: int = 25) -> np.ndarray:
    """Maximum likelihood by Newton's method.

    theta <- theta + (A^T S A)^-1 A^T (y - p), with A = [X, 1], p = sigmoid(A theta), S = diag(p (1 - p)).
    """
    A = np.column_stack([X, np.ones(len(X))])
    theta = np.zeros(A.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-A @ theta))
        theta += np.linalg.solve(A.T @ (A * (p * (1 - p))[:, None]), A.T @ (y - p))
    return theta  # (w1, w2, b)


def main(epochs: int = 1000, lr: float = 1.0) -> None:
    X, y = make_data()
    inputs = torch.tensor(X)
    targets = torch.tensor(y).reshape(-1, 1)  # (200, 1), the shape of the model's output

    torch.manual_seed(0)
    model = nn.Linear(2, 1, dtype=torch.float64)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        if epoch in (1, 10, 100) or epoch % 500 == 0:
            print(f"epoch {epoch:5d}  cross-entropy {loss.item():.6f}")

    with torch.no_grad():
        probability = model(inputs).sigmoid().numpy()[:, 0]
    accuracy = np.mean((probability > 0.5) == (y == 1))
    learned = np.concatenate([model.weight.detach().numpy()[0], model.bias.detach().numpy()])
    exact = newton_logistic(X, y)
    print(f"training accuracy {accuracy:.3f}")
    print(f"{'':>6} {'SGD':>10} {'Newton':>10}")
    for name, a, b in zip(("w1", "w2", "b"), learned, exact):
        print(f"{name:>6} {a:>10.5f} {b:>10.5f}")
    print(f"largest difference from Newton's method: {np.max(np.abs(learned - exact)):.1e}")
    w1, w2, b = learned
    print(f"decision boundary: {w1:.3f} x1 + {w2:.3f} x2 + {b:.3f} = 0")


if __name__ == "__main__":
    main()
