"""Draw the backward graph of a Value with Graphviz, in torchviz's style, with values and gradients.

    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    graph = draw_graph(loss, params=dict(model.named_parameters()))
    render_graph(graph, "loss.png")          # needs Graphviz's `dot`; graph.source is plain text

What is drawn is decided in `graph_model.py` (boxes for outputs, ops, leaves, no-grad inputs, constants, saved
values, folded runs; edges labelled with backward's steps); this module writes it as DOT and renders it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import graphviz

from tinygrad_lr.value import Value
from tinygrad_lr.viz.graph_model import (
    LARGE_COLOR,
    LARGE_GRADIENT,
    NONFINITE_COLOR,
    ZERO_COLOR,
    GraphModel,
    Options,
    build_model,
)
from tinygrad_lr.viz.page import write_bytes

__all__ = ["GraphvizNotFoundError", "draw_graph", "render_graph", "save_source"]

NODE_ATTR = {
    "style": "filled",
    "shape": "box",
    "align": "left",
    "fontsize": "10",
    "ranksep": "0.1",
    "height": "0.2",
    "fontname": "monospace",
}
RENDER_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg")
RANKDIRS = ("TB", "BT", "LR", "RL")

INSTALL_HINT = (
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz`, or the installer from https://graphviz.org/download/ (Windows; add it to PATH). "
    "Without it you can still save the graph's source text with save_source(graph, path) and render it elsewhere."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program, which turns graph source into an image, is not on PATH."""


class BackwardGraph(graphviz.Digraph):
    """A `graphviz.Digraph` that, shown in Jupyter without Graphviz's `dot`, displays its DOT text and how to
    install `dot` instead of raising `ExecutableNotFound`."""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        if shutil.which("dot") is None:
            hint = f"// Can't draw this graph: Graphviz's `dot` is not on PATH. {INSTALL_HINT}"
            return {"text/plain": f"{self.source}\n{hint}"}
        return super()._repr_mimebundle_(include, exclude, **kwargs)


def draw_graph(
    outputs: Value | tuple[Value, ...],
    params: Any = None,
    show_data: bool = True,
    show_grad: bool = True,
    show_saved: bool = False,
    max_elements: int = 6,
    *,
    expand: bool = False,
    rankdir: str = "TB",
    max_nodes: int = 500,
    legend: bool = True,
) -> graphviz.Digraph:
    """The backward graph leading to `outputs` (a Value or a tuple of Values), as a `graphviz.Digraph`.

    `params` names Values in the drawing: a dict name -> Value such as `dict(model.named_parameters())`, or a
    module (its parameters, grouped in one labelled cluster per submodule: `0`, `fc1`). Non-leaf Values in it name
    their op's box, and entries that are not Values are skipped, so `params=locals()` works in a script.
    `show_data`/`show_grad` add each Value's data and gradient ("—" before backward; arrays with more than
    `max_elements` values are summarized by mean, range and norm); `show_saved` adds what each op saved for
    backward and its other attributes. Ops recorded inside `viz.record()` show their value and gradient too.
    `expand=True` draws Linear's fused addmm as matmul + add and MSELoss as sub, pow, mean. `rankdir` is Graphviz's
    direction ('TB' top to bottom, 'BT', 'LR', 'RL'). A graph of more than `max_nodes` ops is reduced: runs of
    the same op are folded into one box, then the ops farthest from the output left out, with a note saying so.
    Building the graph needs only the Python package; `render_graph` needs Graphviz's `dot`.
    """
    roots = _as_outputs(outputs)
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not (isinstance(max_nodes, int) and max_nodes >= 1):
        raise ValueError(f"draw_graph: max_nodes must be a positive int, got {max_nodes!r}")
    options = Options(_named_values(params), show_data, show_grad, show_saved, max_elements, expand, max_nodes)
    return to_digraph(build_model(roots, options), rankdir, legend)


def to_digraph(model: GraphModel, rankdir: str = "TB", legend: bool = True) -> BackwardGraph:
    """Write the boxes and edges of a GraphModel as a Digraph (each box's DOT id is also its SVG element id)."""
    graph = BackwardGraph("backward_graph", node_attr=NODE_ATTR, graph_attr={"size": "12,12", "rankdir": rankdir})
    clusters: dict[str, list[Any]] = {}
    for box in model.boxes.values():
        attrs = {**box.attrs, "id": box.id}
        if box.cluster is None:
            graph.node(box.id, "\n".join(box.lines), **attrs)
        else:
            clusters.setdefault(box.cluster, []).append((box, attrs))
    for name, members in clusters.items():
        with graph.subgraph(name=f"cluster_{name}") as cluster:
            cluster.attr(label=name, style="rounded,dashed", color="slategray", fontname="monospace")
            for box, attrs in members:
                cluster.node(box.id, "\n".join(box.lines), **attrs)
    for k, edge in enumerate(model.edges):
        graph.edge(edge.source, edge.target, **edge.attrs, id=f"edge{k}")
    if model.notes:
        graph.node("note", "\n".join(model.notes), shape="note", fillcolor="lightyellow", id="note")
    if legend:
        graph.node("legend", LEGEND, shape="plaintext", style="", id="legend")
    size = max(12.0, 0.15 * len(graph.body))
    graph.graph_attr["size"] = f"{size:g},{size:g}"
    return graph


