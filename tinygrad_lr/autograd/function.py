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
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, NoReturn

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.arguments import broadcast_mismatch_message
from tinygrad_lr.autograd import grad_mode, versions
from tinygrad_lr.autograd.grad_mode import STATE
from tinygrad_lr.value import RemovableHandle, Value, add_hook

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward."
)

class Node:
    """A recorded operation: the `ctx` of its Function and the `grad_fn` of its output.

    `next_entries[i]` says where the gradient of argument i goes: the Node that produced it,
    the leaf Value itself (whose `.grad` accumulates it), or None (no gradient needed).
    """

    # Slots for what every recorded op sets; a __dict__ only for what some ops add (ctx.dim = ...).
    # Everything `apply` and the engine read per op is a slot, set on every node, and every node is of
    # this one class: CPython specialises an attribute read for one class at a time, and a property, a
    # class default that an instance may shadow, or a mix of classes sends it down a slow generic lookup
    # (each such read measurably slows a chain of small ops: docs/performance.md).
    #
    # `next_entries` is stored inline: `_in0` and `_in1` hold the entries of arguments 0 and 1 (None
    # past the last argument), `_in_more` a tuple of the rest (usually empty). A tuple per node would
    # be a second object the cyclic garbage collector tracks and walks for as long as the graph lives;
    # on a deep graph of small ops that walking costs about as much as the ops themselves.
    __slots__ = (
        "_function",  # the Function subclass whose forward recorded this node (its backward is the rule)
        "_n_in",  # the number of arguments forward received
        "_n_walk",  # how many leading arguments the engine visits (those after them need no gradient)
        "needs_input_grad",  # torch's ctx.needs_input_grad: for each argument, does the graph need its gradient?
        "_in0",
        "_in1",
        "_in_more",
        "out_shape",
        "out_dtype",
        "saved_tensors",  # what forward saved (see save_for_backward); FREED once backward frees it
        "_saved_roles",  # which saved values are the output or an input (see _saved_roles)
        "_clock",  # the in-place-change clock when the node was recorded (see autograd/versions.py)
        "_uses",  # how many recorded ops took this node's output as an argument (counted by apply)
        "_observed",  # True once a hook or retain_grad() needs this node's gradient: one check in the engine
        "__dict__",
        "__weakref__",
    )
    _function: type[Function]
    _n_in: int
    _n_walk: int
    needs_input_grad: tuple[bool, ...]
    _in0: Any
    _in1: Any
    _in_more: tuple[Any, ...]
    out_shape: tuple[int, ...]
    out_dtype: np.dtype
    saved_tensors: tuple[Any, ...]
    _saved_roles: int  # set with _clock when something is saved
    _clock: int
    _uses: int
    _observed: bool

    # Defaults, set on an instance only when used, so recording an op stays cheap.
    _pre_hooks: dict[int, Any] | None = None
    _retained: weakref.ref[Any] | None = None

    @property
    def _released(self) -> bool:
        """Whether backward has freed what forward saved (it puts FREED in `saved_tensors`)."""
        return self.saved_tensors is FREED

    @property
    def next_entries(self) -> tuple[Any, ...]:
        """Where each argument's gradient goes (see the class docstring)."""
        if self._n_in > 2:
            return (self._in0, self._in1, *self._in_more)
        return (self._in0, self._in1)[: self._n_in]

    def name(self) -> str:
        """torch's name for the node (`grad_fn.name()`): a built-in op's `torch_name` (`MulBackward0`), or for a
        user's Function its class name + "Backward" (`CubeBackward`), as torch names custom Function nodes."""
        named = self._function.__dict__.get("torch_name")  # the class's own: a subclass of an op is a user's
        if named is None:
            return f"{self._function.__name__}Backward"
        if isinstance(named, staticmethod):
            named = named.__func__
        return named if isinstance(named, str) else named(self)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"  # torch's repr of a grad_fn

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays (inputs or the output of forward) for `backward` in `ctx.saved_tensors`.

        backward sees arrays there in ordinary backward, Values while recording (`create_graph=True`).
        The engine checks them for in-place changes before it calls backward, and under create_graph
        puts them back into the graph as Values (see `_prepare_saved`). After backward (without
        retain_graph) they are freed: `saved_tensors` becomes FREED, and using it raises torch's error.
        """
        self.saved_tensors = arrays

    def _prepare_saved(self, create_graph: bool) -> tuple[Any, ...]:
        """Before backward runs: refuse saved arrays changed in place since; under create_graph, make them
        Values attached to the graph. Returns what forward saved, for the engine to put back afterwards."""
        saved = self.saved_tensors
        if versions.clock != self._clock:  # some array changed in place after this node was recorded
            versions.check_unchanged(self)
        if create_graph:
            self.saved_tensors = tuple([self._saved_as_value(k, array) for k, array in enumerate(saved)])
        return saved

    def saved_role(self, k: int) -> int | None:
        """What forward saved in position k: -1 its output, i >= 0 its argument i, None something else."""
        code = (self._saved_roles >> (ROLE_BITS * k)) & ROLE_MASK
        return None if code == 0 else -1 if code == 1 else code - 2

    def _saved_as_value(self, k: int, array: Any) -> Any:
        """Under create_graph: a saved input or output becomes a Value attached to the graph again."""
        if array is None or not isinstance(array, np.ndarray | np.generic):
            return array  # Python numbers, None and options stay as they are
        role = self.saved_role(k)
        if role is None:
            return array  # an intermediate (a mask, a sign): a constant for second-order purposes
        if role == -1:
            return Value._make(np.asarray(array), self)
        entry = self.next_entries[role]
        if entry is None:
            return Value._make_const(array)
        if isinstance(entry, Node):
            return Value._make(np.asarray(array), entry)
        return entry  # the leaf Value itself

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """torch-style view of the graph: (Node, 0) for recorded inputs, (AccumulateGrad, 0) for leaves."""
        return tuple(
            (None if e is None else e if isinstance(e, Node) else AccumulateGrad(e), 0) for e in self.next_entries
        )

    def register_hook(self, hook: Any) -> RemovableHandle:
        """Run `hook(grad)` on the gradient of this node's output before its backward runs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._observed = True
        return add_hook(self._pre_hooks, hook)


