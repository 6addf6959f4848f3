"""`tinygrad-lr` with no subcommand, or `tinygrad-lr demo`: a linear regression you can see through.

It fits Sales ~ TV + Radio + Newspaper on the bundled Advertising data by gradient descent, with each feature
standardized to mean 0 and standard deviation 1 (so one learning rate suits all of them), maps the learned
coefficients back to the original units, compares them with the closed-form least-squares solution, and writes
into an output directory the gradient graph (Graphviz source, and an image when Graphviz's `dot` is installed) and a
step-by-step account of the backward pass of two losses: the first epoch's, whose gradients are large and show the
direction of the first step, and the final one, whose gradients are ~0 once training has converged (the gradient
norm says whether it has), a plot of the loss per epoch when matplotlib is installed, and the training page
(`training.html`: Sales ~ the first feature, standardized, learned at several learning rates, in a browser).

A learning rate that makes the loss overflow stops the demo with exit status 1, the epoch and a smaller rate to try;
the output folder is created and checked before anything trains.
"""

# ruff: noqa: N803, N806  (X is the design matrix, as in the math and in scikit-learn)

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import graphviz
import numpy as np

import tinygrad_lr as tl
from tinygrad_lr import nn, optim
from tinygrad_lr.cli.common import (
    PROG,
    ArgumentParser,
    CommandError,
    check_loss,
    convergence_verdict,
    gradient_norm,
    positive_float,
    positive_int,
    prepare_out_dir,
    progress,
    stable_learning_rate,
)
from tinygrad_lr.cli.data import load_bundled_advertising
from tinygrad_lr.cli.outputs import write_loss_plot
from tinygrad_lr.datasets import ADVERTISING_FEATURES, ADVERTISING_TARGET
from tinygrad_lr.reference import least_squares
from tinygrad_lr.viz import draw_graph, explain_backward, render_graph, save_source, training_page

MARKER = ".tinygrad_lr_demo"  # marks an output directory as this demo's, so re-running may overwrite its files
GRAPH_NAME = "loss_graph"  # + _epoch1 / _final, then .gv and the image's suffix
STEPS_NAME = "backward_steps"  # + _epoch1 / _final, then .txt
AGREEMENT = 1e-4


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=prog,
        description="Train a linear regression on the bundled Advertising data with tinygrad_lr, compare it with "
        "the closed-form solution, and write the gradient graph of the loss and a loss plot.",
        epilog=f"other commands: {PROG} fit DATA.csv --target COL (train on your own data), {PROG} predict "
        f"MODEL.npz DATA.csv (apply a saved model); {PROG} COMMAND --help for their options",
    )
    parser.add_argument("--epochs", type=positive_int, default=200,
                        help="full-batch gradient descent steps (default 200)")
    parser.add_argument("--lr", type=positive_float, default=0.1, help="learning rate of SGD (default 0.1)")
    parser.add_argument(
        "--out", default="tinygrad_lr_demo", help="directory for the graph and the backward account (default "
        "./tinygrad_lr_demo; an existing directory is used only if it is empty or was made by this demo)"
    )
    parser.add_argument(
        "--features", default=",".join(ADVERTISING_FEATURES),
        help="comma-separated predictors among TV, Radio, Newspaper (default: all three; TV alone is the classic "
        "simple regression)",
    )
    parser.add_argument("--format", choices=("png", "svg"), default="png", help="image format of the graph")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    features = _parse_features(parser, args.features)
    out_dir = Path(args.out)
    problem = _check_out_dir(out_dir)
    if problem:
        raise CommandError(problem)
    X, y, names = load_bundled_advertising(features)
    prepare_out_dir(out_dir, MARKER)  # known writable before anything trains

    mean, std = X.mean(axis=0), X.std(axis=0)
    print(f"tinygrad_lr demo: linear regression on the Advertising data ({len(y)} markets, ISLR chapter 3)")
    print(f"model: {ADVERTISING_TARGET} ~ {' + '.join(names)}; each feature standardized as (x - mean) / std")
    print(
        f"training: nn.Linear({len(names)}, 1), nn.MSELoss, optim.SGD(lr={args.lr:g}) on all {len(y)} rows, "
        f"{args.epochs} epochs"
    )

    model, first, final, losses = _train((X - mean) / std, y, args.epochs, args.lr, args.quiet)

    # Sales = b + sum_j w_j z_j with z_j = (x_j - mean_j) / std_j, so the slope of x_j is w_j / std_j
    coefficients = model.weight.detach().numpy()[0] / std
    intercept = model.bias.item() - float(coefficients @ mean)
    ref_weight, ref_bias = least_squares(X, y)
    worst = _print_comparison(names, intercept, coefficients, float(ref_bias), ref_weight)
    residual = y - (X @ coefficients + intercept)
    r_squared = 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))
    print(f"training mse {residual @ residual / len(y):.4f}, R^2 = {r_squared:.4f}")
    if worst > AGREEMENT:
        print(f"note: the fit differs from the closed form by {worst:.2g} > {AGREEMENT:g}: train longer (--epochs) "
              "or with a different --lr")

    print("gradient graphs of the loss and how backward computed them:")
    _write_snapshot(out_dir, first, args.format)
    _write_snapshot(out_dir, final, args.format)
    write_loss_plot({f"SGD lr {args.lr:g}": losses}, out_dir / "loss.png", "demo: training mse per epoch")
    page = training_page(
        (X[:, 0] - mean[0]) / std[0], y, out_dir / "training.html", epochs=100,
        title=f"{ADVERTISING_TARGET} ~ {names[0]} (standardized), several learning rates",
        x_label=f"{names[0]} (standardized)", y_label=ADVERTISING_TARGET,
    )
    print(f"  {page}  (training page: {ADVERTISING_TARGET} ~ {names[0]} learned at several rates; open in a browser)")
    return 0