LEGEND = (
    '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
    '<TR><TD COLSPAN="2"><B>legend</B></TD></TR>'
    '<TR><TD BGCOLOR="darkolivegreen1">output</TD><TD ALIGN="LEFT">value; grad after backward</TD></TR>'
    '<TR><TD BGCOLOR="lightgrey">op</TD><TD ALIGN="LEFT">grad_fn name, local derivative, backward step</TD></TR>'
    '<TR><TD BGCOLOR="lightblue">leaf</TD><TD ALIGN="LEFT">requires grad: data and .grad</TD></TR>'
    '<TR><TD BGCOLOR="white">input</TD><TD ALIGN="LEFT">no grad (X, y): dotted edge</TD></TR>'
    '<TR><TD BGCOLOR="lightyellow">constant</TD><TD ALIGN="LEFT">a number such as the 10 of 10 / f</TD></TR>'
    '<TR><TD>edge label k</TD><TD ALIGN="LEFT">the gradient flows along it at backward step k</TD></TR>'
    '<TR><TD>grad —</TD><TD ALIGN="LEFT">not computed yet (before backward)</TD></TR>'
    f'<TR><TD COLOR="{ZERO_COLOR}" BORDER="3">(zero)</TD><TD ALIGN="LEFT">border: gradient zero everywhere</TD></TR>'
    f'<TR><TD COLOR="{NONFINITE_COLOR}" BORDER="3">(NaN/inf!)</TD>'
    '<TD ALIGN="LEFT">border: gradient not finite</TD></TR>'
    f'<TR><TD COLOR="{LARGE_COLOR}" BORDER="3">(very large)</TD>'
    f'<TD ALIGN="LEFT">border: a gradient element beyond {int(LARGE_GRADIENT):,} in size</TD></TR>'
    "</TABLE>>"
)


def render_graph(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Render `graph` to an image file with Graphviz's `dot` and return its path.

    The format is `format` ('png', 'svg', 'pdf', 'jpg'), else the suffix of `path`; a path without a suffix gets
    '.png'. A suffix that is not an image format, or that disagrees with `format`, is refused rather than
    silently extended. Checks for `dot` before doing anything, and raises `GraphvizNotFoundError` saying how to
    install it; a path that can't be written raises an OSError naming it.
    """
    path = Path(path)
    suffix = path.suffix[1:].lower()
    if format is None:
        format = suffix or "png"
    format = format.lower()
    if format not in RENDER_FORMATS:
        raise ValueError(
            f"render_graph: can't render {str(path)!r}: the format must be one of {', '.join(RENDER_FORMATS)}, "
            f"got {format!r}"
        )
    if not suffix:
        path = path.with_name(path.name + f".{format}")
    elif _canonical(suffix) != _canonical(format):
        raise ValueError(
            f"render_graph: the path {str(path)!r} ends in .{suffix} but the format is {format!r}: "
            f"name the file .{format} or pass format={suffix!r}"
        )
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError(
            f"can't render the graph to {format}: Graphviz's `dot` program is not on PATH "
            f"(the `graphviz` Python package is only its front end). {INSTALL_HINT}"
        )
    image = graph.pipe(format=_canonical(format))
    write_bytes(path, image)
    return path


def save_source(graph: graphviz.Digraph, path: str | os.PathLike[str]) -> Path:
    """Write the graph's DOT source text (no Graphviz program needed); render it later with `dot -Tpng`."""
    path = Path(path)
    write_bytes(path, graph.source.encode("utf-8"))
    return path


def _canonical(format: str) -> str:
    return "jpg" if format == "jpeg" else format


def _as_outputs(outputs: Any) -> tuple[Value, ...]:
    if isinstance(outputs, Value):
        return (outputs,)
    if isinstance(outputs, list):
        raise TypeError(
            "draw_graph takes a Value or a tuple of Values, got a list: pass tuple(outputs) to draw several outputs"
        )
    if isinstance(outputs, tuple) and outputs and all(isinstance(v, Value) for v in outputs):
        return outputs
    if isinstance(outputs, tuple):
        kinds = ", ".join(type(v).__name__ for v in outputs) or "an empty tuple"
        raise TypeError(f"draw_graph takes a Value or a tuple of Values, got a tuple of {kinds}")
    raise TypeError(f"draw_graph takes a Value or a tuple of Values, got {type(outputs).__name__}")


def _named_values(params: Any) -> dict[int, tuple[str, Value]]:
    """id(Value) -> (name, Value) for every Value in `params`; the first name given to a Value wins."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters") and callable(params.named_parameters):
        params = dict(params.named_parameters())
    if not isinstance(params, Mapping):
        raise TypeError(
            f"params must be a dict of name -> Value such as dict(model.named_parameters()), got "
            f"{type(params).__name__}"
        )
    named: dict[int, tuple[str, Value]] = {}
    for name, value in params.items():
        if isinstance(value, Value) and id(value) not in named:
            named[id(value)] = (str(name), value)
    return named
