"""`tinygrad-lr fit DATA.csv --target COL`: train a linear model or a small MLP on any numeric CSV file.

The steps, each a function below: check every output path (before any training), read the table, hold out a
validation part (`--val-fraction`, seeded), scale features and target with statistics of the training rows only,
train with the PyTorch loop (DataLoader, model, loss, optimizer; a progress bar on stderr), then report the losses,
R^2, the convergence verdict (by the full-batch gradient norm) and, for a linear model, its coefficients in the
data's original units beside the closed-form least-squares answer. A loss that overflows stops with exit status 1.
"""

# ruff: noqa: N803, N806  (X is the design matrix)

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import tinygrad_lr as tl
from tinygrad_lr import nn, optim
from tinygrad_lr.cli.bundle import ModelBundle, build_model, save_bundle
from tinygrad_lr.cli.common import (
    PROG,
    ArgumentParser,
    CommandError,
    check_loss,
    check_output_file,
    convergence_verdict,
    fraction,
    gradient_norm,
    non_negative_float,
    positive_float,
    positive_int,
    progress,
    stable_learning_rate,
)
from tinygrad_lr.cli.data import check_trainable, read_table
from tinygrad_lr.cli.outputs import write_fit_plot, write_graph
from tinygrad_lr.preprocessing import MinMaxScaler, StandardScaler, train_test_split, unscale_linear
from tinygrad_lr.reference import least_squares
from tinygrad_lr.utils.data import DataLoader, TensorDataset
from tinygrad_lr.viz import training_page

DEFAULT_LR = {"sgd": 0.1, "adam": 0.01, "adamw": 0.01}
AGREEMENT = 1e-3  # relative difference below which gradient descent and the closed form agree


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=f"{PROG} fit",
        description="Train a regression model on a CSV file (a header row, then numbers) and compare a linear model "
        "with the closed-form least-squares answer.",
    )
    parser.add_argument("data", help="the CSV file")
    parser.add_argument("--target", required=True, help="the column to predict")
    parser.add_argument("--features", nargs="+", metavar="COL", help="the predictors (default: every other column)")
    parser.add_argument("--model", choices=("linear", "mlp"), default="linear", help="default linear")
    parser.add_argument("--hidden", type=positive_int, default=16, help="hidden units of the MLP (default 16)")
    parser.add_argument("--optimizer", choices=("sgd", "adam", "adamw"), default="sgd", help="default sgd")
    parser.add_argument("--lr", type=positive_float, help="learning rate (default 0.1 for sgd, 0.01 for adam/adamw)")
    parser.add_argument("--epochs", type=positive_int, default=500, help="passes over the training rows (500)")
    parser.add_argument("--batch-size", type=positive_int, help="rows per step (default: all training rows)")
    parser.add_argument("--weight-decay", type=non_negative_float, default=0.0, help="L2 penalty (default 0)")
    parser.add_argument("--scale", choices=("standard", "minmax", "none"), default="standard",
                        help="how features and target are scaled for training (default standard)")
    parser.add_argument("--val-fraction", type=fraction, default=0.2,
                        help="share of rows held out for validation (default 0.2; 0 for none)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, the initial weights, the batches")
    parser.add_argument("--save", metavar="MODEL.npz", help="save the trained model for `tinygrad-lr predict`")
    parser.add_argument("--graph", metavar="GRAPH.svg", help="the gradient graph of the final loss (.svg .png .gv)")
    parser.add_argument("--plot", metavar="FIT.png", help="picture of the fit (needs matplotlib)")
    parser.add_argument("--page", metavar="TRAINING.html", help="the training page (one feature)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--force", action="store_true", help="overwrite existing output files")
    return parser