def new_node(cls: type[Function], entries: Sequence[Any], needs: tuple[bool, ...], walk: int) -> Node:
    """A Node for `cls` about to run forward, with every slot a recorded op sets (the one construction path;
    the one- and two-argument recorders below inline it, and tests/test_architecture.py checks all of them)."""
    node = _new(Node)
    node._function = cls
    node._n_in, node._n_walk = len(entries), walk
    node._in0 = entries[0] if entries else None
    node._in1 = entries[1] if len(entries) > 1 else None
    node._in_more = tuple(entries[2:])
    node.needs_input_grad = needs
    node.saved_tensors, node._uses, node._observed = (), 0, False
    return node


class _FreedSavedTensors:
    """FREED, what `ctx.saved_tensors` holds once backward has freed it: unpacking, indexing or
    iterating it raises torch's error. (saved_tensors is a plain slot, not a property that raises
    when read: every backward rule reads it, and a slot read is the cheaper.)"""

    def __iter__(self) -> NoReturn:
        raise RuntimeError(FREED_MESSAGE)

    def __getitem__(self, index: Any) -> NoReturn:
        raise RuntimeError(FREED_MESSAGE)

    def __len__(self) -> NoReturn:
        raise RuntimeError(FREED_MESSAGE)

    def __bool__(self) -> bool:
        return True  # the engine goes on to run the node, whose rule then raises

    def __repr__(self) -> str:
        return "<saved tensors freed by backward>"


FREED: Any = _FreedSavedTensors()