def _parse_features(parser: argparse.ArgumentParser, text: str) -> list[str]:
    by_lower = {name.lower(): name for name in ADVERTISING_FEATURES}
    features = []
    for part in text.split(","):
        key = part.strip().lower()
        if key not in by_lower:
            choices = ", ".join(ADVERTISING_FEATURES)
            parser.error(f"--features: unknown feature {part.strip()!r}; choose among {choices}")
        if by_lower[key] in features:
            parser.error(f"--features: {by_lower[key]} is listed twice")
        features.append(by_lower[key])
    return features


@dataclass(frozen=True)
class _Snapshot:
    """One loss seen through: its backward graph (drawn after backward, with the gradients) and the account."""

    tag: str  # epoch1 or final: names the files
    description: str
    graph: graphviz.Digraph
    steps: str


def _see_backward(loss: tl.Value, model: nn.Linear, tag: str, description: str) -> _Snapshot:
    """Run `loss.backward()`, keeping its step-by-step account and the graph with the gradients it produced."""
    names = {**dict(model.named_parameters()), "loss": loss}
    steps = str(explain_backward(loss, params=names))  # before backward: it needs the graph's saved values
    loss.backward()
    return _Snapshot(tag, description, draw_graph(loss, params=names), steps)


def _train(
    Z: np.ndarray, y: np.ndarray, epochs: int, lr: float, quiet: bool
) -> tuple[nn.Linear, _Snapshot, _Snapshot, list[float]]:
    """The PyTorch loop: nn.Linear(k, 1) trained with nn.MSELoss and optim.SGD on all rows at once.

    Returns the model, two snapshots: the first epoch's loss (drawn before the first step changes the
    weights) and the loss at the final weights, and the loss of every epoch. A loss that overflows stops
    training with DivergedError.
    """
    inputs = tl.tensor(Z, dtype=tl.float64)
    targets = tl.tensor(y.reshape(-1, 1), dtype=tl.float64)  # (n, 1), the shape of the prediction
    tl.manual_seed(0)
    model = nn.Linear(Z.shape[1], 1, dtype=tl.float64)
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    report_every = max(1, epochs // 10)
    losses: list[float] = []
    suggestion = min(lr / 10, stable_learning_rate(Z))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by check_loss
        for epoch, bar in progress(epochs, quiet, "demo"):
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            losses.append(loss.item())
            check_loss(losses[-1], losses[0], epoch, lr, suggestion)
            if bar is not None:
                bar.set_postfix(mse=f"{losses[-1]:.4g}", refresh=False)
            if epoch == 1:
                description = f"epoch 1 (mse {loss.item():.6f}): large gradients; SGD's first step goes against them"
                first = _see_backward(loss, model, "epoch1", description)
            else:
                loss.backward()
            optimizer.step()
            if epoch == 1 or epoch % report_every == 0 or epoch == epochs:
                print(f"  epoch {epoch:5d}  mse {loss.item():.6f}")
    optimizer.zero_grad()
    with np.errstate(over="ignore", invalid="ignore"):
        loss = loss_fn(model(inputs), targets)
    check_loss(loss.item(), losses[0], epochs + 1, lr, suggestion)  # the last step may have overflowed
    final = _see_backward(loss, model, "final", f"final weights (mse {loss.item():.6f})")
    _, verdict = convergence_verdict(gradient_norm(model.parameters()))
    final = _Snapshot(final.tag, f"{final.description}: {verdict}", final.graph, final.steps)
    return model, first, final, losses


def _print_comparison(
    names: Sequence[str], intercept: float, coefficients: np.ndarray, ref_intercept: float, ref_weight: np.ndarray
) -> float:
    print("coefficients in original units (Sales in thousands of units; budgets in thousands of dollars):")
    print(f"  {'term':<10} {'gradient descent':>17} {'closed form':>13} {'difference':>11}")
    rows = [("intercept", intercept, ref_intercept)] + list(zip(names, coefficients, ref_weight))
    worst = 0.0
    for name, learned, exact in rows:
        difference = abs(float(learned) - float(exact))
        worst = max(worst, difference)
        print(f"  {name:<10} {float(learned):>17.6f} {float(exact):>13.6f} {difference:>11.1e}")
    verdict = "agree" if worst <= AGREEMENT else "DIFFER"
    print(
        f"gradient descent and numpy.linalg.lstsq {verdict}: largest difference {worst:.1e} (tolerance {AGREEMENT:g})"
    )
    return worst


def _check_out_dir(out_dir: Path) -> str | None:
    """None if the demo may write into `out_dir`; otherwise why not (it never overwrites a user's files)."""
    try:
        if out_dir.exists() and not out_dir.is_dir():
            return f"--out {out_dir} exists and is not a directory; choose another --out"
        if out_dir.is_dir() and not (out_dir / MARKER).exists() and any(out_dir.iterdir()):
            return (
                f"--out {out_dir} already exists and holds files this demo did not write; "
                "choose another --out or empty that directory"
            )
    except OSError as error:  # a name too long, a folder we may not read ...
        return f"--out {out_dir}: cannot use it ({error.strerror or type(error).__name__})"
    return None


def _write_snapshot(out_dir: Path, snapshot: _Snapshot, image_format: str) -> None:
    source = save_source(snapshot.graph, out_dir / f"{GRAPH_NAME}_{snapshot.tag}.gv")
    steps = out_dir / f"{STEPS_NAME}_{snapshot.tag}.txt"
    steps.write_text(snapshot.steps + "\n", encoding="utf-8")
    print(f"  {snapshot.description}")
    print(f"    {source}  (Graphviz source)")
    if shutil.which("dot") is None:
        print(
            f"    no image: Graphviz's `dot` is not installed (apt-get install graphviz, or brew install graphviz); "
            f"then run: dot -T{image_format} {source} -o {source.with_suffix('.' + image_format)}"
        )
    else:
        print(f"    {render_graph(snapshot.graph, out_dir / f'{GRAPH_NAME}_{snapshot.tag}.{image_format}')}")
    print(f"    {steps}  (step-by-step account of backward)")