@dataclass
class Split:
    """Training and validation rows in original units, and the same rows scaled for training."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    x_scaler: Any
    y_scaler: Any

    def scaled(self, X: np.ndarray, y: np.ndarray | None = None) -> tuple[tl.Value, tl.Value | None]:
        Z = self.x_scaler.transform(X) if self.x_scaler else X
        if y is None:
            return tl.tensor(Z), None
        t = self.y_scaler.transform(y.reshape(-1, 1)) if self.y_scaler else y.reshape(-1, 1)
        return tl.tensor(Z), tl.tensor(t)

    def unscale_prediction(self, prediction: np.ndarray) -> np.ndarray:
        column = prediction.reshape(-1, 1)
        return (self.y_scaler.inverse_transform(column) if self.y_scaler else column).ravel()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lr = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    outputs = _check_outputs(args)
    table = read_table(args.data, args.target, args.features)
    names = table.feature_names
    check_trainable(args.data, table.X, table.y, names)
    if args.page and len(names) != 1:
        raise CommandError(f"--page draws one feature against the target; this fit has {len(names)} features "
                           "(choose one with --features)")
    split = _split(args, table.X, table.y, names)

    print(f"{args.data}: {len(table.y)} rows; {args.target} ~ {' + '.join(names)}")
    print(f"split: {len(split.y_train)} training rows, {len(split.y_val)} validation rows (seed {args.seed}); "
          f"scaling: {args.scale}")
    tl.manual_seed(args.seed)
    model = build_model(args.model, len(names), args.hidden)
    print(f"model: {_describe(model)}; loss nn.MSELoss; optimizer {args.optimizer} (lr {lr:g}, weight decay "
          f"{args.weight_decay:g}); {args.epochs} epochs, batch size {args.batch_size or len(split.y_train)}")
    losses = _train(model, split, args, lr)
    final = _report(model, split, args, names, losses)

    bundle = ModelBundle(args.model, args.hidden, list(names), args.target, split.x_scaler, split.y_scaler, model)
    if outputs:
        print("files:")
    if args.save:
        save_bundle(bundle, outputs["--save"])
        print(f"  {outputs['--save']}  (the model: {PROG} predict {outputs['--save']} DATA.csv)")
    if args.graph:
        write_graph(final, dict(model.named_parameters()), outputs["--graph"])
    if args.plot:
        _plot(model, split, names, args.target, outputs["--plot"])
    if args.page:
        _page(split, args, names, outputs["--page"], lr)
    return 0


def _check_outputs(args: argparse.Namespace) -> dict[str, Path]:
    """Every output path, checked writable (and not clobbered without --force) before anything trains."""
    outputs = {}
    for option in ("--save", "--graph", "--plot", "--page"):
        value = getattr(args, option[2:])
        if value:
            outputs[option] = check_output_file(value, args.force, option)
    graph = outputs.get("--graph")
    if graph and graph.suffix.lower() not in (".gv", ".dot") and shutil.which("dot") is None:
        check_output_file(graph.with_suffix(".gv"), args.force, "--graph (its .gv source, as dot is missing)")
    if len(set(outputs.values())) < len(outputs):
        raise CommandError("two output options name the same file")
    return outputs


def _split(args: argparse.Namespace, X: np.ndarray, y: np.ndarray, names: Sequence[str]) -> Split:
    if args.val_fraction > 0:
        if len(y) < 3:
            raise CommandError(f"{args.data}: {len(y)} rows are too few to hold out validation rows; "
                               "use --val-fraction 0")
        X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=args.val_fraction, random_state=args.seed)
    else:
        X_train, X_val, y_train, y_val = X, X[:0], y, y[:0]
    check_trainable(args.data, X_train, y_train, names, where="training row")
    scaler_type = {"standard": StandardScaler, "minmax": MinMaxScaler, "none": None}[args.scale]
    x_scaler = scaler_type().fit(X_train) if scaler_type else None
    y_scaler = scaler_type().fit(y_train.reshape(-1, 1)) if scaler_type else None
    return Split(X_train, y_train, X_val, y_val, x_scaler, y_scaler)


def _describe(model: nn.Module) -> str:
    return " -> ".join(type(m).__name__ + (f"({m.in_features}, {m.out_features})" if isinstance(m, nn.Linear) else "")
                       for m in (model if isinstance(model, nn.Sequential) else [model]))


def _optimizer(name: str, parameters: Any, lr: float, weight_decay: float) -> optim.Optimizer:
    if name == "sgd":
        return optim.SGD(parameters, lr=lr, weight_decay=weight_decay)
    if name == "adam":
        return optim.Adam(parameters, lr=lr, weight_decay=weight_decay)
    return optim.AdamW(parameters, lr=lr, weight_decay=weight_decay)


def _train(model: nn.Module, split: Split, args: argparse.Namespace, lr: float) -> list[float]:
    """The PyTorch loop; returns each epoch's mean training loss (scaled units)."""
    inputs, targets = split.scaled(split.X_train, split.y_train)
    batch_size = args.batch_size or len(split.y_train)
    generator = tl.Generator().manual_seed(args.seed)
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=batch_size, shuffle=batch_size < len(split.y_train),
                        generator=generator)
    loss_fn = nn.MSELoss()
    optimizer = _optimizer(args.optimizer, model.parameters(), lr, args.weight_decay)
    suggestion = None  # a tenth of the rate; for SGD on a linear model, also below where it diverges
    if args.model == "linear" and args.optimizer == "sgd":
        suggestion = min(lr / 10, stable_learning_rate(inputs.numpy()))
    losses: list[float] = []
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by check_loss
        for epoch, bar in progress(args.epochs, args.quiet, "fit"):
            total = 0.0
            for xb, yb in loader:
                loss = loss_fn(model(xb), yb)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item() * len(yb)
            losses.append(total / len(split.y_train))
            check_loss(losses[-1], losses[0], epoch, lr, suggestion)
            if bar is not None:
                bar.set_postfix(loss=f"{losses[-1]:.4g}", refresh=False)
    return losses


