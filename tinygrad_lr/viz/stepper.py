"""Step through backward in a browser: one self-contained HTML page per graph.

    backward_stepper(loss, "steps.html", params=model)     # before loss.backward(): it needs the saved values

The page shows the graph (drawn by `draw_graph`'s model, laid out once by Graphviz with the final labels) beside
the narrated step. Step 0 is the state before backward: forward values, every gradient "—". Step k is the state
after the engine ran its k-th node: that op and the edges its gradient flows along are highlighted, every box whose
gradient is complete by then shows it, and the text writes the chain rule of the step with numbers (incoming
gradient x local derivative = what each input receives; summaries for arrays) and where gradients are summed
(`b = a + a`: both contributions, in the order they arrived). Next/Previous buttons, the arrow keys, and `#k` in the
URL (which follows the stepping) move between steps.

Everything shown comes from `observe_backward`, the engine's own walk reporting instead of writing `.grad`: the
steps are the nodes backward() runs, in its order, with the gradients it computes (the same steps, numbered the
same, as `explain_backward` and the step numbers on `draw_graph`'s boxes). Nothing is changed: no `.grad` is
written and the graph keeps its saved values.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import FREED_MESSAGE, Node
from tinygrad_lr.autograd.observe import BackwardStep, BackwardTrace, Sent, observe_backward
from tinygrad_lr.value import Value
from tinygrad_lr.viz import derivatives
from tinygrad_lr.viz.graph import INSTALL_HINT, GraphvizNotFoundError, _as_outputs, _named_values, to_digraph
from tinygrad_lr.viz.graph_model import NO_GRAD, GraphModel, Options, argument_value, build_model, output_value
from tinygrad_lr.viz.page import asset, html_page, write_text
from tinygrad_lr.viz.summary import shape_text, summarize

__all__ = ["backward_stepper"]

FREED_HINT = (
    "backward_stepper needs the values the graph saved for backward, but a backward() call has already freed them. "
    "Call backward_stepper(loss, path) before loss.backward(), or use loss.backward(retain_graph=True)."
)


def backward_stepper(
    outputs: Value | tuple[Value, ...],
    path: str | os.PathLike[str],
    params: Any = None,
    *,
    gradient: Any = None,
    max_elements: int = 6,
    rankdir: str = "TB",
    title: str | None = None,
) -> Path:
    """Write a page that steps through `outputs`' backward (see the module docstring) to `path`; returns the path.

    `outputs` is a Value or a tuple of Values (scalars, or pass `gradient=` for one non-scalar output, as to
    `backward`); `params` names Values as in `draw_graph` (a module or a dict). Needs Graphviz's `dot` to lay out
    the graph, and the graph's saved values (call it before `backward()`, or after `backward(retain_graph=True)`).
    """
    roots = _as_outputs(outputs)
    try:
        trace = observe_backward(roots[0] if len(roots) == 1 else list(roots), gradient)
    except RuntimeError as error:
        if str(error) == FREED_MESSAGE:
            raise RuntimeError(FREED_HINT) from None
        raise
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError(
            f"backward_stepper lays out the graph with Graphviz's `dot`, which is not on PATH. {INSTALL_HINT}"
        )
    named = _named_values(params)
    gradients = _final_gradients(trace, roots)
    options = Options(named, max_elements=max_elements, order=[step.node for step in trace], gradients=gradients)
    model = build_model(roots, options)
    graph = to_digraph(model, rankdir, legend=False)
    graph.graph_attr.pop("size", None)  # natural size: the page scrolls (and scrolls the active step into view)
    svg = graph.pipe(format="svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]  # no XML prolog or DOCTYPE (its DTD address would be a URL on the page)
    narrator = _Narrator(named, model, trace, roots, max_elements)
    data = {
        "steps": len(trace),
        "narration": narrator.all_steps(),
        "boxes": narrator.box_states(),
        "edges": narrator.edge_steps(),
        "active": {str(step.index): model.node_ids.get(step.node) for step in trace},
        "leaves": narrator.leaf_states(),
        "noGrad": NO_GRAD,
    }
    title = title or "Backward, step by step"
    body = asset("stepper.html").replace("{{TITLE}}", html.escape(title)).replace("{{GRAPH}}", svg)
    page = html_page(title, body, asset("common.css") + asset("stepper.css"), asset("stepper.js"), data)
    return write_text(path, page)


def _final_gradients(trace: BackwardTrace, roots: tuple[Value, ...]) -> dict[Any, Any]:
    """What each box shows once backward is done: each op's incoming gradient, each leaf's total, each seed."""
    gradients: dict[Any, Any] = {step.node: step.grad_in for step in trace}
    for total in trace.leaves:
        gradients[total.leaf] = total.grad
    for out in roots:
        if out._grad_fn is not None:
            step = trace.step_of(out._grad_fn)
            seed = next((c.grad for c in step.contributions if c.step == 0), None) if step is not None else None
            gradients[out] = seed
    return gradients


class _Narrator:
    """The text of each step, and at which step each box's and edge's state changes."""

    def __init__(
        self,
        named: dict[int, tuple[str, Value]],
        model: GraphModel,
        trace: BackwardTrace,
        outputs: tuple[Value, ...],
        max_elements: int,
    ) -> None:
        self.named = named
        self.outputs = outputs
        self.names_by_node = {v._grad_fn: name for name, v in named.values() if v._grad_fn is not None}
        self.model = model
        self.trace = trace
        self.max_elements = max_elements
        self.leaf_numbers: dict[Value, int] = {}
        # every contribution to each target, in arrival order, as (step, input index) of the step that sent it
        self.arrivals: dict[Any, list[tuple[int, int]]] = {}
        for step in trace:
            for sent in step.sent:
                if sent.target is not None and sent.grad is not None:
                    self.arrivals.setdefault(sent.target, []).append((step.index, sent.index))
        self.totals = {id(total.leaf): total for total in trace.leaves}
        self.step_index = {step.node: step.index for step in trace}

    # ----- when each box's gradient is known ------------------------------------------------------------
    def box_states(self) -> dict[str, dict[str, Any]]:
        """box id -> {"known": the step from which the box's gradient line shows its value (None: never)}."""
        states: dict[str, dict[str, Any]] = {}
        for step in self.trace:
            box = self.model.node_ids.get(step.node)
            if box is None:
                continue
            arrived = [c.step for c in step.contributions]
            known = max([1, *arrived])  # step 0 shows no gradient, not even the seed
            previous = states.get(box)  # a folded run: known once all of its ops are
            states[box] = {"known": max(known, previous["known"]) if previous else known}
        for leaf, box in self.model.leaf_ids.items():
            arrivals = self.arrivals.get(leaf)
            states[box] = {"known": arrivals[-1][0] if arrivals else None}
        for k, out in enumerate(self.outputs):  # the seed is there from step 1 (step 0: before backward)
            states[f"output{k}"] = {"known": 1 if out._grad_fn is not None else None}
        return states

    def edge_steps(self) -> dict[str, int]:
        """edge id -> the step whose gradient flows along it (the step of the op it leads into)."""
        box_step = {box: step.index for step in self.trace if (box := self.model.node_ids.get(step.node))}
        edges = {}
        for k, edge in enumerate(self.model.edges):
            target = edge.target
            if target in box_step and edge.attrs.get("style") != "dotted":
                edges[f"edge{k}"] = box_step[target]
        return edges

    def leaf_states(self) -> list[dict[str, Any]]:
        """Each leaf's name, total gradient and the step from which it is complete, in backward's order."""
        states = []
        for total in self.trace.leaves:
            arrivals = self.arrivals.get(total.leaf, [])
            states.append(
                {
                    "name": self._leaf_text(total.leaf),
                    "grad": self._values(total.grad),
                    "known": arrivals[-1][0] if arrivals else 0,
                }
            )
        return states

    # ----- the narration ---------------------------------------------------------------------------------
    def all_steps(self) -> list[dict[str, Any]]:
        first = {
            "title": f"Before backward: step 0 of {len(self.trace)}",
            "lines": [
                "The forward pass has computed every value; no gradient is known yet (shown as —).",
                "Backward starts at the output with d(out)/d(out) = 1 and applies the chain rule one op at a time, "
                "in the engine's order: an op runs once every op that used its result has sent its gradient.",
                "Press Next (or the right arrow key).",
            ],
        }
        return [first, *[self._step(step) for step in self.trace]]

    def _step(self, step: BackwardStep) -> dict[str, Any]:
        node = step.node
        title = f"Step {step.index} of {len(self.trace)}: {self._op_text(node)}"
        lines = []
        if step.grad_in is None:
            lines.append("No gradient reaches this op (the ops that used its result sent none): it sends none.")
            return {"title": title, "lines": lines}
        lines.append(f"gradient in: g = d(out)/d({self._op_short(node)}) = {self._values(step.grad_in)}")
        if len(step.contributions) > 1:
            parts = " + ".join(f"{self._values(c.grad)} (from step {c.step})" for c in step.contributions)
            lines.append(f"    summed from {len(step.contributions)} uses of this result: g = {parts}")
        words = derivatives.words(node)
        lines.append("local derivatives: " + "; ".join(words))
        local = self._local_numbers(node)
        for sent in step.sent:
            if sent.target is None:
                continue
            lines += self._product(step, sent, words, local)
        return {"title": title, "lines": lines}

    def _product(self, step: BackwardStep, sent: Sent, words: tuple[str, ...], local: Any) -> list[str]:
        target = self._target_text(sent.target)
        if sent.grad is None or sent.returned is None:
            return [f"input {sent.index} -> {target}: nothing sent"]
        g, returned = np.asarray(step.grad_in), np.asarray(sent.returned)
        factor = None if local is None or sent.index >= len(local) else np.asarray(local[sent.index])
        if factor is not None and g.size == 1 and factor.size == 1:
            line = (
                f"input {sent.index} -> {target}: g x {_derivative_name(words, sent.index)} = {self._values(g)} x "
                f"{self._values(factor)} = {self._values(returned)}"
            )
        elif factor is not None:
            line = (
                f"input {sent.index} -> {target}: g x {_derivative_name(words, sent.index)}, elementwise, with "
                f"{_derivative_name(words, sent.index)} = {self._values(factor)}: sends {self._values(returned)}"
            )
        else:
            rule = words[sent.index] if sent.index < len(words) else words[0]
            rule = f"g x ({rule})" if rule.startswith("d/d") else rule  # in words: the values it needs are not kept
            line = f"input {sent.index} -> {target}: {rule}: sends {self._values(returned)}"
        lines = [line]
        if returned.shape != sent.grad.shape:
            lines.append(
                f"    summed over the broadcast axes to the input's shape {shape_text(sent.grad.shape)}: "
                f"{self._values(sent.grad)}"
            )
        arrivals = self.arrivals.get(sent.target, [])
        if len(arrivals) > 1:
            k = arrivals.index((step.index, sent.index)) + 1
            lines.append(
                f"    contribution {k} of {len(arrivals)} to {target}'s gradient (from steps "
                f"{', '.join(str(s) for s, _ in arrivals)}): backward adds them up"
            )
            total = self.totals.get(id(sent.target))
            if k == len(arrivals) and total is not None:
                parts = " + ".join(self._values(c.grad) for c in total.contributions)
                lines.append(f"    {target}'s gradient, complete: {parts} = {self._values(total.grad)}")
        return lines

    def _local_numbers(self, node: Node) -> Any:
        """The local derivative's numbers, for elementwise ops, when the values it needs are known (what the op
        saved, the leaves, study mode)."""
        inputs = []
        for i in range(node._n_in):
            value = argument_value(node, i)
            inputs.append(value._data if isinstance(value, Value) else value)
        return derivatives.numbers(node, inputs, output_value(node))

    # ----- names and numbers -------------------------------------------------------------------------------
    def _op_text(self, node: Node) -> str:
        name = self.names_by_node.get(node)
        return f"{name} = {node.name()}" if name else node.name()

    def _op_short(self, node: Node) -> str:
        return self.names_by_node.get(node) or f"{node.name()} output"

    def _target_text(self, target: Any) -> str:
        if isinstance(target, Node):
            index = self.step_index.get(target)
            return f"{self._op_short(target)} (step {index})" if index is not None else self._op_short(target)
        return self._leaf_text(target)

    def _leaf_text(self, leaf: Value) -> str:
        entry = self.named.get(id(leaf))
        if entry is not None:
            return entry[0]
        if leaf not in self.leaf_numbers:
            self.leaf_numbers[leaf] = len(self.leaf_numbers)
        return f"leaf #{self.leaf_numbers[leaf]} {shape_text(leaf.shape)}"

    def _values(self, array: Any) -> str:
        array = np.asarray(array)
        text = summarize(array, self.max_elements, norm=True)
        return text if array.size <= self.max_elements else f"({text}; shape {shape_text(array.shape)})"


def _derivative_name(words: tuple[str, ...], index: int) -> str:
    text = words[index] if index < len(words) else ""
    return text.split(" = ")[0] if text.startswith("d/d") else f"d/d(input {index})"
