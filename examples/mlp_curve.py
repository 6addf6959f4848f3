"""A 2-layer MLP fits a 1-D curve: y = sin(x) on [-3, 3], with its graph.

The network is nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1)) in float64: 16 tanh bumps, weighted and
summed, make a smooth curve. It is trained full-batch with nn.MSELoss and Adam for 2000 epochs (the learning rate
falling from 0.01 to 0 along a cosine, lr_scheduler.CosineAnnealingLR), then checked on points it never saw
(midway between the training points). A straight line can do no better than an MSE of about 0.18 here (it is
printed), so the MLP's ~1e-5 is the hidden layer's work.

It writes the backward graph of the final loss (weights, activations and gradients in every box: Graphviz source,
and an image when `dot` is installed) and, with matplotlib, a picture of the fit.

    python examples/mlp_curve.py [--graph mlp_curve_graph.svg] [--plot mlp_curve.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.plotting import PlottingUnavailableError, plot_fit
from tinygrad_lr.reference import least_squares
from tinygrad_lr.viz import draw_graph, render_graph, save_source


def train(epochs: int = 2000, hidden: int = 16, seed: int = 0) -> tuple[nn.Sequential, list[float], torch.Tensor]:
    """Fit sin on 40 evenly spaced points of [-3, 3]; returns the model, the loss per epoch and the final loss."""
    torch.manual_seed(seed)
    x = torch.linspace(-3, 3, 40, dtype=torch.float64).reshape(-1, 1)
    y = torch.sin(x)
    model = nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, 1)).double()
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    # the rate falls from 0.01 to 0 along a half cosine: large steps early, and late steps too small to make
    # Adam oscillate around the minimum
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    optimizer.zero_grad()
    final = loss_fn(model(x), y)
    final.backward()  # leaves every gradient in place for the drawing
    return model, losses, final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", default="mlp_curve_graph.svg", help="backward graph of the final loss")
    parser.add_argument("--plot", default="mlp_curve.png", help="picture of the fit ('' for none)")
    args = parser.parse_args(argv)

    model, losses, final = train()
    for epoch in (1, 100, 500, 1000, 2000):
        print(f"epoch {epoch:4d}  mse {losses[epoch - 1]:.6f}")
    grid = np.linspace(-3, 3, 40)
    unseen = (grid[:-1] + grid[1:]) / 2
    with torch.no_grad():
        predicted = model(torch.tensor(unseen.reshape(-1, 1))).numpy().ravel()
    weight, bias = least_squares(grid, np.sin(grid))
    line_mse = float(np.mean((grid * weight[0] + bias - np.sin(grid)) ** 2))
    print(f"training mse {final.item():.2e}; best straight line mse {line_mse:.4f}")
    print(f"on 39 unseen points: mse {np.mean((predicted - np.sin(unseen)) ** 2):.2e}, "
          f"largest error {np.max(np.abs(predicted - np.sin(unseen))):.4f}")

    graph = draw_graph(final, params=dict(model.named_parameters()))
    source = save_source(graph, Path(args.graph).with_suffix(".gv"))
    print(f"graph of the final loss: {source}", end="")
    print(f", {render_graph(graph, args.graph)}" if shutil.which("dot") else " (install Graphviz for an image)")
    if args.plot:
        try:
            plot_fit(grid, np.sin(grid), {"MLP on unseen points": (unseen, predicted)}, args.plot,
                     title="sin(x) by a 1-16-1 tanh MLP")
            print(f"plot: {args.plot}")
        except PlottingUnavailableError as error:
            print(f"no plot: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
