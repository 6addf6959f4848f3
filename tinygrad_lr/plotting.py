"""Pictures of training with matplotlib, an optional extra (`pip install "tinygrad_lr[plot]"`).

matplotlib is imported only when a picture is asked for, never at `import tinygrad_lr`. Without it, `pyplot()`
raises `PlottingUnavailableError` whose message says how to install it, so a caller can print that one line and go on.
Every function writes a file (PNG, SVG or PDF by the suffix) and returns its path; nothing opens a window.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["PlottingUnavailableError", "plot_fit", "plot_losses", "pyplot"]

INSTALL_HINT = 'pip install "tinygrad_lr[plot]" (or pip install matplotlib)'


class PlottingUnavailableError(ImportError):
    """matplotlib is not installed: the message says how to get it."""


def pyplot() -> Any:
    """matplotlib.pyplot on the non-interactive Agg backend (files only), or PlottingUnavailableError."""
    try:
        import matplotlib
    except ImportError:
        raise PlottingUnavailableError(f"plots need matplotlib, which is not installed: {INSTALL_HINT}") from None
    matplotlib.use("Agg")  # write files; never try to open a window (there may be no display)
    import matplotlib.pyplot as plt

    return plt


def plot_losses(
    curves: dict[str, Sequence[float]], path: str | os.PathLike[str], title: str = "training loss",
    log_scale: bool = True,
) -> Path:
    """One line per named loss curve against the epoch (1-based); a log y axis shows the late, small losses too.

    Non-finite and non-positive values are left out of a log plot (a diverged run stops where it overflowed).
    """
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    for label, values in curves.items():
        y = np.asarray(values, dtype=np.float64)
        x = np.arange(1, len(y) + 1)
        keep = np.isfinite(y) & ((y > 0) if log_scale else True)
        axes.plot(x[keep], y[keep], label=label)
    if log_scale:
        axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title)
    if len(curves) > 1:
        axes.legend()
    return _save(plt, figure, path)


def plot_fit(
    x: np.ndarray, y: np.ndarray, lines: dict[str, tuple[np.ndarray, np.ndarray]], path: str | os.PathLike[str],
    xlabel: str = "x", ylabel: str = "y", title: str = "",
) -> Path:
    """The data as dots and each named model as a line through its (x, prediction) points, sorted by x."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.scatter(x, y, s=12, color="tab:red", label="data")
    styles = ["k--", "tab:blue", "tab:green", "tab:orange"]
    for (label, (line_x, line_y)), style in zip(lines.items(), styles * len(lines)):
        order = np.argsort(line_x)
        if style.startswith("tab:"):
            axes.plot(line_x[order], line_y[order], color=style, label=label)
        else:
            axes.plot(line_x[order], line_y[order], style, label=label)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    if title:
        axes.set_title(title)
    axes.legend()
    return _save(plt, figure, path)


def _save(plt: Any, figure: Any, path: str | os.PathLike[str]) -> Path:
    out = Path(path)
    figure.tight_layout()
    try:
        figure.savefig(out)
    finally:
        plt.close(figure)
    return out
