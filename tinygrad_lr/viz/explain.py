"""Narrate backward: which op runs when, what gradient reaches it, what its rule sends to each input.

    print(explain_backward(loss, params=dict(model.named_parameters())))

The account is the engine's own: `observe_backward` (tinygrad_lr/autograd/observe.py) runs `run_backward` with
an observer, so the steps are the nodes backward() runs, in its order, each rule called as backward() calls it, each
result summed back to its input's shape (un-broadcasting) and cast to its dtype by the engine itself; the leaves
come last, in the order backward() hands them their totals. Nothing is changed: no `.grad` is written, the graph's
saved values are kept, and hooks are not run (the account shows the plain chain rule; a hook that changes
gradients would make backward() differ from it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import FREED_MESSAGE, Node
from tinygrad_lr.autograd.observe import BackwardStep, BackwardTrace, LeafTotal, Sent, observe_backward
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
    try:
        trace = observe_backward(loss, gradient)
    except RuntimeError as error:
        if str(error) == FREED_MESSAGE:
            raise RuntimeError(FREED_HINT) from None
        raise
    narrator = _Narrator(_named_values(params), max_elements)
    return narrator.explain(loss, trace)


class _Narrator:
    def __init__(self, names: dict[int, tuple[str, Value]], max_elements: int) -> None:
        self.names = names
        self.names_by_node = {v._grad_fn: name for name, v in names.values() if v._grad_fn is not None}
        self.max_elements = max_elements
        self.leaf_numbers: dict[Value, int] = {}
        self.leaves: list[Value] = []
        self.lines: list[str] = []

    def explain(self, loss: Value, trace: BackwardTrace) -> str:
        title = self._name(loss) or "loss"
        lines = self.lines
        lines.append(f"How {title}.backward() computes its gradients, step by step")
        lines.append(f"{title} = {self._values(loss._data)}, computed by {_op_name(loss)}")
        if loss._grad_fn is None:
            seed = trace.leaves[0].grad
            seed_text = f"{_d(title)}/{_d(title)} = {self._values(seed)}"
            lines.append(f"{title} is a leaf: {seed_text} goes straight into its .grad.")
            self._leaf_summary(trace.leaves, title)
            return "\n".join(lines)
        seed_values = self._values(trace.steps[0].grad_in)
        lines.append(f"Backward starts from {_d(title)}/{_d(title)} = {seed_values} and applies the chain rule,")
        lines.append("one op at a time, from the output back to the leaves.")
        for step in trace.steps:
            self._describe_step(step, title)
        self._leaf_summary(trace.leaves, title)
        return "\n".join(lines)

    def _describe_step(self, step: BackwardStep, title: str) -> None:
        node, grad = step.node, step.grad_in
        named = self.names_by_node.get(node)
        out = f"{named} = " if named else ""
        self.lines.append("")
        self.lines.append(f"step {step.index}: {out}{node.name()}  (output shape {shape_text(node.out_shape)})")
        self.lines.append(f"    rule: {_rule(node)}")
        if grad is None:
            self.lines.append("    no gradient reaches this op (its consumers sent none), so it sends none")
            return
        self.lines.append(f"    gradient in: {_d(title)}/{_d(named or 'out')} = {self._values(grad)}")
        if node._pre_hooks:
            self.lines.append("    (a hook is registered here: backward() applies it to this gradient; not shown here)")
        for sent in step.sent:
            # (no target: a constant, or an argument that is not a Value, a dim or an exponent)
            if isinstance(sent.target, Node):
                self._describe_flow(sent, f"op {sent.target.name()}")
            elif sent.target is not None:
                self._describe_flow(sent, self._leaf_text(sent.target))

    def _describe_flow(self, sent: Sent, target: str) -> None:
        if sent.grad is None or sent.returned is None:
            self.lines.append(f"    input {sent.index} -> {target}: no gradient returned")
            return
        note = ""
        returned_shape = np.shape(sent.returned)
        if returned_shape != sent.grad.shape:
            note = (
                f"  (summed from {shape_text(returned_shape)} to the input's shape {shape_text(sent.grad.shape)}: "
                "un-broadcast)"
            )
        self.lines.append(f"    input {sent.index} -> {target}: sends {self._values(sent.grad)}{note}")

    def _leaf_summary(self, totals: list[LeafTotal], title: str) -> None:
        """Each leaf's total gradient, in the order backward() hands them out; then the leaves that got none."""
        self.lines.append("")
        self.lines.append(f"Leaves: {_d(title)}/d(leaf), what backward() adds into each leaf's .grad")
        for total in totals:
            leaf = total.leaf
            text = f"    {self._leaf_text(leaf)}: {_d(title)}/d(leaf) = {self._values(total.grad)}"
            if leaf._hooks:
                text += " (before this leaf's hooks, which backward() runs and this account does not)"
            if leaf._grad is not None:
                text += f"; .grad already holds {summarize(leaf._grad._data, self.max_elements)}, backward() would add"
            self.lines.append(text)
        reached = {id(total.leaf) for total in totals}
        for leaf in self.leaves:
            if id(leaf) not in reached:
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