class AccumulateGrad:
    """The torch name for where a leaf's gradient ends up: `variable.grad`."""

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self.next_functions: tuple[Any, ...] = ()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


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

    # torch's name for the op's node, as `grad_fn.name()` shows it: a string ("MulBackward0") or, where it
    # depends on the arguments, a function of the node (see Node.name). None for a user's Function.
    torch_name: ClassVar[Any] = None

    # `apply` for one and two arguments, made for each subclass (see unary_recorder below)
    _record_unary: ClassVar[Callable[[Any], Value]]
    _record_binary: ClassVar[Callable[[Any, Any], Value]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._record_unary = unary_recorder(cls)  # read from the class only, so never bound as a method
        cls._record_binary = binary_recorder(cls)

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad) to be differentiated")

    @classmethod
    def apply(cls, *args: Any) -> Value:
        """Run forward on the arguments' arrays and, if a gradient is needed, record the node."""
        n = len(args)
        if n == 2:
            return cls._record_binary(args[0], args[1])
        if n == 1:
            return cls._record_unary(args[0])
        arrays = list(args)
        entries: list[Any] = [None] * n  # where each argument's gradient goes: its producer node, the leaf, or None
        needs = [False] * n
        walk = 0  # how many leading arguments the engine visits: up to the last one that needs a gradient
        for i, arg in enumerate(args):
            if isinstance(arg, Value):
                arrays[i] = arg._data
                if arg._requires_grad:
                    entries[i] = arg._grad_fn or arg
                    needs[i] = True
                    walk = i + 1
        if not walk or not (grad_mode.everywhere or STATE.enabled):
            return Value._make_const(_run_forward(cls, _NO_GRAPH, arrays))
        node = new_node(cls, entries, tuple(needs), walk)
        raw = _run_forward(cls, node, arrays)
        for i in range(walk):
            entry = entries[i]
            if entry is not None and entry is not args[i]:  # a recorded input, not a leaf: one more consumer
                entry._uses += 1
        out = raw if type(raw) is np.ndarray else np.asarray(raw)
        if node.saved_tensors:
            node._saved_roles = _saved_roles(node.saved_tensors, raw, arrays)
            node._clock = versions.clock
        node.out_shape = out.shape
        node.out_dtype = out.dtype
        result = Value._make(out, node)
        if study_hook is not None:
            study_hook(result, args)
        return result


# `apply` for one and two arguments, spelled out, as a function made for each Function subclass (it keeps
# the class in a closure): this runs once per op, and for small arrays the generic loop, star-calls and even
# one more Python call cost more than the NumPy work itself. `Function.apply` hands one and two arguments
# to these, and Value's operators and elementwise methods *are* such functions (their rows: see ops/table.py).


def unary_recorder(cls: type[Function], floating: bool = False) -> Callable[[Any], Value]:
    """A function doing `cls.apply(first)`.

    With `floating` (an op defined on real numbers: exp, sqrt, sigmoid, ...), integer and bool input is cast
    to the default float dtype first, as torch promotes it. Such input never requires grad, so only the
    branch without a graph looks at the dtype: the recorded path costs nothing more."""

    def record(first: Any) -> Value:
        in0: Any  # where the argument's gradient goes: its producer node, the leaf itself, or None
        if type(first) is Value or isinstance(first, Value):  # the exact-type test first: cheaper
            a, in0 = first._data, (first._grad_fn or first) if first._requires_grad else None
        else:
            a, in0 = first, None
        if in0 is None or not (grad_mode.everywhere or STATE.enabled):
            if floating and (type(a) is not np.ndarray or a.dtype.kind != "f"):
                a = dtypes.as_float(a)
            return Value._make_const(cls.forward(_NO_GRAPH, a))
        node = _new(Node)
        node._function = cls
        node._n_in, node._n_walk, node._in0, node._in1, node.needs_input_grad = 1, 1, in0, None, _NEEDS_FIRST
        node.saved_tensors, node._uses, node._observed = (), 0, False
        raw = cls.forward(node, a)
        if in0 is not first:  # a recorded input, not a leaf: one more consumer
            in0._uses += 1
        out = raw if type(raw) is np.ndarray else np.asarray(raw)
        saved = node.saved_tensors
        if saved:
            if len(saved) == 1:  # (the commonest case spelled out: a call and a loop cost a small op measurably)
                item = saved[0]
                node._saved_roles = 1 if item is raw else 2 if item is a else 0
            else:
                node._saved_roles = _saved_roles(saved, raw, (a,))
            node._clock = versions.clock
        node.out_shape = out.shape
        node.out_dtype = out.dtype
        result = _new(Value)  # Value._make inlined, here and below: one Python call less per op
        result._data = out
        result._grad = None
        result._grad_fn = node
        result._requires_grad = True
        result._hooks = None
        if study_hook is not None:
            study_hook(result, (first,))
        return result

    return record


