"""Draw the backward graph of a Value with Graphviz, in torchviz's style, with values and gradients.

    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    graph = draw_graph(loss, params=dict(model.named_parameters()))
    render_graph(graph, "loss.png")          # needs Graphviz's `dot`; graph.source is plain text

What is drawn (edges run from an input to the op that consumed it, as torchviz draws them):
- grey boxes: recorded ops, named by their node (`MulBackward0`, `MmBackward0`, ...);
- light blue boxes: leaf Values that require grad, with their name from `params`, shape, data and `.grad`;
- green boxes: the outputs, with their values;
- orange boxes (`show_saved=True`): what each op saved for its backward.
Intermediate results are not stored in the graph (only the ops are); name one in `params`, or call
`retain_grad()` on it before backward, to see its value (and gradient) on its op's box.

The walk is iterative (breadth-first from the outputs), so a graph a million ops deep draws without
recursion, and node ids are numbered in that order, so the same graph always gives the same source text.
"""

from __future__ import annotations

import os
import shutil
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from tinygrad_lr.autograd.function import Node
from tinygrad_lr.value import Value
from tinygrad_lr.viz.summary import shape_text, summarize

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
OP_COLOR = "lightgrey"
LEAF_COLOR = "lightblue"
OUTPUT_COLOR = "darkolivegreen1"
SAVED_COLOR = "orange"
RENDER_FORMATS = ("png", "svg", "pdf")
MAX_ATTR_CHARS = 50

INSTALL_HINT = (
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz`, or the installer from https://graphviz.org/download/ (Windows; add it to PATH). "
    "Without it you can still save the graph's source text with save_source(graph, path) and render it elsewhere."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` program, which turns graph source into an image, is not on PATH."""


def draw_graph(
    outputs: Value | tuple[Value, ...],
    params: Any = None,
    show_data: bool = True,
    show_grad: bool = True,
    show_saved: bool = False,
    max_elements: int = 6,
) -> graphviz.Digraph:
    """The backward graph leading to `outputs` (a Value or a tuple of Values), as a `graphviz.Digraph`.

    `params` names Values in the drawing: a dict name -> Value such as `dict(model.named_parameters())`
    (a module with `named_parameters()` works too). Non-leaf Values in it name their op's box, and entries
    that are not Values are skipped, so `params=locals()` works in a script. `show_data`/`show_grad` add
    each Value's data and `.grad` (arrays with more than `max_elements` values are summarized by their mean
    and range); `show_saved` adds what each op saved for backward and its other attributes.
    Building the graph needs only the Python package; `render_graph` needs Graphviz's `dot`.
    """
    roots = _as_outputs(outputs)
    drawer = _GraphDrawer(_named_values(params), show_data, show_grad, show_saved, max_elements)
    return drawer.draw(roots)


def render_graph(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Render `graph` to an image file with Graphviz's `dot` and return its path.

    The format is `format` ('png', 'svg' or 'pdf'), else the suffix of `path`, else 'png' (a missing suffix is
    added). Checks for `dot` before doing anything, and raises `GraphvizNotFoundError` saying how to install it.
    """
    path = Path(path)
    if format is None:
        format = path.suffix[1:].lower() if path.suffix[1:].lower() in RENDER_FORMATS else "png"
    format = format.lower()
    if format not in RENDER_FORMATS:
        raise ValueError(f"render_graph: format must be one of {', '.join(RENDER_FORMATS)}, got {format!r}")
    if path.suffix.lower() != f".{format}":
        path = path.with_name(path.name + f".{format}")
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError(
            f"can't render the graph to {format}: Graphviz's `dot` program is not on PATH "
            f"(the `graphviz` Python package is only its front end). {INSTALL_HINT}"
        )
    image = graph.pipe(format=format)
    _write_bytes(path, image)
    return path


def save_source(graph: graphviz.Digraph, path: str | os.PathLike[str]) -> Path:
    """Write the graph's DOT source text (no Graphviz program needed); render it later with `dot -Tpng`."""
    path = Path(path)
    _write_bytes(path, graph.source.encode("utf-8"))
    return path


def _write_bytes(path: Path, content: bytes) -> None:
    """Write via a temporary file and rename, so a failed write never leaves half a file."""
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


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