def _report(model: nn.Module, split: Split, args: argparse.Namespace, names: Sequence[str],
            losses: list[float]) -> tl.Value:
    """Print the losses, R^2 and the convergence verdict; for a linear model, its coefficients beside the closed
    form. Returns the final full-batch training loss, after backward (for the graph)."""
    inputs, targets = split.scaled(split.X_train, split.y_train)
    model.zero_grad()
    final = nn.MSELoss()(model(inputs), targets)
    final.backward()
    converged, verdict = convergence_verdict(gradient_norm(model.parameters()))
    print(f"training loss (scaled units) {losses[0]:.6g} at epoch 1 -> {final.item():.6g}; {verdict}")
    for part, X, y in (("training", split.X_train, split.y_train), ("validation", split.X_val, split.y_val)):
        if len(y):
            predicted = _predict(model, split, X)
            mse = float(np.mean((predicted - y) ** 2))
            r2 = 1 - np.sum((y - predicted) ** 2) / np.sum((y - y.mean()) ** 2) if np.ptp(y) > 0 else float("nan")
            print(f"{part:<10} mse {mse:.6g}  R^2 {r2:.4f}  ({len(y)} rows, original units)")
    if args.model == "linear":
        _compare_with_closed_form(model, split, args, names, converged)
    else:
        X, y = (split.X_val, split.y_val) if len(split.y_val) else (split.X_train, split.y_train)
        weight, bias = least_squares(split.X_train, split.y_train)
        residual = y - (X @ weight + bias)
        part = "validation" if len(split.y_val) else "training"
        print(f"for comparison, least squares (a linear model) on the same rows: {part} "
              f"R^2 {1 - residual @ residual / np.sum((y - y.mean()) ** 2):.4f}")
    return final


def _predict(model: nn.Module, split: Split, X: np.ndarray) -> np.ndarray:
    with tl.no_grad():
        return split.unscale_prediction(model(split.scaled(X)[0]).numpy())


def _compare_with_closed_form(model: nn.Module, split: Split, args: argparse.Namespace, names: Sequence[str],
                              converged: bool) -> None:
    assert isinstance(model, nn.Linear)
    weight, bias = unscale_linear(model.weight.detach().numpy(), model.bias.detach().numpy(), split.x_scaler,
                                  split.y_scaler)
    exact_weight, exact_bias = least_squares(split.X_train, split.y_train)
    print("coefficients in the data's original units:")
    print(f"  {'term':<16} {'gradient descent':>17} {'closed form':>17} {'difference':>11}")
    rows = [("intercept", float(bias[0]), float(exact_bias))]
    rows += [(name, float(w), float(e)) for name, w, e in zip(names, weight[0], exact_weight)]
    worst = 0.0
    for name, learned, exact in rows:
        difference = abs(learned - exact)
        worst = max(worst, difference / max(1.0, abs(exact)))
        print(f"  {name[:16]:<16} {learned:>17.6g} {exact:>17.6g} {difference:>11.1e}")
    if args.weight_decay > 0:
        print(f"the closed form is unpenalized: weight decay {args.weight_decay:g} pulls the learned weights "
              "towards 0, so they differ by design")
    elif converged and worst <= AGREEMENT:
        print(f"gradient descent and least squares (numpy.linalg.lstsq) agree: largest relative difference "
              f"{worst:.1e} (tolerance {AGREEMENT:g})")
    else:
        print(f"gradient descent and least squares DIFFER: largest relative difference {worst:.1e} (tolerance "
              f"{AGREEMENT:g}); train longer (--epochs), or try another --lr or --batch-size")


def _plot(model: nn.Module, split: Split, names: Sequence[str], target: str, path: Path) -> None:
    X, y = (split.X_val, split.y_val) if len(split.y_val) else (split.X_train, split.y_train)
    if len(names) == 1:
        grid = np.linspace(X[:, 0].min(), X[:, 0].max(), 100).reshape(-1, 1)
        write_fit_plot(np.concatenate([split.X_train[:, 0], split.X_val[:, 0]]),
                       np.concatenate([split.y_train, split.y_val]), {"model": (grid[:, 0], _predict(model, split,
                                                                                                    grid))},
                       path, names[0], target, f"{target} ~ {names[0]}")
    else:
        predicted = _predict(model, split, X)
        write_fit_plot(y, predicted, {"perfect prediction": (y, y)}, path, f"actual {target}", f"predicted {target}",
                       "predicted against actual" + (" (validation rows)" if len(split.y_val) else ""))


def _page(split: Split, args: argparse.Namespace, names: Sequence[str], path: Path, lr: float) -> None:
    x = split.x_scaler.transform(split.X_train)[:, 0] if split.x_scaler else split.X_train[:, 0]
    y = split.y_scaler.transform(split.y_train.reshape(-1, 1))[:, 0] if split.y_scaler else split.y_train
    written = training_page(x, y, path, learning_rates=sorted({lr / 10, lr, lr * 5}), epochs=min(args.epochs, 200),
                   seed=args.seed, title=f"{args.target} ~ {names[0]} ({args.scale} scaling)", x_label=names[0],
                   y_label=args.target)
    print(f"  {written}  (training page: open it in a browser)")
