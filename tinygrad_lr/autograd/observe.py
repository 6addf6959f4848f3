"""Watch backward step by step: the engine's own walk, reported instead of applied.

    trace = observe_backward(loss)
    for step in trace.steps:        # in the order loss.backward() runs the nodes
        print(step.index, step.node.name(), step.grad_in, [s.grad for s in step.sent])
    for leaf in trace.leaves:       # in the order backward() hands the leaves their totals
        print(leaf.grad, [c.grad for c in leaf.contributions])

`observe_backward` runs `run_backward` itself (tinygrad_lr/autograd/engine.py) with an observer: the same
schedule, the same calls of each op's `backward`, the same un-broadcasting and casting, so what it reports is
exactly what `backward()` computes, in its order. It keeps the graph (as retain_graph=True), writes no `.grad`
(not the leaves', not a `retain_grad()` Value's) and runs no hooks: it reports the plain chain rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tinygrad_lr.arguments import as_tuple
from tinygrad_lr.autograd.api import _graph_entries, _seed_gradients
from tinygrad_lr.autograd.engine import run_backward
from tinygrad_lr.autograd.function import Node
from tinygrad_lr.value import Value

__all__ = ["BackwardStep", "BackwardTrace", "Contribution", "LeafTotal", "Sent", "observe_backward"]


@dataclass(frozen=True)
class Contribution:
    """One gradient added into a node's incoming gradient or a leaf's total: `step` sent it (0: the seed)."""

    step: int
    grad: np.ndarray


@dataclass(frozen=True)
class Sent:
    """What a step sends to its input `index` (the argument position in forward).

    `target` is where it goes: the Node that produced the input, the leaf Value itself, or None (the input needs no
    gradient: a constant, a dim, an exponent). `returned` is what the op's rule returned for it; `grad` is that
    after the engine summed it to the input's shape (un-broadcasting) and cast it to the input's dtype: what is
    added at `target`. Both None when nothing is sent.
    """

    index: int
    target: Node | Value | None
    returned: np.ndarray | None
    grad: np.ndarray | None


@dataclass
class BackwardStep:
    """The engine's `index`-th node run (from 1): `node` received `grad_in`, d(output)/d(node's output), the sum of
    `contributions` in the order they arrived; its rule turned it into `sent`, one entry per argument of forward.
    `grad_in` is None when nothing flowed here (an unused branch): the node runs and sends nothing."""

    index: int
    node: Node
    grad_in: np.ndarray | None
    contributions: tuple[Contribution, ...]
    sent: list[Sent] = field(default_factory=list)


@dataclass(frozen=True)
class LeafTotal:
    """A leaf's total gradient, the sum of `contributions` in order: what backward() adds into `leaf.grad`
    (after the leaf's hooks, which observing does not run)."""

    leaf: Value
    grad: np.ndarray
    contributions: tuple[Contribution, ...]


@dataclass
class BackwardTrace:
    """What `observe_backward` saw: the steps in the engine's order, then the leaves in the order backward()
    hands them their totals. Iterating, `len` and indexing go over the steps."""

    steps: list[BackwardStep]
    leaves: list[LeafTotal]
    _by_node: dict[int, BackwardStep] | None = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[BackwardStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> BackwardStep:
        return self.steps[index]

    def step_of(self, node: Node) -> BackwardStep | None:
        """The step that ran `node` (None if this backward did not reach it)."""
        if self._by_node is None:
            self._by_node = {id(step.node): step for step in self.steps}
        return self._by_node.get(id(node))


def observe_backward(outputs: Value | Sequence[Value], gradient: Any = None) -> BackwardTrace:
    """Report what `backward(outputs, gradient)` would do, step by step, without doing it.

    Takes what `tinygrad_lr.autograd.backward` takes (one output, or a list of outputs and a list of gradients;
    `gradient` seeds a non-scalar output, as in `loss.backward(gradient)`) and raises its errors. Nothing is
    changed: no `.grad` is written, no hook runs, the graph's saved values are kept, and the graph's nodes are
    not written to (the walk's bookkeeping is its own).
    """
    single = isinstance(outputs, Value)
    outs = (outputs,) if single else as_tuple(outputs)
    for out in outs:
        if not isinstance(out, Value):
            raise TypeError(f"observe_backward takes Values, got {type(out).__name__}")
    entries = _graph_entries(outs)
    seeds = _seed_gradients(outs, (gradient,) if single else as_tuple(gradient), create_graph=False)
    observer = _Observer()
    for entry, seed in zip(entries, seeds):
        observer.contributions.setdefault(entry, []).append(Contribution(0, seed))
    run_backward(entries, seeds, retain_graph=True, create_graph=False, observer=observer)
    return BackwardTrace(observer.steps, observer.totals)


class _Observer:
    """Collects the engine's reports (see run_backward's `observer`) into BackwardSteps and LeafTotals."""

    def __init__(self) -> None:
        self.steps: list[BackwardStep] = []
        self.totals: list[LeafTotal] = []
        # what has arrived so far at each node not yet run, and at each leaf
        self.contributions: dict[Any, list[Contribution]] = {}
        self.returned: tuple[Any, ...] = ()

    def step(self, node: Node, grad: Any, grads: Any) -> None:
        returned = grads if type(grads) is tuple else (grads,)
        self.returned = tuple(_array(g) for g in returned)
        contributions = tuple(self.contributions.pop(node, ()))
        step = BackwardStep(len(self.steps) + 1, node, _array(grad), contributions)
        # inputs past the last one the engine visits need no gradient: reported as sending nothing
        step.sent = [Sent(k, None, self.returned[k], None) for k in range(node._n_in)]
        self.steps.append(step)

    def send(self, node: Node, k: int, entry: Any, grad: Any) -> None:
        step = self.steps[-1]
        sent = None if entry is None else _array(grad)
        step.sent[k] = Sent(k, entry, self.returned[k], sent)
        if sent is not None:
            self.contributions.setdefault(entry, []).append(Contribution(step.index, sent))

    def leaves(self, leaf_grads: dict[Any, Any]) -> None:
        for leaf, grad in leaf_grads.items():
            self.totals.append(LeafTotal(leaf, _array(grad), tuple(self.contributions.pop(leaf, ()))))


def _array(x: Any) -> Any:
    """An array as reported (a custom rule may return a Value or a number); None stays None."""
    if x is None or isinstance(x, np.ndarray):
        return x
    return np.asarray(x._data if isinstance(x, Value) else x)