class _GraphDrawer:
    """One drawing: assigns ids in visiting order and writes nodes and edges into a Digraph."""

    def __init__(
        self,
        named: dict[int, tuple[str, Value]],
        show_data: bool,
        show_grad: bool,
        show_saved: bool,
        max_elements: int,
    ) -> None:
        self.named = named
        self.named_by_node = {v._grad_fn: (name, v) for name, v in named.values() if v._grad_fn is not None}
        self.show_data = show_data
        self.show_grad = show_grad
        self.show_saved = show_saved
        self.max_elements = max_elements
        self.ids: dict[Any, str] = {}  # Node or leaf Value -> its DOT id, keyed by the object itself
        self.output_ids: set[int] = set()
        self.op_count = 0
        self.leaf_count = 0
        self.graph = graphviz.Digraph("backward_graph", node_attr=NODE_ATTR, graph_attr={"size": "12,12"})

    def draw(self, outputs: tuple[Value, ...]) -> graphviz.Digraph:
        queue: deque[Node] = deque()
        self.output_ids = {id(out) for out in outputs}
        for k, out in enumerate(outputs):
            out_id = f"output{k}"
            self.graph.node(out_id, self._output_label(out), fillcolor=OUTPUT_COLOR)
            fn = out._grad_fn
            if fn is not None:
                self.graph.edge(self._op_id(fn, queue), out_id)
        while queue:
            node = queue.popleft()
            node_id = self.ids[node]
            self.graph.node(node_id, self._op_label(node), fillcolor=OP_COLOR)
            if self.show_saved:
                self._draw_saved(node, node_id)
            for entry in node.next_entries:
                if entry is None:
                    continue
                source = self._op_id(entry, queue) if isinstance(entry, Node) else self._leaf_id(entry)
                self.graph.edge(source, node_id)
        size = max(12.0, 0.15 * len(self.graph.body))
        self.graph.graph_attr["size"] = f"{size:g},{size:g}"
        return self.graph

    def _op_id(self, node: Node, queue: deque[Node]) -> str:
        if node not in self.ids:
            self.ids[node] = f"op{self.op_count}"
            self.op_count += 1
            queue.append(node)
        return self.ids[node]

    def _leaf_id(self, leaf: Value) -> str:
        if leaf not in self.ids:
            leaf_id = f"leaf{self.leaf_count}"
            self.leaf_count += 1
            self.ids[leaf] = leaf_id
            self.graph.node(leaf_id, self._leaf_label(leaf), fillcolor=LEAF_COLOR)
        return self.ids[leaf]

    # ----- labels -----------------------------------------------------------------------------
    def _name_of(self, value: Value) -> str:
        entry = self.named.get(id(value))
        return entry[0] if entry is not None else ""

    def _value_lines(self, value: Value, with_grad: bool) -> list[str]:
        lines = []
        if self.show_data:
            lines.append(f"data {summarize(value._data, self.max_elements)}")
        if self.show_grad and with_grad:
            grad = value._grad
            lines.append(f"grad {'None' if grad is None else summarize(grad._data, self.max_elements)}")
        return lines

    def _leaf_label(self, leaf: Value) -> str:
        name = self._name_of(leaf)
        first = f"{name}\n{shape_text(leaf.shape)}" if name else shape_text(leaf.shape)
        return "\n".join([first, *self._value_lines(leaf, with_grad=True)])

    def _output_label(self, out: Value) -> str:
        name = self._name_of(out)
        lines = [f"{name}\n{shape_text(out.shape)}" if name else shape_text(out.shape)]
        if self.show_data:
            lines.append(f"value {summarize(out._data, self.max_elements)}")
        if self.show_grad and (out._grad_fn is None or out.retains_grad):
            lines.append(f"grad {'None' if out._grad is None else summarize(out._grad._data, self.max_elements)}")
        if not out._requires_grad:
            lines.append("(requires_grad=False: no graph)")
        return "\n".join(lines)

    def _op_label(self, node: Node) -> str:
        lines = [node.name()]
        named = self.named_by_node.get(node)
        retained = node._retained() if node._retained is not None else None
        value = named[1] if named is not None else retained
        if named is not None:
            lines.append(f"-> {named[0]} {shape_text(named[1].shape)}")
        else:
            lines.append(f"-> {shape_text(node.out_shape)}")
        if value is not None and id(value) not in self.output_ids:  # an output's box shows it already
            lines += self._value_lines(value, with_grad=value.retains_grad)
        if self.show_saved:
            attributes = getattr(node, "__dict__", {})
            for key, attr in sorted((k, a) for k, a in attributes.items() if not k.startswith("_")):
                text = f"{key}: {attr!r}"
                lines.append(text if len(text) <= MAX_ATTR_CHARS else text[: MAX_ATTR_CHARS - 3] + "...")
            if node._released:
                lines.append("(saved values freed by backward)")
        return "\n".join(lines)

    def _draw_saved(self, node: Node, node_id: str) -> None:
        if node._released:
            return
        for i, saved in enumerate(node.saved_tensors):
            if saved is None:
                continue
            what = _saved_role(node, i)
            array = np.asarray(saved._data if isinstance(saved, Value) else saved)
            lines = [f"saved[{i}]: {what}", shape_text(array.shape)]
            if self.show_data:
                lines.append(f"data {summarize(array, self.max_elements)}")
            saved_id = f"{node_id}_saved{i}"
            self.graph.node(saved_id, "\n".join(lines), fillcolor=SAVED_COLOR)
            self.graph.edge(saved_id, node_id, dir="none", style="dashed")


def _saved_role(node: Node, k: int) -> str:
    """Whether the k-th saved array is the op's output, one of its inputs, or something forward computed."""
    role = node.saved_role(k)
    if role is None:
        return "array"
    return "output" if role == -1 else f"input {role}"
