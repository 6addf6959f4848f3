"""The files the command writes besides its text: plots (matplotlib, optional) and gradient graphs (Graphviz).

Each function prints one line saying what it wrote, or, when an optional tool is missing, how to get it; the
rest of the command goes on either way.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_lr.plotting import PlottingUnavailableError, plot_fit, plot_losses
from tinygrad_lr.viz import draw_graph, render_graph, save_source


def write_loss_plot(curves: dict[str, Sequence[float]], path: Path, title: str) -> Path | None:
    try:
        written = plot_losses(curves, path, title=title)
    except PlottingUnavailableError as error:
        print(f"  no loss plot: {error}")
        return None
    print(f"  {written}  (loss per epoch)")
    return written


def write_fit_plot(
    x: np.ndarray, y: np.ndarray, lines: dict[str, tuple[np.ndarray, np.ndarray]], path: Path, xlabel: str,
    ylabel: str, title: str,
) -> Path | None:
    try:
        written = plot_fit(x, y, lines, path, xlabel=xlabel, ylabel=ylabel, title=title)
    except PlottingUnavailableError as error:
        print(f"  no plot: {error}")
        return None
    print(f"  {written}  (the fit)")
    return written


def write_graph(loss: Any, params: dict[str, Any], path: Path) -> None:
    """The backward graph of `loss` (after backward, so it shows the gradients): the image the suffix asks for
    (.svg, .png, .pdf; needs Graphviz's `dot`) or DOT source for .gv/.dot or when `dot` is missing."""
    graph = draw_graph(loss, params=params)
    if path.suffix.lower() in (".gv", ".dot"):
        print(f"  {save_source(graph, path)}  (gradient graph, Graphviz source)")
    elif shutil.which("dot") is None:
        source = save_source(graph, path.with_suffix(".gv"))
        print(f"  {source}  (gradient graph source; no image: Graphviz's `dot` is not installed: apt-get install "
              f"graphviz or brew install graphviz, then dot -T{path.suffix[1:] or 'svg'} {source} -o {path})")
    else:
        print(f"  {render_graph(graph, path)}  (gradient graph with every value and gradient)")
