"""micrograd's demo, in PyTorch style: a 2-16-16-1 ReLU network separates two interleaved half-moons.

As in micrograd's demo.ipynb: 100 points from the two-moons recipe (sklearn.datasets.make_moons, noise 0.1;
the recipe is written out below, so sklearn is not needed), labels -1 and +1, weights drawn from U(-1, 1) and
biases 0, the max-margin (hinge) loss mean(relu(1 - y * score)) plus 1e-4 * sum of squared weights, and 100
full-batch SGD steps with the learning rate falling from 1.0 to 0.1. The network ends up classifying every
point correctly. `train` takes the library as an argument, so the tests run the same code with torch and compare
the numbers.

    python examples/mlp_moons.py
"""

# ruff: noqa: N803, N806  (X is the data matrix)

from __future__ import annotations

from typing import Any

import numpy as np

import tinygrad_lr


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (sklearn's make_moons recipe) with Gaussian noise; labels -1 and +1."""
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer = np.linspace(0, np.pi, n_outer)
    inner = np.linspace(0, np.pi, n_inner)
    X = np.vstack([
        np.append(np.cos(outer), 1 - np.cos(inner)),
        np.append(np.sin(outer), 1 - np.sin(inner) - 0.5),
    ]).T
    X += np.random.default_rng(seed).normal(scale=noise, size=X.shape)
    y = np.hstack([-np.ones(n_outer), np.ones(n_inner)])
    return X, y


def initial_weights(sizes: tuple[int, ...] = (2, 16, 16, 1), seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """micrograd's Neuron init: each weight from U(-1, 1), each bias 0."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (n_out, n_in)), np.zeros(n_out)) for n_in, n_out in zip(sizes, sizes[1:])]


def train(lib: Any, X: np.ndarray, y: np.ndarray, steps: int = 100, log_every: int = 0) -> dict[str, Any]:
    """Full-batch SGD on the hinge loss; `lib` is tinygrad_lr or torch. Returns the final loss, accuracy, scores."""
    nn = lib.nn
    weights = initial_weights()
    layers: list[Any] = []
    for k, (w, b) in enumerate(weights):
        linear = nn.Linear(w.shape[1], w.shape[0], dtype=lib.float64)
        with lib.no_grad():
            linear.weight.copy_(lib.tensor(w))
            linear.bias.copy_(lib.tensor(b))
        layers.append(linear)
        if k < len(weights) - 1:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    optimizer = lib.optim.SGD(model.parameters(), lr=1.0)
    inputs, labels = lib.tensor(X), lib.tensor(y).reshape(-1, 1)
    history = []
    for step in range(steps):
        scores = model(inputs)
        data_loss = (1 - labels * scores).relu().mean()  # the hinge: zero once a point is on the right side by 1
        reg_loss = 1e-4 * sum((p * p).sum() for p in model.parameters())
        loss = data_loss + reg_loss
        accuracy = ((scores > 0) == (labels > 0)).double().mean().item()
        optimizer.zero_grad()
        loss.backward()
        for group in optimizer.param_groups:
            group["lr"] = 1.0 - 0.9 * step / steps  # micrograd's schedule
        optimizer.step()
        history.append((loss.item(), accuracy))
        if log_every and step % log_every == 0:
            print(f"step {step:3d}  loss {loss.item():.6f}  accuracy {accuracy:.0%}")
    with lib.no_grad():
        final_scores = model(inputs)
    accuracy = ((final_scores > 0) == (labels > 0)).double().mean().item()
    return {"history": history, "accuracy": accuracy, "scores": final_scores.numpy().reshape(-1)}


def main() -> None:
    X, y = make_moons()
    result = train(tinygrad_lr, X, y, log_every=10)
    loss, _ = result["history"][-1]
    print(f"final loss {loss:.6f}")
    print(f"final accuracy {result['accuracy']:.0%} of {len(y)} points")


if __name__ == "__main__":
    main()