def binary_recorder(
    cls: type[Function], prepare: Callable[[Value, Any], tuple[Any, Any]] | None = None
) -> Callable[[Any, Any], Value]:
    """A function doing `cls.apply(first, second)`.

    With `prepare` it is an operator method of Value: unless `second` is a Value of first's dtype, the
    arguments are first passed through `prepare(first, second)` (which promotes them to a common dtype).
    """

    def record(first: Any, second: Any) -> Value:
        if prepare is not None and not (type(second) is Value and second._data.dtype is first._data.dtype):
            first, second = prepare(first, second)
        in0: Any
        in1: Any
        if type(first) is Value or isinstance(first, Value):
            a, in0 = first._data, (first._grad_fn or first) if first._requires_grad else None
        else:
            a, in0 = first, None
        if type(second) is Value or isinstance(second, Value):
            b, in1 = second._data, (second._grad_fn or second) if second._requires_grad else None
        else:
            b, in1 = second, None
        if (in0 is None and in1 is None) or not (grad_mode.everywhere or STATE.enabled):
            return Value._make_const(_run_forward(cls, _NO_GRAPH, (a, b)))
        node = _new(Node)
        node._function = cls
        node._n_in, node._in0, node._in1 = 2, in0, in1
        if in1 is None:
            node._n_walk, node.needs_input_grad = 1, _NEEDS_FIRST_OF_TWO
        else:
            node._n_walk, node.needs_input_grad = 2, _NEEDS_BOTH if in0 is not None else _NEEDS_SECOND_OF_TWO
        node.saved_tensors, node._uses, node._observed = (), 0, False
        try:
            raw = cls.forward(node, a, b)
        except ValueError as error:
            raise_broadcast_error(error, [a, b])
            raise
        if in0 is not None and in0 is not first:  # a recorded input, not a leaf: one more consumer
            in0._uses += 1
        if in1 is not None and in1 is not second:
            in1._uses += 1
        out = raw if type(raw) is np.ndarray else np.asarray(raw)
        saved = node.saved_tensors
        if saved:
            if len(saved) == 2:  # (spelled out, as in unary_recorder)
                item, other = saved
                node._saved_roles = (1 if item is raw else 2 if item is a else 3 if item is b else 0) | (
                    1 if other is raw else 2 if other is a else 3 if other is b else 0
                ) << ROLE_BITS
            else:
                node._saved_roles = _saved_roles(saved, raw, (a, b))
            node._clock = versions.clock
        node.out_shape = out.shape
        node.out_dtype = out.dtype
        result = _new(Value)
        result._data = out
        result._grad = None
        result._grad_fn = node
        result._requires_grad = True
        result._hooks = None
        if study_hook is not None:
            study_hook(result, (first, second))
        return result

    return record


Function._record_unary = unary_recorder(Function)  # (the base class too: its forward says what is missing)
Function._record_binary = binary_recorder(Function)


def _run_forward(cls: type[Function], ctx: Any, arrays: Sequence[Any]) -> Any:
    """`cls.forward(ctx, *arrays)`, with NumPy's broadcasting error put in torch's words."""
    try:
        return cls.forward(ctx, *arrays)
    except ValueError as error:
        raise_broadcast_error(error, list(arrays))
        raise


_new = object.__new__

# Study mode (`with tinygrad_lr.viz.record():`): while set, called with each recorded op's output Value and the
# arguments it was given, so the drawing can keep every intermediate value and gradient. Off, it costs one global
# read per recorded op.
study_hook: Callable[[Value, tuple[Any, ...]], None] | None = None
# needs_input_grad of one- and two-argument nodes: shared tuples, nothing to build per op
_NEEDS_FIRST = (True,)
_NEEDS_FIRST_OF_TWO, _NEEDS_SECOND_OF_TWO, _NEEDS_BOTH = (True, False), (False, True), (True, True)
ROLE_BITS, ROLE_MASK = 4, 15  # per saved value: 0 neither, 1 the output, 2 + i argument i


def _saved_roles(saved: tuple[Any, ...], out: Any, arguments: Sequence[Any]) -> int:
    """Pack, ROLE_BITS per saved value, whether it is the output or which argument it is.

    One small int per node instead of a tuple of ids: nothing more for the garbage collector to track.
    Arguments past the 14th count as neither (create_graph does not reattach them).
    """
    roles = shift = 0
    for item in saved:
        if item is out:
            roles |= 1 << shift
        elif item is not None:
            for code, argument in enumerate(arguments, start=2):
                if code > ROLE_MASK:
                    break
                if item is argument:
                    roles |= code << shift
                    break
        shift += ROLE_BITS
    return roles


def raise_broadcast_error(error: ValueError, arrays: list[Any]) -> None:
    """Turn NumPy's "operands could not be broadcast" into torch's message naming the clashing sizes."""
    if "could not be broadcast" not in str(error):
        return
    shapes = [np.shape(a) for a in arrays if isinstance(a, np.ndarray)]
    for i, first in enumerate(shapes):
        for second in shapes[i + 1 :]:
            message = broadcast_mismatch_message(first, second)
            if message is not None:
                raise RuntimeError(message) from None
