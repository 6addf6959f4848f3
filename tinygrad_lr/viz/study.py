"""Study mode: keep every intermediate value and gradient so the drawing can show them all, as micrograd's does.

    with tinygrad_lr.viz.record():
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
    draw_graph(loss)        # every box: its value and its gradient; X, y and constants drawn too

In torch (and here, normally) a graph keeps the ops but not their results: an intermediate Value lives only as long
as the user holds it, and its gradient is not kept. Inside `record()`, every op recorded keeps its output Value
(the node holds it) and asks for its gradient as `retain_grad()` does, so after backward each box has both; it also
keeps the op's arguments that need no gradient (inputs such as X and y, and constants such as the 10.0 of
`10.0 / f`), which the graph otherwise does not reference. Outside the block nothing changes: the hook in
`Function.apply` is off (one global read per op).

The kept Values live as long as the graph does (node -> output -> node is a reference cycle, freed by Python's
cycle collector once the graph is dropped): study mode is for small graphs you want to look at.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from tinygrad_lr.autograd import function
from tinygrad_lr.autograd.function import Node
from tinygrad_lr.value import Value

__all__ = ["StudyRecord", "record", "study_record"]

# the modules of arithmetic and elementwise ops: a number given to one of them is an operand
OPERAND_MODULES = {"tinygrad_lr.ops.arithmetic", "tinygrad_lr.ops.elementwise"}


@dataclass(frozen=True)
class StudyRecord:
    """What study mode kept for one op: its output, and each argument that is a Value or an array (None for the
    others: options such as a dim or an exponent, which the node keeps itself)."""

    output: Value
    arguments: tuple[Any, ...]


def _keep(result: Value, arguments: tuple[Any, ...]) -> None:
    for argument in arguments:
        if isinstance(argument, Value) and argument._grad_fn is not None:
            _as_consumed(argument)
    node = result._grad_fn
    node._retained = weakref.ref(result)  # what retain_grad() does: the engine fills result.grad
    node._observed = True
    # A Python number is an operand of arithmetic (the 10.0 of `10.0 / f`, the 2 of `x ** 2`); for other ops it is
    # an option (a dim, an index), which the node's own attributes describe.
    numbers_are_operands = node._function.__module__ in OPERAND_MODULES
    kept = tuple(
        a
        if isinstance(a, (Value, np.ndarray, np.generic))
        or (numbers_are_operands and isinstance(a, (int, float)) and not isinstance(a, bool))
        else None
        for a in arguments
    )
    node.__dict__["_study"] = StudyRecord(result, kept)


def _as_consumed(argument: Value) -> None:
    """An in-place op (`g += x`) overwrites its Value's memory and hands the next op a copy of the old value with
    the old node (see Value._record_inplace): from then on that copy is what the old node's box shows."""
    node = argument._grad_fn
    kept = study_record(node)
    if kept is not None and kept.output is not argument:
        node._retained = weakref.ref(argument)
        node.__dict__["_study"] = StudyRecord(argument, kept.arguments)


@contextmanager
def record() -> Iterator[None]:
    """Inside this block every recorded op keeps its output Value and (after backward) its gradient, and its
    no-grad arguments, for `draw_graph` to show. Blocks nest; leaving one restores what was there before."""
    previous = function.study_hook
    function.study_hook = _keep
    try:
        yield
    finally:
        function.study_hook = previous


def study_record(node: Node) -> StudyRecord | None:
    """What study mode kept for `node`, or None when it was recorded outside `record()`."""
    return node.__dict__.get("_study")
