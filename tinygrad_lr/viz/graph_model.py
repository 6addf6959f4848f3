"""What a drawing of the backward graph contains: boxes, edges and notes, before they become Graphviz text.

`build_model` walks the graph from the outputs (breadth first, iteratively) and decides every box's text, shape and
colour; `graph.draw_graph` writes the result as DOT and the stepper page (`viz.stepper`) reuses it, so both show the
same boxes with the same ids. Ids are numbered in visiting order (`output0`, `op0`, `leaf0`, `input0`, `const0`),
never `id()`, so the same computation always gives the same drawing.

Boxes:
- output (green): each output, with its value and, after backward, its gradient (the seed, 1 for a scalar);
- op (grey): a recorded op, named as its `grad_fn` (`MulBackward0`), with its output's shape and dtype, its local
  derivative in words (`d/da = b`), its backward step, and, when its value is known (study mode, a name in
  `params`, `retain_grad()`), its value, its gradient and its local derivative in numbers;
- leaf (light blue): a Value that requires grad, with data and `.grad` ("—" before any backward);
- input (white note): a Value that needs no gradient (X, y); const (yellow ellipse): a number such as the 10.0 of
  `10.0 / f`. The graph only references them through what ops saved for backward, so outside study mode
  (`viz.record()`) they are drawn when an op saved them;
- saved (orange, `show_saved=True`): what each op saved for backward;
- fold: a run of the same op folded into one box when the graph has more than `max_nodes` ops.
A gradient that is zero everywhere, not finite, or very large gets a coloured border and a word saying so.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Node
from tinygrad_lr.value import Value
from tinygrad_lr.viz import derivatives
from tinygrad_lr.viz.schedule import backward_order
from tinygrad_lr.viz.study import study_record
from tinygrad_lr.viz.summary import shape_text, summarize

OP_COLOR = "lightgrey"
LEAF_COLOR = "lightblue"
OUTPUT_COLOR = "darkolivegreen1"
SAVED_COLOR = "orange"
INPUT_COLOR = "white"
CONST_COLOR = "lightyellow"
FOLD_COLOR = "gainsboro"
ZERO_COLOR = "goldenrod"
NONFINITE_COLOR = "red"
LARGE_COLOR = "darkorange"
LARGE_GRADIENT = 1e6  # a gradient element beyond this magnitude is flagged as very large
MAX_ATTR_CHARS = 50
NO_GRAD = "—"  # what a gradient reads before backward (never 0: it is not zero, it is not computed yet)
FOLD_MIN_RUN = 3  # shorter runs of the same op stay as they are


@dataclass
class Box:
    """One box of the drawing: its DOT id, kind, text lines and DOT attributes."""

    id: str
    kind: str
    lines: list[str]
    attrs: dict[str, str] = field(default_factory=dict)
    cluster: str | None = None
    step: int | None = None  # for op boxes: the backward step that runs this op
    input_targets: list[str] | None = None  # an expanded op: which of its boxes receives each input


@dataclass
class Edge:
    source: str
    target: str
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class GraphModel:
    boxes: dict[str, Box]
    edges: list[Edge]
    notes: list[str]
    order: list[Node]  # the backward schedule: order[k - 1] runs at step k
    node_ids: dict[Node, str]  # each drawn op's box id (a folded op: its fold box)
    leaf_ids: dict[Value, str]
    output_ids: list[str]


@dataclass
class Options:
    named: dict[int, tuple[str, Value]]
    show_data: bool = True
    show_grad: bool = True
    show_saved: bool = False
    max_elements: int = 6
    expand: bool = False
    max_nodes: int = 500
    order: list[Node] | None = None  # the backward schedule, when the caller has it (the stepper)
    # gradients to show instead of the stored `.grad`s: Node -> dout/d(its output), leaf or output Value -> its
    # gradient (the stepper shows what one backward computes, from the engine's observer)
    gradients: dict[Any, Any] | None = None


def build_model(outputs: tuple[Value, ...], options: Options) -> GraphModel:
    return _Builder(options).build(outputs)


def gradient_flag(grad: Any) -> tuple[str, dict[str, str]]:
    """A word and border attributes for a gradient worth noticing: zero everywhere, NaN/inf, or very large."""
    if grad is None:
        return "", {}
    array = np.asarray(grad)
    if array.size == 0 or array.dtype.kind not in "fc":
        return "", {}
    if not np.isfinite(array).all():
        return "  (NaN/inf!)", {"color": NONFINITE_COLOR, "penwidth": "3"}
    if not array.any():
        return "  (zero)", {"color": ZERO_COLOR, "penwidth": "3"}
    if np.abs(array).max() > LARGE_GRADIENT:
        return "  (very large)", {"color": LARGE_COLOR, "penwidth": "3"}
    return "", {}


class _Builder:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.named_by_node = {v._grad_fn: (name, v) for name, v in options.named.values() if v._grad_fn is not None}
        self.boxes: dict[str, Box] = {}
        self.edges: list[Edge] = []
        self.notes: list[str] = []
        self.ids: dict[Any, str] = {}
        self.counts: dict[str, int] = {}
        self.output_value_ids: set[int] = set()
        self.backward_ran = False
        self.fold_leaves: dict[str, int] = {}  # fold box id -> leaves drawn or counted for its run

    # ----- the walk -----------------------------------------------------------------------------------
    def build(self, outputs: tuple[Value, ...]) -> GraphModel:
        ops, consumers = self._walk(outputs)
        order = self.o.order if self.o.order is not None else backward_order(outputs)
        self.step_of = {node: k for k, node in enumerate(order, start=1)}
        self.backward_ran = any(node._released for node in ops) or any(
            (rec := study_record(node)) is not None and rec.output._grad is not None for node in ops
        )
        fold_of = self._plan_folds(ops, consumers) if len(ops) > self.o.max_nodes else {}
        drawn = self._limit(ops, fold_of)
        output_ids = []
        for k, out in enumerate(outputs):
            out_id = f"output{k}"
            output_ids.append(out_id)
            self.output_value_ids.add(id(out))
            self._add(Box(out_id, "output", self._output_lines(out), {"fillcolor": OUTPUT_COLOR}))
        for k, out in enumerate(outputs):
            if out._grad_fn is not None:
                self.edges.append(Edge(self._unit(out._grad_fn, fold_of), f"output{k}"))
        folded_edges: dict[tuple[str, str], int] = {}
        for node in ops:
            if node not in drawn:
                continue
            unit = self._unit(node, fold_of)
            if unit not in self.boxes:
                if node in fold_of:
                    self._add_fold(unit, fold_of[node])
                elif self.o.expand and node._function.__name__ in ("Linear", "MSELoss"):
                    self._add_expanded(node, unit)
                else:
                    self._add(self._op_box(node, unit))
            self._add_inputs(node, unit, drawn, fold_of, folded_edges)
        for (source, target), count in folded_edges.items():
            label = f"x {count:,}" if count > 1 else ""
            self.edges.append(Edge(source, target, {"label": label} if label else {}))
        node_ids = {node: self._unit(node, fold_of) for node in ops if node in drawn}
        leaf_ids = {key: box for key, box in self.ids.items() if isinstance(key, Value) and box.startswith("leaf")}
        return GraphModel(self.boxes, self.edges, self.notes, order, node_ids, leaf_ids, output_ids)

    def _walk(self, outputs: tuple[Value, ...]) -> tuple[list[Node], dict[Node, int]]:
        """Ops in breadth-first order from the outputs, and how many drawn consumers each has."""
        ops: list[Node] = []
        consumers: dict[Node, int] = {}
        queue: deque[Node] = deque()
        for out in outputs:
            fn = out._grad_fn
            if fn is not None and fn not in consumers:
                consumers[fn] = 0
                queue.append(fn)
        while queue:
            node = queue.popleft()
            ops.append(node)
            for entry in node.next_entries:
                if isinstance(entry, Node):
                    if entry not in consumers:
                        consumers[entry] = 0
                        queue.append(entry)
                    consumers[entry] += 1
        for node in ops:  # ids in visiting order, as before folding
            self.ids[node] = self._next_id("op")
        return ops, consumers

    def _next_id(self, prefix: str) -> str:
        k = self.counts.get(prefix, 0)
        self.counts[prefix] = k + 1
        return f"{prefix}{k}"

    def _add(self, box: Box) -> None:
        self.boxes[box.id] = box

    # ----- folding big graphs ---------------------------------------------------------------------------
    def _plan_folds(self, ops: list[Node], consumers: dict[Node, int]) -> dict[Node, list[Node]]:
        """Runs of the same op, each feeding only the next (a chain): node -> its run, for runs of FOLD_MIN_RUN+."""
        fold_of: dict[Node, list[Node]] = {}
        for node in ops:
            if node in fold_of:
                continue
            run = [node]
            current = node
            while True:
                inner = [e for e in current.next_entries if isinstance(e, Node)]
                if len(inner) != 1:
                    break
                previous = inner[0]
                if consumers[previous] != 1 or previous.name() != node.name() or previous in fold_of:
                    break
                run.append(previous)
                current = previous
            if len(run) >= FOLD_MIN_RUN:
                for member in run:
                    fold_of[member] = run
        runs = {id(run): run for run in fold_of.values()}
        if runs:
            folded = sum(len(run) for run in runs.values())
            self.notes.append(
                f"{len(ops):,} ops, more than max_nodes={self.o.max_nodes}: {len(runs)} run(s) of the same op "
                f"({folded:,} ops) folded into one box each"
            )
        return fold_of

    def _unit(self, node: Node, fold_of: dict[Node, list[Node]]) -> str:
        run = fold_of.get(node)
        if run is None:
            return self.ids[node]
        return f"fold_{self.ids[run[0]]}"

    def _limit(self, ops: list[Node], fold_of: dict[Node, list[Node]]) -> set[Node]:
        """The ops drawn: every one, or (still too many after folding) the first max_nodes units in walk order."""
        units: set[str] = set()
        drawn: set[Node] = set()
        for node in ops:
            unit = self._unit(node, fold_of)
            if unit not in units and len(units) >= self.o.max_nodes:
                continue
            units.add(unit)
            drawn.add(node)
        if len(drawn) < len(ops):
            self.notes.append(
                f"{len(ops) - len(drawn):,} ops farther from the output are not drawn (max_nodes={self.o.max_nodes})"
            )
        return drawn

    def _add_fold(self, unit: str, run: list[Node]) -> None:
        steps = sorted(self.step_of[node] for node in run if node in self.step_of)
        lines = [f"{run[0].name()} x {len(run):,}", "(a chain of the same op, folded)"]
        if steps:
            lines.append(f"steps {steps[0]:,}-{steps[-1]:,}")
        self._add(Box(unit, "fold", lines, {"fillcolor": FOLD_COLOR, "style": "filled,dashed"}))

    # ----- inputs of an op: leaves, other ops, no-grad inputs, constants, saved values ------------------
    def _add_inputs(
        self,
        node: Node,
        unit: str,
        drawn: set[Node],
        fold_of: dict[Node, list[Node]],
        folded_edges: dict[tuple[str, str], int],
    ) -> None:
        target = self.boxes[unit]
        step = self.step_of.get(node)
        for i, entry in enumerate(node.next_entries):
            to = target.input_targets[i] if target.input_targets else unit
            if entry is None:
                if node not in fold_of:
                    self._add_no_grad_input(node, i, to)
                continue
            if isinstance(entry, Node):
                if entry not in drawn:
                    continue
                source = self._unit(entry, fold_of)
            elif node in fold_of and entry not in self.ids and self.fold_leaves.get(unit, 0) >= FOLD_MIN_RUN:
                source = self._folded_leaf(unit)  # a run's many leaves (z = z * w[i]): one box counts the rest
            else:
                source = self._leaf_id(entry)
                if node in fold_of:
                    self.fold_leaves[unit] = self.fold_leaves.get(unit, 0) + 1
            if source == unit:
                continue  # inside a folded run
            if node in fold_of:
                folded_edges[(source, unit)] = folded_edges.get((source, unit), 0) + 1
                continue
            attrs = {"label": f" {step}", "fontsize": "9"} if step is not None else {}
            self.edges.append(Edge(source, to, attrs))
        if self.o.show_saved and node not in fold_of:
            self._add_saved(node, unit)

    def _folded_leaf(self, unit: str) -> str:
        box_id = f"{unit}_leaves"
        count = self.fold_leaves[unit] = self.fold_leaves[unit] + 1
        self._add(Box(box_id, "fold", [f"{count - FOLD_MIN_RUN:,} more leaves (folded)"],
                      {"fillcolor": LEAF_COLOR, "style": "filled,dashed"}))
        return box_id

    def _leaf_id(self, leaf: Value) -> str:
        if leaf not in self.ids:
            leaf_id = self._next_id("leaf")
            self.ids[leaf] = leaf_id
            name = self._name_of(leaf)
            lines = [name] if name else []
            lines.append(self._shape_dtype(leaf._data))
            grad = self._stored_or_given(leaf, leaf._grad)
            lines += self._value_lines(leaf._data, grad, True)
            attrs = {"fillcolor": LEAF_COLOR}
            attrs.update(gradient_flag(grad)[1])
            self._add(Box(leaf_id, "leaf", lines, attrs, cluster=_cluster_of(name)))
        return self.ids[leaf]

    def _add_no_grad_input(self, node: Node, i: int, target: str) -> None:
        value = argument_value(node, i)
        if value is None:
            return
        key: Any = value if isinstance(value, Value) else ("const", id(node), i)
        if key not in self.ids:
            data = np.asarray(value._data if isinstance(value, Value) else value)
            name = self._name_of(value) if isinstance(value, Value) else ""
            if name or data.size > 1:  # data such as X and y; a single number is a constant
                box_id = self._next_id("input")
                lines = [name] if name else []
                lines += [self._shape_dtype(data), "no grad (requires_grad=False)"]
                if self.o.show_data:
                    lines.append(f"data {summarize(data, self.o.max_elements, norm=True)}")
                self._add(Box(box_id, "input", lines, {"fillcolor": INPUT_COLOR, "shape": "note"}))
            else:
                box_id = self._next_id("const")
                self._add(
                    Box(box_id, "const", [f"constant {summarize(data, self.o.max_elements)}"],
                        {"fillcolor": CONST_COLOR, "shape": "ellipse"})
                )
            self.ids[key] = box_id
        self.edges.append(Edge(self.ids[key], target, {"style": "dotted"}))

    def _add_saved(self, node: Node, unit: str) -> None:
        if node._released:
            return
        for i, saved in enumerate(node.saved_tensors):
            if saved is None:
                continue
            role = node.saved_role(i)
            what = "array" if role is None else "output" if role == -1 else f"input {role}"
            array = np.asarray(saved._data if isinstance(saved, Value) else saved)
            lines = [f"saved[{i}]: {what}", shape_text(array.shape)]
            if self.o.show_data:
                lines.append(f"data {summarize(array, self.o.max_elements)}")
            saved_id = f"{unit}_saved{i}"
            self._add(Box(saved_id, "saved", lines, {"fillcolor": SAVED_COLOR}))
            self.edges.append(Edge(saved_id, unit, {"dir": "none", "style": "dashed"}))

    # ----- op boxes ---------------------------------------------------------------------------------------
    def _op_box(self, node: Node, unit: str) -> Box:
        named = self.named_by_node.get(node)
        value = named[1] if named is not None else _known_output(node)
        lines = [node.name()]
        out_text = self._shape_dtype(np.empty(0, node.out_dtype), node.out_shape)
        lines.append(f"-> {named[0]} {out_text}" if named is not None else f"-> {out_text}")
        grad = self._stored_or_given(node, None if value is None else value._grad)
        if value is not None and id(value) not in self.output_value_ids:  # an output's box shows it already
            with_grad = value.retains_grad or study_record(node) is not None or self.o.gradients is not None
            lines += self._value_lines(value._data, grad, with_grad)
        elif self.o.gradients is not None and self.o.show_grad:
            lines.append(self._grad_line(grad))
        lines += self._derivative_lines(node, value)
        if self.o.show_saved:
            attributes = getattr(node, "__dict__", {})
            for key, attr in sorted((k, a) for k, a in attributes.items() if not k.startswith("_")):
                text = f"{key}: {attr!r}"
                lines.append(text if len(text) <= MAX_ATTR_CHARS else text[: MAX_ATTR_CHARS - 3] + "...")
            if node._released:
                lines.append("(saved values freed by backward)")
        step = self.step_of.get(node)
        if step is not None:
            lines.append(f"backward step {step}")
        attrs = {"fillcolor": OP_COLOR}
        attrs.update(gradient_flag(grad)[1])
        return Box(unit, "op", lines, attrs, cluster=self._op_cluster(node), step=step)

    def _derivative_lines(self, node: Node, value: Value | None) -> list[str]:
        words = derivatives.words(node)
        local = None
        if value is not None:
            inputs = [self._argument_data(node, i) for i in range(node._n_in)]
            local = derivatives.numbers(node, inputs, value._data)
        lines = []
        for i, text in enumerate(words):
            if local is not None and i < len(local) and node.next_entries[i] is not None and not _is_number(text):
                text += f" = {summarize(local[i], self.o.max_elements)}"
            lines.append(text)
        return lines

    def _argument_data(self, node: Node, i: int) -> Any:
        value = argument_value(node, i)
        if value is None:
            return None
        return value._data if isinstance(value, Value) else np.asarray(value)

    def _op_cluster(self, node: Node) -> str | None:
        clusters = {
            _cluster_of(self._name_of(e)) for e in node.next_entries if isinstance(e, Value) and self._name_of(e)
        }
        return clusters.pop() if len(clusters) == 1 else None

    # ----- expand=True: fused ops as the elementary ops a learner derives by hand -------------------------
    def _add_expanded(self, node: Node, unit: str) -> None:
        """Linear -> matmul x @ Wᵀ, then + b;  MSELoss -> x - y, then ^2, then mean (sum for reduction='sum').

        Values come from the op's inputs and gradients from its output's (when known): the elementary ops'
        gradients are the chain rule applied by hand inside the one engine step that runs the fused op.
        """
        output = _known_output(node)
        g_out = output._grad._data if output is not None and output._grad is not None else None
        args = [self._argument_data(node, i) for i in range(node._n_in)]
        if node._function.__name__ == "Linear":
            self._expand_linear(node, unit, args, g_out)
        else:
            self._expand_mse(node, unit, args, g_out)

    def _elementary(self, box_id: str, node: Node, title: str, data: Any, grad: Any, rule: str) -> Box:
        step = self.step_of.get(node)
        lines = [title, *self._expanded_values(data, grad), rule]
        if step is not None:
            lines.append(f"backward step {step} (one fused op)")
        box = Box(box_id, "op", lines, {"fillcolor": OP_COLOR}, cluster=self._op_cluster(node), step=step)
        self._add(box)
        return box

    def _expand_linear(self, node: Node, unit: str, args: list[Any], g_out: Any) -> None:
        x, w, b = args
        product = x @ w.T if x is not None and w is not None else None
        total = product + b if product is not None and b is not None else product
        mm_id = f"{unit}_matmul"
        self._elementary(mm_id, node, "MmBackward0 (matmul): x @ Wᵀ", product, g_out, "x gets g @ W, W gets gᵀ @ x")
        add = self._elementary(
            unit, node, "AddBackward0 (add): (x @ Wᵀ) + b", total, g_out, "d/da = 1, d/db = 1 (b: summed over rows)"
        )
        self.edges.append(Edge(mm_id, unit))
        add.input_targets = [mm_id, mm_id, unit]

    def _expand_mse(self, node: Node, unit: str, args: list[Any], g_out: Any) -> None:
        x, y = args[0], args[1]
        mean = getattr(node, "scale", 2.0) != 2.0  # scale is 2/N for reduction='mean', 2 for 'sum'
        diff = square = g_square = g_diff = total = None
        if x is not None and y is not None:
            diff = x - y
            square = diff * diff
            total = square.mean() if mean else square.sum()
            if g_out is not None:
                g_square = np.broadcast_to(g_out / square.size if mean else g_out, square.shape)
                g_diff = 2 * diff * g_square
        sub_id, pow_id = f"{unit}_sub", f"{unit}_pow"
        self._elementary(sub_id, node, "SubBackward0 (sub): x - y", diff, g_diff, "d/da = 1, d/db = -1")
        self._elementary(pow_id, node, "PowBackward0 (pow): (x - y)²", square, g_square, "d/da = 2·a")
        if mean:
            last = self._elementary(unit, node, "MeanBackward0 (mean): mean((x - y)²)", total, g_out, "d/da = 1/N")
        else:
            last = self._elementary(unit, node, "SumBackward0 (sum): sum((x - y)²)", total, g_out, "d/da = 1")
        self.edges.append(Edge(sub_id, pow_id))
        self.edges.append(Edge(pow_id, unit))
        last.input_targets = [sub_id, sub_id, sub_id]

    def _expanded_values(self, data: Any, grad: Any) -> list[str]:
        if data is None:
            return []
        return self._value_lines(np.asarray(data), None if grad is None else np.asarray(grad), True)

    # ----- text ------------------------------------------------------------------------------------------
    def _name_of(self, value: Any) -> str:
        entry = self.o.named.get(id(value))
        return entry[0] if entry is not None else ""

    def _shape_dtype(self, data: np.ndarray, shape: tuple[int, ...] | None = None) -> str:
        return f"{shape_text(data.shape if shape is None else shape)} {data.dtype}"

    def _stored_or_given(self, key: Any, stored: Value | None) -> Any:
        """The gradient to show for a node or Value: the one given in options.gradients, else the stored one."""
        if self.o.gradients is not None:
            return self.o.gradients.get(key)
        return None if stored is None else stored._data

    def _value_lines(self, data: Any, grad: Any, with_grad: bool) -> list[str]:
        lines = []
        if self.o.show_data:
            lines.append(f"data {summarize(data, self.o.max_elements, norm=True)}")
        if self.o.show_grad and with_grad:
            lines.append(self._grad_line(grad))
        return lines

    def _grad_line(self, grad: Any) -> str:
        if grad is None:
            return f"grad {NO_GRAD}"
        return f"grad {summarize(grad, self.o.max_elements, norm=True)}{gradient_flag(grad)[0]}"

    def _output_lines(self, out: Value) -> list[str]:
        name = self._name_of(out)
        lines = [name] if name else []
        lines.append(self._shape_dtype(out._data))
        if self.o.show_data:
            lines.append(f"value {summarize(out._data, self.o.max_elements, norm=True)}")
        if self.o.show_grad:
            grad = self._stored_or_given(out, out._grad)
            kept = _known_output(out._grad_fn) if out._grad_fn is not None else None
            if grad is None and kept is not None and kept._grad is not None and self.o.gradients is None:
                grad = kept._grad._data  # (g += x in study mode: see study.py)
            if grad is not None or self.o.gradients is not None:
                lines.append(self._grad_line(grad))
            elif out._grad_fn is not None and self.backward_ran and out._data.size == 1:
                lines.append("grad 1 (backward's seed: dout/dout)")
            else:
                lines.append(f"grad {NO_GRAD}")
        if not out._requires_grad:
            lines.append("(requires_grad=False: no graph)")
        return lines


def argument_value(node: Node, i: int) -> Any:
    """The value of argument i of `node` when known: from study mode, the leaf itself, what the op saved, or
    (for a recorded input) the value its producer kept. None when the graph does not reference it."""
    record = study_record(node)
    if record is not None and i < len(record.arguments) and record.arguments[i] is not None:
        return record.arguments[i]
    entry = node.next_entries[i] if i < node._n_in else None
    if isinstance(entry, Value):
        return entry
    if isinstance(entry, Node):
        producer = _known_output(entry)
        if producer is not None:
            return producer
    if not node._released and node.saved_tensors:
        for k, saved in enumerate(node.saved_tensors):
            if saved is not None and node.saved_role(k) == i:
                return saved
    return None


def output_value(node: Node) -> Any:
    """The op's output array when known: kept (study mode, `retain_grad()`) or saved by the op for backward."""
    kept = _known_output(node)
    if kept is not None:
        return kept._data
    if not node._released and node.saved_tensors:
        for k, saved in enumerate(node.saved_tensors):
            if saved is not None and node.saved_role(k) == -1:
                return saved
    return None


def _is_number(words: str) -> bool:
    """Whether a derivative in words is already a number (`d/da = 1`): its value would repeat it."""
    try:
        float(words.rsplit("= ", 1)[-1])
    except ValueError:
        return False
    return True


def _known_output(node: Node) -> Value | None:
    """The op's output Value when something keeps it: study mode, or `retain_grad()`."""
    record = study_record(node)
    if record is not None:
        return record.output
    return node._retained() if node._retained is not None else None


def _cluster_of(name: str) -> str | None:
    """The submodule a parameter belongs to: `0` for `0.weight`, `fc1` for `fc1.bias`; None for a plain name."""
    return name.rsplit(".", 1)[0] if "." in name else None
