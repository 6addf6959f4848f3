"""Watch a model learn: train it with several learning rates, record every epoch, and write one HTML page.

    from tinygrad_lr.viz import training_page
    training_page(x, y, "line.html")       # x, y: 1-feature data; opens in any browser, no server, no network

For each learning rate the model starts from the same initial weights (the global generator is seeded with
`seed` before each model is made) and takes one full-batch gradient step per epoch with the real tinygrad_lr
engine and optimizer. The page shows the data cloud, the model's prediction over x after each epoch, the loss
curves of every rate on a log scale, and a slider and a play button over the epochs. A rate whose loss becomes
infinite or NaN, or ends above where it started, is flagged as diverging.

For the default model (a line, `nn.Linear(1, 1)`), MSE and plain SGD, the loss is the quadratic
L(w, b) = mean((w x + b - y)^2), whose Hessian is H = 2 [[mean x^2, mean x], [mean x, 1]]; gradient descent
converges exactly when lr < 2 / lambda_max(H), and the page says where that limit lies for the data.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_lr.viz.page import asset, html_page, write_text

__all__ = ["TrainingRecord", "TrainingRun", "record_training", "training_page", "training_plot"]

DEFAULT_LEARNING_RATES = (0.001, 0.01, 0.1, 0.5, 1.5)  # for a model of your own (model_fn, loss_fn or optimizer_fn)
# for the default line + MSE + SGD: these multiples of the rate above which it diverges (crawls, converges,
# converges fast, oscillates towards the fit, diverges), whatever the scale of the data
CRITICAL_MULTIPLES = (0.01, 0.1, 0.5, 0.9, 1.1)
GRID_POINTS = 60  # x positions at which each epoch's prediction is drawn
MAX_DRAWN_POINTS = 1000  # data points drawn in the cloud (an even subsample beyond)
BLOW_UP = 1e8  # a loss this many times the initial loss has exploded: stop training that rate


@dataclass
class TrainingRun:
    """One learning rate's trajectory: `losses[k]` and `curves[k]` are the loss and the prediction over the grid
    after k steps (k = 0 is the initial model); `parameters[k]` the parameters' values when they are few.
    `diverged_at` is the first epoch whose loss is not finite or has exploded, the last epoch when the loss ended
    above where it started, None when it did not diverge. Epochs after an explosion are not trained: lists stop."""

    learning_rate: float
    losses: list[float] = field(default_factory=list)
    curves: list[list[float]] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


@dataclass
class TrainingRecord:
    """The data, the grid of x values the curves are evaluated on, and one TrainingRun per learning rate."""

    x: np.ndarray
    y: np.ndarray
    grid: np.ndarray
    epochs: int
    runs: list[TrainingRun]
    critical_learning_rate: float | None = None  # 2 / lambda_max for the default line + MSE + SGD, else None


def record_training(
    x: Any,
    y: Any,
    *,
    model_fn: Callable[[], Any] | None = None,
    learning_rates: Sequence[float] | None = None,
    epochs: int = 100,
    loss_fn: Any = None,
    optimizer_fn: Callable[[Iterable[Any], float], Any] | None = None,
    seed: int = 0,
) -> TrainingRecord:
    """Train a fresh model per learning rate on (x, y), full batch, one step per epoch, and record every epoch.

    `x` and `y` hold one value per sample (shape (n,) or (n, 1); Values, arrays or lists). `model_fn()` makes a
    model mapping (n, 1) inputs to (n, 1) predictions (default `nn.Linear(1, 1)`); `loss_fn(prediction, target)`
    defaults to `nn.MSELoss()`; `optimizer_fn(parameters, lr)` to `optim.SGD(parameters, lr=lr)`. Without
    `learning_rates`: for the default line, MSE and SGD, 0.01, 0.1, 0.5, 0.9 and 1.1 times the rate above which
    gradient descent diverges on this data (so the page shows crawling, converging and diverging whatever the
    scale of x); for a model of your own, DEFAULT_LEARNING_RATES.
    """
    from tinygrad_lr import nn, optim

    x_values, y_values = _one_feature(x, "x"), _one_feature(y, "y")
    if x_values.shape != y_values.shape:
        raise ValueError(f"x and y must hold one value per sample each, got {x_values.size} x and {y_values.size} y")
    if x_values.size == 0:
        raise ValueError("training_page needs at least one sample, got empty x and y")
    if learning_rates is not None and not learning_rates:
        raise ValueError("learning_rates must name at least one learning rate")
    if not (isinstance(epochs, int) and epochs >= 1):
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    default_setup = model_fn is None and loss_fn is None and optimizer_fn is None
    critical = _critical_learning_rate(x_values) if default_setup else None
    if learning_rates is None:
        if critical is None:
            learning_rates = DEFAULT_LEARNING_RATES
        else:  # 2 significant digits: 1.1 x stays above the limit, 0.9 x below
            learning_rates = tuple(float(f"{m * critical:.2g}") for m in CRITICAL_MULTIPLES)
    model_fn = model_fn or (lambda: nn.Linear(1, 1))
    loss_fn = loss_fn or nn.MSELoss()
    optimizer_fn = optimizer_fn or (lambda parameters, lr: optim.SGD(parameters, lr=lr))
    low, high = float(x_values.min()), float(x_values.max())
    margin = 0.05 * (high - low) if high > low else 1.0
    grid = np.linspace(low - margin, high + margin, GRID_POINTS)
    runs = [
        _train_one(float(lr), x_values, y_values, grid, model_fn, loss_fn, optimizer_fn, epochs, seed)
        for lr in learning_rates
    ]
    return TrainingRecord(x_values, y_values, grid, epochs, runs, critical)


def training_page(
    x: Any,
    y: Any,
    path: str | os.PathLike[str],
    *,
    model_fn: Callable[[], Any] | None = None,
    learning_rates: Sequence[float] | None = None,
    epochs: int = 100,
    loss_fn: Any = None,
    optimizer_fn: Callable[[Iterable[Any], float], Any] | None = None,
    seed: int = 0,
    title: str = "Watch the model learn",
    x_label: str = "x",
    y_label: str = "y",
) -> Path:
    """Train (see `record_training`, same arguments) and write the page to `path`; returns the path written.

    The page: the data cloud with the prediction after the chosen epoch, the loss curves of all rates, one button
    per learning rate (a diverging one is marked and the page says why), an epoch slider and a play button.
    """
    record = record_training(
        x,
        y,
        model_fn=model_fn,
        learning_rates=learning_rates,
        epochs=epochs,
        loss_fn=loss_fn,
        optimizer_fn=optimizer_fn,
        seed=seed,
    )
    return write_training_page(record, path, title=title, x_label=x_label, y_label=y_label)


def write_training_page(
    record: TrainingRecord,
    path: str | os.PathLike[str],
    *,
    title: str = "Watch the model learn",
    x_label: str = "x",
    y_label: str = "y",
) -> Path:
    """Write the page for an existing `record_training` result."""
    drawn = _subsample(record.x.size)
    data = {
        "title": title,
        "xLabel": x_label,
        "yLabel": y_label,
        "x": _rounded(record.x[drawn]),
        "y": _rounded(record.y[drawn]),
        "samples": int(record.x.size),
        "grid": _rounded(record.grid),
        "epochs": record.epochs,
        "criticalRate": record.critical_learning_rate,
        "curvatureRatio": _curvature_ratio(record.x) if record.critical_learning_rate is not None else None,
        "runs": [
            {
                "lr": run.learning_rate,
                "losses": _rounded(run.losses),
                "curves": [_rounded(curve) for curve in run.curves],
                "parameters": run.parameters,
                "divergedAt": run.diverged_at,
            }
            for run in record.runs
        ],
    }
    body = asset("training.html")
    page = html_page(title, body, asset("common.css") + asset("training.css"), asset("training.js"), data)
    return write_text(path, page)


def training_plot(record: TrainingRecord, path: str | os.PathLike[str], *, learning_rate: float | None = None) -> Path:
    """A static picture of a `record_training` result (PNG, SVG or PDF by the suffix), drawn with matplotlib (an
    optional dependency: `pip install tinygrad_lr[plot]`): left, the data and the fitted line (or curve) at a few
    epochs of one learning rate (`learning_rate`, default the first that does not diverge); right, every rate's
    loss per epoch on a log scale, diverging ones dashed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "training_plot draws with matplotlib, which is not installed: pip install matplotlib "
            "(or pip install tinygrad_lr[plot]); training_page needs nothing but a browser"
        ) from None
    runs = record.runs
    if learning_rate is None:
        chosen = next((run for run in runs if not run.diverged), runs[0])
    else:
        found = [run for run in runs if run.learning_rate == learning_rate]
        if not found:
            rates = ", ".join(str(run.learning_rate) for run in runs)
            raise ValueError(f"learning_rate {learning_rate} was not trained; the record has {rates}")
        chosen = found[0]
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    fit, losses = figure.subplots(1, 2)
    fit.scatter(record.x, record.y, s=12, alpha=0.6, label="data")
    last = len(chosen.curves) - 1
    for k in sorted({0, last // 10, last // 3, last}):
        fit.plot(record.grid, chosen.curves[k], label=f"epoch {k}", alpha=0.4 + 0.6 * k / max(last, 1))
    low, high = float(record.y.min()), float(record.y.max())
    pad = 0.15 * ((high - low) or 1.0)
    fit.set_ylim(low - pad, high + pad)
    fit.set(title=f"fit, lr = {chosen.learning_rate}", xlabel="x", ylabel="y")
    fit.legend(fontsize=8)
    with np.errstate(invalid="ignore"):
        for run in runs:
            values = np.asarray(run.losses, dtype=np.float64)
            style = "--" if run.diverged else "-"
            label = f"lr = {run.learning_rate}" + (" (diverges)" if run.diverged else "")
            losses.plot(np.arange(values.size), values, style, label=label)
    losses.set_yscale("log")
    losses.set(title="loss per epoch", xlabel="epoch", ylabel="loss")
    losses.legend(fontsize=8)
    path = Path(path)
    try:
        figure.savefig(path)
    except OSError as error:
        raise OSError(error.errno, f"can't write {str(path)!r}: {error.strerror or error}") from None
    return path


def _train_one(
    lr: float,
    x: np.ndarray,
    y: np.ndarray,
    grid: np.ndarray,
    model_fn: Callable[[], Any],
    loss_fn: Any,
    optimizer_fn: Callable[[Iterable[Any], float], Any],
    epochs: int,
    seed: int,
) -> TrainingRun:
    import tinygrad_lr as tl

    tl.manual_seed(seed)
    model = model_fn()
    parameters = list(model.parameters())
    dtype = parameters[0].dtype if parameters else tl.float32
    inputs = tl.tensor(x.reshape(-1, 1), dtype=dtype)
    targets = tl.tensor(y.reshape(-1, 1), dtype=dtype)
    grid_inputs = tl.tensor(grid.reshape(-1, 1), dtype=dtype)
    optimizer = optimizer_fn(parameters, lr)
    run = TrainingRun(lr)
    few_parameters = sum(p.numel() for p in parameters) <= 4
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverging rate overflows on purpose
        for epoch in range(epochs + 1):
            with tl.no_grad():
                run.curves.append(model(grid_inputs).numpy().reshape(-1).astype(np.float64).tolist())
            if few_parameters:
                run.parameters.append(_parameter_values(model))
            loss = loss_fn(model(inputs), targets)
            value = float(loss.item())
            run.losses.append(value)
            if not math.isfinite(value) or value > BLOW_UP * max(run.losses[0], 1e-30):
                run.diverged_at = epoch
                break
            if epoch == epochs:
                break
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    if run.diverged_at is None and run.losses[-1] > run.losses[0]:
        run.diverged_at = len(run.losses) - 1
    return run


def _parameter_values(model: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, parameter in model.named_parameters():
        array = parameter.detach().numpy().astype(np.float64)
        values[name] = float(array.reshape(-1)[0]) if array.size == 1 else array.reshape(-1).tolist()
    return values


def _line_hessian_eigenvalues(x: np.ndarray) -> np.ndarray:
    """Eigenvalues of the Hessian of mean((w x + b - y)^2) in (w, b): 2 [[mean x^2, mean x], [mean x, 1]]."""
    return np.linalg.eigvalsh(2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]]))


