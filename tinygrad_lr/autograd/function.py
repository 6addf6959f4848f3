"""`Function`: one differentiable operation, its forward and its backward side by side.

Every built-in op is a `Function` subclass, the same public mechanism a user extends:

    class Square(Function):
        @staticmethod
        def forward(ctx, x):            # x is a NumPy array
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):        # grad has the output's shape
            (x,) = ctx.saved_tensors
            return 2 * x * grad         # the engine sums it back to x's shape if it broadcast

    y = Square.apply(v)

`forward` runs on NumPy arrays (non-Value arguments pass through unchanged). `backward` gets
the gradient of the output and returns one gradient per argument of `forward` (None for the
ones that need none). Written in plain operator syntax, the same rule serves ordinary backward
(arrays flow through it) and `create_graph=True` (Values flow through it, so the backward pass
is itself recorded and can be differentiated again).

Calling `apply` records a node (the "ctx", also the output's `grad_fn`) only when grad mode is
on and some argument requires grad; otherwise no graph is built at all.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from tinygrad_lr.autograd.grad_mode import STATE

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)

_FROM_OUTPUT = -1  # marks a saved array that is the op's own output


class Node:
    """A recorded operation: the `ctx` of its Function and the `grad_fn` of its output.

    `next_entries[i]` says where the gradient of argument i goes: the Node that produced it,
    the leaf Value itself (whose `.grad` accumulates it), or None (no gradient needed).
    """

    __slots__ = (
        "next_entries",
        "needs_input_grad",
        "input_shapes",
        "input_dtypes",
        "_saved",
        "_saved_sources",
        "_released",
        "_pre_hooks",
        "_retained",
        "__dict__",
        "__weakref__",
    )
    _function: type[Function]

    def __init__(self) -> None:
        self._saved: tuple[Any, ...] = ()
        self._saved_sources: tuple[int | None, ...] = ()
        self._released = False
        self._pre_hooks: list[Any] | None = None
        self._retained: weakref.ref[Any] | None = None

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays (inputs or the output of forward) for `backward`; freed after backward runs."""
        self._saved = arrays

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What forward saved: arrays in ordinary backward, Values while recording (`create_graph=True`)."""
        if self._released:
            raise RuntimeError(FREED_MESSAGE)
        if not STATE.enabled or not self._saved:
            return self._saved
        return tuple(self._saved_as_value(i) for i in range(len(self._saved)))

    def _saved_as_value(self, i: int) -> Any:
        array = self._saved[i]
        source = self._saved_sources[i]
        if source is None:
            return array
        if source == _FROM_OUTPUT:
            return Value._make(np.asarray(array), self)
        entry = self.next_entries[source]
        if entry is None:
            return Value._make_const(array)
        if isinstance(entry, Node):
            return Value._make(array, entry)
        return entry  # the leaf Value itself

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """torch-style view of the graph: (Node, 0) for recorded inputs, (AccumulateGrad, 0) for leaves."""
        return tuple(
            (None if e is None else e if isinstance(e, Node) else AccumulateGrad(e), 0) for e in self.next_entries
        )

    def register_hook(self, hook: Any) -> None:
        """Run `hook(grad)` on the gradient of this node's output before its backward runs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(hook)


class AccumulateGrad:
    """The torch name for where a leaf's gradient ends up: `variable.grad`."""

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self.next_functions: tuple[Any, ...] = ()

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class _NoGraphContext:
    """The ctx forward sees when no graph is recorded: saving is a no-op."""

    needs_input_grad: tuple[bool, ...] = ()

    def save_for_backward(self, *arrays: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass


_NO_GRAPH = _NoGraphContext()


class Function:
    """Base class of differentiable operations; see the module docstring for the contract."""

    _backward_cls: type[Node]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(f"{cls.__name__}Backward", (Node,), {"__slots__": (), "_function": cls})

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad) to be differentiated")

    @classmethod
    def apply(cls, *args: Any) -> Value:
        """Run forward on the arguments' arrays and, if a gradient is needed, record the node."""
        record = False
        if STATE.enabled:
            for a in args:
                if isinstance(a, Value) and a._requires_grad:
                    record = True
                    break
        if not record:
            out = cls.forward(_NO_GRAPH, *[a._data if isinstance(a, Value) else a for a in args])
            return Value._make_const(out)

        node = cls._backward_cls()
        arrays = []
        entries = []
        needs = []
        shapes = []
        dtypes = []
        for a in args:
            if isinstance(a, Value):
                data = a._data
                arrays.append(data)
                shapes.append(data.shape)
                dtypes.append(data.dtype)
                if a._requires_grad:
                    fn = a._grad_fn
                    entries.append(a if fn is None else fn)
                    needs.append(True)
                    continue
            else:
                arrays.append(a)
                shapes.append(None)
                dtypes.append(None)
            entries.append(None)
            needs.append(False)
        node.next_entries = tuple(entries)
        node.needs_input_grad = tuple(needs)
        node.input_shapes = tuple(shapes)
        node.input_dtypes = tuple(dtypes)
        raw = cls.forward(node, *arrays)
        out = raw if type(raw) is np.ndarray else np.asarray(raw)
        if node._saved:
            node._saved_sources = tuple(_source_of(s, arrays, raw, out) for s in node._saved)
        return Value._make(out, node)


def _source_of(saved: Any, arrays: list[Any], raw: Any, out: np.ndarray) -> int | None:
    if saved is raw or saved is out:
        return _FROM_OUTPUT
    for i, a in enumerate(arrays):
        if saved is a:
            return i
    return None


from tinygrad_lr.value import Value  # noqa: E402  (Value's operators need Function first)
