"""Narrate backward: which op runs when, what gradient reaches it, what its rule sends to each input.

    print(explain_backward(loss, params=dict(model.named_parameters())))

The account follows the engine's schedule (`run_backward` in `tinygrad_lr/autograd/engine.py`, mirrored here
step for step and checked against it in tests/test_viz.py): an op runs once every op that consumed its result has
delivered its gradient (Kahn's algorithm, the most recently readied op first), so it runs once, on the sum of all of
them; the leaves come last, in the order their first gradient arrived. Each op's `backward` is called exactly as
backward() calls it, and each result is summed back to its input's shape (un-broadcasting) and cast to its dtype as
the engine does. Nothing is changed: no `.grad` is written, the graph's saved values are kept, the engine's
bookkeeping slots on the nodes are not used (this walk counts in dicts of its own), and hooks are not run (the
account shows the plain chain rule; a hook that changes gradients would make backward() differ from it).

One difference in order, never in numbers: this walk counts only the consumers reachable from the loss. The engine
uses the counts `Function.apply` kept, and when a recorded consumer outside this backward (a side computation) makes
it stall, it recounts; until then it may run nodes in another order than the one narrated here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.api import _graph_entries, _seed_gradients
from tinygrad_lr.autograd.engine import sum_to_shape
from tinygrad_lr.autograd.function import Node
from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.value import Value
from tinygrad_lr.viz.graph import _named_values
from tinygrad_lr.viz.summary import shape_text, summarize

__all__ = ["explain_backward"]

FREED_HINT = (
    "explain_backward needs the values the graph saved for backward, but a backward() call has already freed "
    "them. Call explain_backward(loss) before loss.backward(), or use loss.backward(retain_graph=True)."
)


def explain_backward(loss: Value, params: Any = None, gradient: Any = None, max_elements: int = 6) -> str:
    """A step-by-step account of `loss.backward()`, as text; computes it without touching any `.grad`.

    For each op in the order the engine runs them: the gradient arriving at its output (dloss/dout), its
    derivative rule (the first line of its Function's docstring), and the gradient it sends to each input
    (after un-broadcasting). It ends with each leaf's gradient, which is what backward() would add into `.grad`.
    `params` names Values as in `draw_graph`; `gradient` seeds a non-scalar `loss` as in `loss.backward(gradient)`.
    """
    if not isinstance(loss, Value):
        raise TypeError(f"explain_backward takes a Value, got {type(loss).__name__}")
    _graph_entries((loss,))  # backward()'s checks and messages: it must require grad ...
    seed = _seed_gradients((loss,), (gradient,), create_graph=False)[0]  # ... and a non-scalar needs gradient=
    names = _named_values(params)
    narrator = _Narrator(names, max_elements)
    return narrator.explain(loss, seed)


def _count_consumers(root: Node) -> dict[Node, int]:
    """Every node reachable from `root`, with how many recorded edges from reachable nodes lead into it.

    Counted in a dict of its own, not in the nodes' `_deps` slots, so the user's graph is left as it was.
    """
    consumers: dict[Node, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node._released:
            raise RuntimeError(FREED_HINT)
        for entry in node.next_entries:
            if isinstance(entry, Node):
                if entry in consumers:
                    consumers[entry] += 1
                else:
                    consumers[entry] = 1
                    stack.append(entry)
    return consumers


class _Narrator:
    def __init__(self, names: dict[int, tuple[str, Value]], max_elements: int) -> None:
        self.names = names
        self.names_by_node = {v._grad_fn: name for name, v in names.values() if v._grad_fn is not None}
        self.max_elements = max_elements
        self.leaf_numbers: dict[Value, int] = {}
        self.leaves: list[Value] = []
        self.lines: list[str] = []

    def explain(self, loss: Value, seed: np.ndarray) -> str:
        title = self._name(loss) or "loss"
        lines = self.lines
        lines.append(f"How {title}.backward() computes its gradients, step by step")
        lines.append(f"{title} = {self._values(loss._data)}, computed by {_op_name(loss)}")
        if loss._grad_fn is None:
            seed_text = f"{_d(title)}/{_d(title)} = {self._values(seed)}"
            lines.append(f"{title} is a leaf: {seed_text} goes straight into its .grad.")
            self._leaf_summary({loss: seed}, title)
            return "\n".join(lines)
        lines.append(f"Backward starts from {_d(title)}/{_d(title)} = {self._values(seed)} and applies the chain rule,")
        lines.append("one op at a time, from the output back to the leaves.")
        self._leaf_summary(self._walk(loss._grad_fn, seed, title), title)
        return "\n".join(lines)

    def _walk(self, root: Node, seed: np.ndarray, title: str) -> dict[Any, Any]:
        """The engine's second pass (Kahn's algorithm with a LIFO ready stack), narrated step by step.

        Returns the gradient that reached each leaf, keyed by the leaf, in the order the engine first
        received them (the order in which backward() then runs the leaves' hooks and fills their `.grad`).
        """
        consumers = _count_consumers(root)
        pending: dict[Any, Any] = {root: seed}
        leaf_grads: dict[Any, Any] = {}
        ready = [root]
        step = 0
        with no_grad():
            while ready:
                node = ready.pop()
                step += 1
                grad = pending.pop(node, None)
                self._describe_step(step, node, grad, title)
                grads = self._local_gradients(node, grad)
                for i, entry in enumerate(node.next_entries):
                    if entry is None:  # a constant, or an argument that is not a Value (a dim, an exponent)
                        continue
                    g = grads[i]
                    sent = None if g is None else _to_input(g, entry)
                    self._describe_flow(i, entry, sent, None if g is None else g.shape)
                    is_node = isinstance(entry, Node)
                    if sent is not None:
                        into = pending if is_node else leaf_grads
                        previous = into.get(entry)
                        into[entry] = sent if previous is None else previous + sent
                    if is_node:
                        consumers[entry] -= 1
                        if consumers[entry] == 0:
                            ready.append(entry)
        return leaf_grads

    def _local_gradients(self, node: Node, grad: Any) -> tuple[Any, ...]:
        if grad is None:
            return (None,) * len(node.next_entries)
        if node.saved_tensors:
            node._prepare_saved(create_graph=False)  # backward()'s check for in-place changes
        grads = node._function.backward(node, grad)
        if type(grads) is not tuple:
            grads = (grads,)
        if len(grads) != len(node.next_entries):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {len(node.next_entries)}, got {len(grads)})"
            )
        return tuple(None if g is None else np.asarray(g._data if isinstance(g, Value) else g) for g in grads)

    def _describe_step(self, step: int, node: Node, grad: Any, title: str) -> None:
        named = self.names_by_node.get(node)
        out = f"{named} = " if named else ""
        self.lines.append("")
        self.lines.append(f"step {step}: {out}{node.name()}  (output shape {shape_text(node.out_shape)})")
        self.lines.append(f"    rule: {_rule(node)}")
        if grad is None:
            self.lines.append("    no gradient reaches this op (its consumers sent none), so it sends none")
            return
        self.lines.append(f"    gradient in: {_d(title)}/{_d(named or 'out')} = {self._values(grad)}")
        if node._pre_hooks:
            self.lines.append("    (a hook is registered here: backward() applies it to this gradient; not shown here)")

    def _describe_flow(self, i: int, entry: Any, sent: Any, returned_shape: tuple[int, ...] | None) -> None:
        target = f"op {entry.name()}" if isinstance(entry, Node) else self._leaf_text(entry)
        if sent is None:
            self.lines.append(f"    input {i} -> {target}: no gradient returned")
            return
        note = ""
        if returned_shape != sent.shape:
            note = (
                f"  (summed from {shape_text(returned_shape)} to the input's shape {shape_text(sent.shape)}: "
                "un-broadcast)"
            )
        self.lines.append(f"    input {i} -> {target}: sends {self._values(sent)}{note}")

    def _leaf_summary(self, leaf_grads: dict[Any, Any], title: str) -> None:
        """Each leaf's total gradient, in the order backward() hands them out; then the leaves that got none."""
        self.lines.append("")
        self.lines.append(f"Leaves: {_d(title)}/d(leaf), what backward() adds into each leaf's .grad")
        for leaf, grad in leaf_grads.items():
            text = f"    {self._leaf_text(leaf)}: {_d(title)}/d(leaf) = {self._values(grad)}"
            if leaf._hooks:
                text += " (before this leaf's hooks, which backward() runs and this account does not)"
            if leaf._grad is not None:
                text += f"; .grad already holds {summarize(leaf._grad._data, self.max_elements)}, backward() would add"
            self.lines.append(text)
        for leaf in self.leaves:
            if leaf not in leaf_grads:
                self.lines.append(f"    {self._leaf_text(leaf)}: {_d(title)}/d(leaf) = None (no gradient reached it)")

    # ----- names and numbers --------------------------------------------------------------------
    def _name(self, value: Value) -> str:
        entry = self.names.get(id(value))
        return entry[0] if entry is not None else ""

    def _leaf_text(self, leaf: Value) -> str:
        if leaf not in self.leaf_numbers:
            self.leaf_numbers[leaf] = len(self.leaves)
            self.leaves.append(leaf)
        name = self._name(leaf) or f"leaf #{self.leaf_numbers[leaf]}"
        return f"{name} {shape_text(leaf.shape)}"

    def _values(self, array: Any) -> str:
        array = np.asarray(array)
        text = summarize(array, self.max_elements)
        return text if array.ndim == 0 else f"{text}  shape {shape_text(array.shape)}"


def _to_input(g: np.ndarray, entry: Any) -> np.ndarray:
    """The engine's treatment of a returned gradient: summed to its input's shape, cast to its dtype.

    The input is a node's output (`out_shape`, `out_dtype`) or a leaf Value.
    """
    if isinstance(entry, Node):
        shape, dtype = entry.out_shape, entry.out_dtype
    else:
        shape, dtype = entry._data.shape, entry._data.dtype
    if g.shape != shape:
        g = sum_to_shape(g, shape)
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


def _rule(node: Node) -> str:
    doc = node._function.__doc__
    if not doc or not doc.strip():
        return f"(no docstring on {node._function.__name__}: see its backward)"
    return doc.strip().splitlines()[0]


def _op_name(value: Value) -> str:
    return value._grad_fn.name() if value._grad_fn is not None else "no op (a leaf)"


def _d(name: str) -> str:
    """Leibniz notation for a name: dloss, or d(x1*w1) when the name is not a plain identifier."""
    return f"d{name}" if name.isidentifier() else f"d({name})"