def _critical_learning_rate(x: np.ndarray) -> float:
    """2 / lambda_max of the line's Hessian: gradient descent on it diverges above this rate."""
    return float(2.0 / _line_hessian_eigenvalues(x).max())


def _curvature_ratio(x: np.ndarray) -> float:
    """lambda_max / lambda_min: how many times slower the flattest direction learns at the largest stable rate."""
    low, high = _line_hessian_eigenvalues(x)
    return float(high / low) if low > 0 else float("inf")


def _one_feature(values: Any, name: str) -> np.ndarray:
    from tinygrad_lr.value import Value

    array = values.detach().numpy() if isinstance(values, Value) else np.asarray(values)
    if array.ndim > 2 or (array.ndim == 2 and array.shape[1] != 1) or array.ndim == 0:
        raise ValueError(
            f"training_page plots models of one input: {name} must have shape (n,) or (n, 1), got "
            f"{tuple(array.shape)}"
        )
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    return array.reshape(-1).astype(np.float64)


def _subsample(n: int) -> np.ndarray:
    """Indices of the points drawn: all of them, or MAX_DRAWN_POINTS evenly spaced ones."""
    if n <= MAX_DRAWN_POINTS:
        return np.arange(n)
    return np.linspace(0, n - 1, MAX_DRAWN_POINTS).round().astype(int)


def _rounded(values: Any) -> list[float]:
    """Floats with 6 significant digits: enough to draw, a third of the page size of full precision."""
    return [float(f"{v:.6g}") for v in np.asarray(values, dtype=np.float64).reshape(-1)]
